use copilot_bank::{BankFormat, ImportLimits, export_bank, import_bank};
use copilot_domain::JobDefinition;

use crate::{fixture_files, fixture_jobs, tricky_job};

fn round_trip(jobs: &[JobDefinition], format: BankFormat) -> Vec<JobDefinition> {
    let bytes = export_bank(jobs, format).unwrap_or_else(|e| panic!("export {format:?}: {e}"));
    let name = format!("bank.{}", format.extension());
    import_bank(&name, &bytes, &ImportLimits::default())
        .unwrap_or_else(|e| panic!("re-import {format:?}: {e}"))
}

#[test]
fn fixture_files_import_exactly_as_they_are() {
    for (name, bytes) in fixture_files() {
        let imported = import_bank(&name, &bytes, &ImportLimits::default()).expect("imports");
        let direct: JobDefinition = serde_json::from_slice(&bytes).expect("serde reads it");
        assert_eq!(imported, vec![direct], "{name}");
        // One job exports as a bare job; the fixtures are written the way export writes them.
        let exported = export_bank(&imported, BankFormat::Json).expect("exports");
        let as_value = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).expect("JSON");
        assert_eq!(as_value(&exported), as_value(&bytes), "{name}");
    }
}

#[test]
fn every_fixture_job_round_trips_through_every_format() {
    for job in fixture_jobs().into_iter().chain([tricky_job()]) {
        for format in [BankFormat::Json, BankFormat::Csv, BankFormat::Xlsx] {
            let back = round_trip(std::slice::from_ref(&job), format);
            assert_eq!(back, vec![job.clone()], "{} via {format:?}", job.id);
        }
    }
}

#[test]
fn a_bank_of_several_jobs_round_trips_in_order() {
    let jobs: Vec<JobDefinition> = fixture_jobs()
        .into_iter()
        .chain([tricky_job()])
        .chain(copilot_bank::bundled_library())
        .enumerate()
        .map(|(i, mut job)| {
            job.id = format!("{}-{i}", job.id);
            job
        })
        .collect();
    for format in [BankFormat::Json, BankFormat::Csv, BankFormat::Xlsx] {
        assert_eq!(round_trip(&jobs, format), jobs, "{format:?}");
    }
    let bank: serde_json::Value =
        serde_json::from_slice(&export_bank(&jobs, BankFormat::Json).expect("exports"))
            .expect("JSON");
    assert_eq!(bank["schema"], copilot_bank::BANK_SCHEMA_ID);
    assert_eq!(bank["jobs"].as_array().map(Vec::len), Some(jobs.len()));
}

#[test]
fn json_arrays_of_jobs_import_too() {
    let jobs = fixture_jobs();
    let array = serde_json::to_vec(&jobs).expect("serialises");
    assert_eq!(
        import_bank("jobs.json", &array, &ImportLimits::default()).expect("imports"),
        jobs
    );
}

#[test]
fn formula_like_cells_are_neutralised_in_csv() {
    let job = tricky_job();
    let bytes = export_bank(std::slice::from_ref(&job), BankFormat::Csv).expect("exports");
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "CSV starts with a BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name).expect("a column");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell {cell:?} could run as a formula"
            );
        }
    }
    let first = &rows[1];
    assert_eq!(
        &first[column("job_title_en")],
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(&first[column("anchor_1_en")], "''=already quoted");
    assert_eq!(&first[column("question_en")], "'\tTabbed question?");
    assert_eq!(
        &first[column("weight")],
        format!("{}", job.competencies[0].weight)
    );
}

#[test]
fn formula_like_cells_are_neutralised_in_xlsx_and_weights_are_numbers() {
    use calamine::{Data, Reader, Xlsx};
    let job = tricky_job();
    let bytes = export_bank(std::slice::from_ref(&job), BankFormat::Xlsx).expect("exports");
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook calamine reads");
    assert_eq!(workbook.sheet_names(), vec![copilot_bank::XLSX_SHEET_NAME]);
    let range = workbook.worksheet_range("bank").expect("the bank sheet");
    let header: Vec<String> = range
        .rows()
        .next()
        .expect("a header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let weight = header
        .iter()
        .position(|h| h == "weight")
        .expect("weight column");
    let title = header
        .iter()
        .position(|h| h == "job_title_en")
        .expect("title column");
    for (i, row) in range.rows().enumerate().skip(1) {
        assert!(
            matches!(row[weight], Data::Float(_)),
            "row {i}: weight must be a number cell, is {:?}",
            row[weight]
        );
        for cell in row {
            if let Data::String(text) = cell {
                assert!(
                    !text.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{text:?}"
                );
            }
        }
        assert_eq!(row[title], Data::String(format!("'{}", job.title.en)));
    }
    assert_eq!(range.height(), job.questions.len() + 1);
}

#[test]
fn hand_edited_csv_is_forgiving_where_it_is_safe() {
    // Upper-case headers in another order, `;`-separated fields as some Excel locales write,
    // no BOM, a percentage weight, Chinese list separators, and a blank trailing row.
    let jobs = fixture_jobs();
    let job = &jobs[0];
    let exported = export_bank(std::slice::from_ref(job), BankFormat::Csv).expect("exports");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&exported[3..]);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a record").iter().map(String::from).collect())
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let width = rows[0].len();
    for (i, row) in rows.iter().enumerate() {
        let mut row: Vec<String> = row.iter().rev().cloned().collect();
        if i == 0 {
            row = row.iter().map(|h| h.to_uppercase()).collect();
        } else {
            let weight = width - 1 - rows[0].iter().position(|h| h == "weight").expect("weight");
            let value: f64 = row[weight].parse().expect("a weight");
            row[weight] = format!("{}%", value * 100.0);
            let keywords = width - 1 - rows[0].iter().position(|h| h == "keywords_zh").expect("kw");
            row[keywords] = row[keywords].replace("; ", "；");
        }
        writer.write_record(&row).expect("writes");
    }
    writer.write_record(vec![""; width]).expect("writes");
    let edited = writer.into_inner().expect("bytes");
    let back = import_bank("edited.CSV", &edited, &ImportLimits::default()).expect("imports");
    assert_eq!(back, vec![job.clone()]);
}
