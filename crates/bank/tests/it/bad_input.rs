//! A table of malformed inputs; every error message is snapshotted, so a change of wording shows
//! up in review and a case that stops failing fails the test.

use std::io::{Cursor, Write};

use copilot_bank::{BankFormat, ImportLimits, export_bank, import_bank};
use serde_json::{Value, json};

use crate::{fixture_files, fixture_jobs};

struct Case {
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    limits: ImportLimits,
}

fn case(name: &'static str, file: &'static str, bytes: impl Into<Vec<u8>>) -> Case {
    Case {
        name,
        file,
        bytes: bytes.into(),
        limits: ImportLimits::default(),
    }
}

fn with_limits(mut case: Case, limits: ImportLimits) -> Case {
    case.limits = limits;
    case
}

/// The first fixture job as JSON, changed by `edit`.
fn job_json(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let (_, bytes) = fixture_files().remove(0);
    let mut job: Value = serde_json::from_slice(&bytes).expect("JSON");
    edit(&mut job);
    serde_json::to_vec_pretty(&job).expect("serialises")
}

/// The first fixture job as a CSV table of strings (header first), changed by `edit`.
fn job_csv(edit: impl FnOnce(&mut Vec<Vec<String>>)) -> Vec<u8> {
    let job = fixture_jobs().remove(0);
    let bytes = export_bank(&[job], BankFormat::Csv).expect("exports");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a record").iter().map(String::from).collect())
        .collect();
    edit(&mut rows);
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in &rows {
        writer.write_record(row).expect("writes");
    }
    writer.into_inner().expect("bytes")
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).expect("a column")
}

fn set_cell(rows: &mut [Vec<String>], row: usize, name: &str, value: &str) {
    let c = column(rows, name);
    rows[row - 1][c] = value.to_string();
}

fn drop_column(rows: &mut [Vec<String>], name: &str) {
    let c = column(rows, name);
    for row in rows.iter_mut() {
        row.remove(c);
    }
}

/// A zip of a tiny content-types part and one large, highly compressible sheet.
fn zip_bomb(uncompressed: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options)
        .expect("entry");
    zip.write_all(b"<Types/>").expect("writes");
    zip.start_file("xl/worksheets/sheet1.xml", options)
        .expect("entry");
    let block = vec![b' '; 64 * 1024];
    for _ in 0..uncompressed / block.len() {
        zip.write_all(&block).expect("writes");
    }
    zip.finish().expect("a zip").into_inner()
}

/// A workbook written cell by cell: (sheet name, rows of cells) per sheet.
fn workbook(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).expect("a sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(number) => sheet.write_number(r as u32, c as u16, number),
                    Err(_) => sheet.write_string(r as u32, c as u16, *cell),
                }
                .expect("a cell");
            }
        }
    }
    workbook.save_to_buffer().expect("a workbook")
}

fn cases() -> Vec<Case> {
    let tiny = ImportLimits {
        max_rows: 5,
        ..ImportLimits::default()
    };
    let fixture_xlsx = export_bank(&fixture_jobs(), BankFormat::Xlsx).expect("exports");
    vec![
        case(
            "unsupported extension",
            "bank.xls",
            b"\xd0\xcf\x11\xe0".to_vec(),
        ),
        case("no extension", "bank", b"{}".to_vec()),
        // JSON
        case("broken JSON", "job.json", r#"{"id": "x", "title": "#),
        case(
            "JSON syntax error in the middle",
            "job.json",
            String::from_utf8(fixture_files().remove(0).1)
                .expect("UTF-8")
                .replacen("\"weight\": 0.25,", "\"weight\": 0.25,,", 1),
        ),
        case("not a job", "job.json", "42"),
        case("empty array", "jobs.json", "[]"),
        case(
            "wrong job schema id",
            "job.json",
            job_json(|j| j["schema"] = "interview-copilot/job@2".into()),
        ),
        case(
            "wrong bank schema id",
            "bank.json",
            serde_json::to_vec(&json!({
                "schema": "interview-copilot/bank@9",
                "jobs": [serde_json::from_slice::<Value>(&job_json(|_| {})).expect("JSON")],
            }))
            .expect("JSON"),
        ),
        case(
            "weights not summing to 1",
            "job.json",
            job_json(|j| j["competencies"][0]["weight"] = json!(0.5)),
        ),
        case(
            "unknown competency in a question",
            "job.json",
            job_json(|j| j["questions"][0]["competency"] = "leadership".into()),
        ),
        case(
            "misspelt field",
            "job.json",
            job_json(|j| {
                j["questions"][0]["folow_ups"] = json!([{"en": "Why?", "zh": "为什么？"}])
            }),
        ),
        case("wrong type in the second job of a bank", "bank.json", {
            let job: Value = serde_json::from_slice(&job_json(|_| {})).expect("JSON");
            let mut second = job.clone();
            second["id"] = "second".into();
            second["competencies"][1]["weight"] = "0.2".into();
            serde_json::to_vec_pretty(&json!({
                "schema": copilot_bank::BANK_SCHEMA_ID,
                "jobs": [job, second],
            }))
            .expect("JSON")
        }),
        case("the same job twice", "jobs.json", {
            let job: Value = serde_json::from_slice(&job_json(|_| {})).expect("JSON");
            serde_json::to_vec(&json!([job, job])).expect("JSON")
        }),
        case(
            "too deep JSON",
            "deep.json",
            format!("{}{}", "[".repeat(40), "]".repeat(40)),
        ),
        with_limits(
            case("oversized file", "big.json", job_json(|_| {})),
            ImportLimits {
                max_file_bytes: 1024,
                ..ImportLimits::default()
            },
        ),
        case(
            "overlong JSON string",
            "job.json",
            job_json(|j| j["summary"]["en"] = "x".repeat(10_001).into()),
        ),
        with_limits(
            case("too many questions in JSON", "job.json", job_json(|_| {})),
            tiny,
        ),
        // CSV
        case("empty CSV", "bank.csv", ""),
        case(
            "CSV not in UTF-8",
            "bank.csv",
            [b"job_id,job_title_zh\nx,".as_slice(), b"\xcf\xfa\xca\xdb\n"].concat(),
        ),
        case(
            "conflicting rows in CSV",
            "bank.csv",
            job_csv(|rows| {
                set_cell(rows, 3, "competency_name_en", "Class control");
                set_cell(rows, 4, "weight", "0.3");
                set_cell(rows, 5, "job_title_zh", "老师");
            }),
        ),
        case(
            "missing and unknown columns in CSV",
            "bank.csv",
            job_csv(|rows| {
                drop_column(rows, "weight");
                drop_column(rows, "anchor_3_zh");
                rows[0][0] = "Job ID".into();
                let c = column(rows, "keywords_en");
                rows[0][c] = "keyword_en".into();
            }),
        ),
        case(
            "unreadable cells in CSV",
            "bank.csv",
            job_csv(|rows| {
                for r in 2..=4 {
                    set_cell(rows, r, "weight", "a quarter");
                }
                set_cell(rows, 6, "difficulty", "very hard");
                set_cell(rows, 7, "question_id", "");
                set_cell(rows, 8, "follow_ups_en", "Why?; How?");
                set_cell(rows, 8, "follow_ups_zh", "为什么？");
                let mut stray = rows[9].clone();
                stray.push("stray value".into());
                rows[9] = stray;
            }),
        ),
        case(
            "CSV failing validation",
            "bank.csv",
            job_csv(|rows| {
                let c = column(rows, "competency_id");
                let first = rows[1][c].clone();
                let weight = column(rows, "weight");
                for row in rows.iter_mut().skip(1) {
                    if row[c] == first {
                        row[c] = "Classroom Control".into();
                        row[weight] = "0.3".into();
                    }
                }
                let duplicate = rows[4][column(rows, "question_id")].clone();
                set_cell(rows, 6, "question_id", &duplicate);
                let competency = rows[6][column(rows, "competency_id")].clone();
                let anchor = column(rows, "anchor_2_zh");
                for row in rows.iter_mut().filter(|row| row[c] == competency) {
                    row[anchor] = " ".into();
                }
            }),
        ),
        with_limits(
            case("too many rows in CSV", "bank.csv", job_csv(|_| {})),
            tiny,
        ),
        case(
            "overlong CSV field",
            "bank.csv",
            job_csv(|rows| set_cell(rows, 3, "question_en", &"y".repeat(10_001))),
        ),
        // XLSX
        case("zip bomb XLSX", "bomb.xlsx", zip_bomb(8 * 1024 * 1024)),
        with_limits(
            case(
                "XLSX unpacking past the limit",
                "bank.xlsx",
                fixture_xlsx.clone(),
            ),
            ImportLimits {
                max_decompressed_bytes: 10_000,
                ..ImportLimits::default()
            },
        ),
        with_limits(
            case("too many rows in XLSX", "bank.xlsx", fixture_xlsx),
            tiny,
        ),
        case("XLSX that is not a zip", "bank.xlsx", "job_id,title\n"),
        case(
            "XLSX without a bank sheet",
            "bank.xlsx",
            workbook(&[("Sheet1", vec![vec!["job_id"]]), ("Sheet2", vec![])]),
        ),
        case(
            "XLSX with missing columns",
            "bank.xlsx",
            workbook(&[("Jobs", vec![vec!["job_id", "question_id"], vec!["42", "7"]])]),
        ),
    ]
}

/// The exact ratio of a zip bomb depends on the deflate backend the build links: mask its digits.
fn mask_ratio(message: &str) -> String {
    match message.split_once("is compressed ") {
        Some((before, after)) => {
            let rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
            assert!(rest.len() < after.len(), "a ratio follows: {message}");
            format!("{before}is compressed [N]{rest}")
        }
        None => message.to_string(),
    }
}

#[test]
fn bad_inputs_are_rejected_with_messages_naming_problem_and_fix() {
    let mut rendered = String::new();
    for case in cases() {
        let result = import_bank(case.file, &case.bytes, &case.limits);
        let message = match result {
            Ok(jobs) => panic!(
                "case {:?} imported {} jobs instead of failing",
                case.name,
                jobs.len()
            ),
            Err(error) => error.to_string(),
        };
        rendered.push_str(&format!("### {}\n{}\n\n", case.name, mask_ratio(&message)));
    }
    insta::assert_snapshot!(rendered);
}

#[test]
fn problems_are_capped_and_counted() {
    let bytes = job_csv(|rows| {
        for r in 2..=rows.len() {
            set_cell(rows, r, "difficulty", "?");
            set_cell(rows, r, "follow_ups_en", "a; b");
            set_cell(rows, r, "follow_ups_zh", "a; b; c");
        }
        let template = rows[1].clone();
        let q = column(rows, "question_id");
        for i in 0..40 {
            let mut row = template.clone();
            row[q] = format!("extra{i}");
            rows.push(row);
        }
    });
    match import_bank("many.csv", &bytes, &ImportLimits::default()) {
        Err(copilot_bank::BankError::Invalid { problems, .. }) => {
            assert_eq!(problems.len(), copilot_bank::MAX_LISTED_PROBLEMS + 1);
            let last = problems.last().expect("a last line");
            assert!(last.contains("more problems not listed"), "{last}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn format_comes_from_the_extension() {
    let cases = [
        ("a.json", Some(BankFormat::Json)),
        ("dir.v2/B.CSV", Some(BankFormat::Csv)),
        ("C:\\banks\\x.XlSx", Some(BankFormat::Xlsx)),
        ("bank.xls", None),
        ("json", None),
    ];
    for (name, expected) in cases {
        assert_eq!(BankFormat::from_file_name(name).ok(), expected, "{name}");
    }
}

#[test]
fn limits_at_the_boundary_pass() {
    // Exactly at each limit is allowed: the checks are "more than", not "at least".
    let jobs = fixture_jobs();
    let job = &jobs[0];
    let json = export_bank(std::slice::from_ref(job), BankFormat::Json).expect("exports");
    let xlsx = export_bank(std::slice::from_ref(job), BankFormat::Xlsx).expect("exports");
    let csv = export_bank(std::slice::from_ref(job), BankFormat::Csv).expect("exports");
    let rows = job.questions.len() as u64;
    let exact = ImportLimits {
        max_file_bytes: json.len() as u64,
        max_rows: rows,
        ..ImportLimits::default()
    };
    assert!(import_bank("a.json", &json, &exact).is_ok());
    let exact_rows = ImportLimits {
        max_rows: rows,
        ..ImportLimits::default()
    };
    assert!(import_bank("a.csv", &csv, &exact_rows).is_ok());
    assert!(import_bank("a.xlsx", &xlsx, &exact_rows).is_ok());
    let one_less = ImportLimits {
        max_rows: rows - 1,
        ..ImportLimits::default()
    };
    assert!(import_bank("a.csv", &csv, &one_less).is_err());
    assert!(import_bank("a.xlsx", &xlsx, &one_less).is_err());
}

#[test]
fn a_zip_bomb_is_measured_before_it_is_unpacked() {
    let bomb = zip_bomb(8 * 1024 * 1024);
    match import_bank("bomb.xlsx", &bomb, &ImportLimits::default()) {
        Err(copilot_bank::BankError::CompressionRatioTooHigh { ratio, limit, .. }) => {
            assert!(ratio > 500.0, "ratio {ratio}");
            assert_eq!(limit, 100);
        }
        other => panic!("expected CompressionRatioTooHigh, got {other:?}"),
    }
}

#[test]
fn a_zip_entry_that_lies_about_its_size_is_caught_while_inflating() {
    // Declare the 1 MiB sheet as 1,000 bytes in both the local and the central header.
    let mut bomb = zip_bomb(1024 * 1024);
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for at in 0..bomb.len().saturating_sub(46 + name.len()) {
        // Local file header: size at 22, name at 30; central directory entry: 24 and 46.
        let (size_offset, name_offset) = match &bomb[at..at + 4] {
            [0x50, 0x4b, 0x03, 0x04] => (22, 30),
            [0x50, 0x4b, 0x01, 0x02] => (24, 46),
            _ => continue,
        };
        if &bomb[at + name_offset..at + name_offset + name.len()] == name {
            bomb[at + size_offset..at + size_offset + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of the sheet were patched");
    let generous = ImportLimits {
        max_compression_ratio: u64::MAX,
        max_decompressed_bytes: 100_000,
        ..ImportLimits::default()
    };
    match import_bank("liar.xlsx", &bomb, &generous) {
        Err(copilot_bank::BankError::DecompressedTooLarge { size, limit, .. }) => {
            assert!(size > 1000 && limit == 100_000, "size {size}");
        }
        Err(copilot_bank::BankError::Invalid { problems, .. }) => {
            assert!(problems[0].contains("cannot be unpacked"), "{problems:?}");
        }
        other => panic!("expected the lie to be caught, got {other:?}"),
    }
}
