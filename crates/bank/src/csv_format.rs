//! CSV: UTF-8 with an optional byte-order mark; export writes one so Excel shows Chinese right.

use crate::BankError;
use crate::ImportLimits;
use crate::table::{Cell, SheetRow, Table, column_letter};

const BOM: &str = "\u{feff}";

pub(crate) fn read_rows(
    file: &str,
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<Vec<SheetRow>, BankError> {
    let text = crate::utf8_text(file, bytes, "CSV UTF-8 (Comma delimited)")?;
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error
                    .position()
                    .map_or(String::new(), |p| format!("line {}: ", p.line()));
                return Err(BankError::Invalid {
                    file: file.to_string(),
                    problems: vec![format!(
                        "{file}: {line}the CSV cannot be read ({error}): save it again as CSV UTF-8"
                    )],
                });
            }
        }
        number += 1;
        // The header is row 1 and does not count.
        if number > limits.max_rows.saturating_add(1) {
            return Err(BankError::TooManyRows {
                file: file.to_string(),
                limit: limits.max_rows,
            });
        }
        let mut cells = Vec::new();
        for (column, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            if field.chars().count() as u64 > limits.max_field_chars {
                return Err(BankError::FieldTooLong {
                    file: file.to_string(),
                    location: format!("row {number}, column {}", column_letter(column)),
                    limit: limits.max_field_chars,
                });
            }
            cells.push((column, Cell::Text(field.to_string())));
        }
        rows.push(SheetRow { number, cells });
    }
    Ok(rows)
}

/// Excel in many locales saves "CSV" with `;` between fields: take the header line's separator.
fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or_default();
    let count = |c: char| first_line.matches(c).count();
    if count(',') > 0 {
        b','
    } else if count(';') > 0 {
        b';'
    } else if count('\t') > 0 {
        b'\t'
    } else {
        b','
    }
}

pub(crate) fn write(table: &Table) -> Result<Vec<u8>, BankError> {
    let failed = |error: csv::Error| BankError::Export {
        format: "CSV".into(),
        problem: error.to_string(),
    };
    let mut writer = csv::WriterBuilder::new().from_writer(BOM.as_bytes().to_vec());
    writer.write_record(&table.header).map_err(failed)?;
    for row in &table.rows {
        writer
            .write_record(row.iter().map(|cell| match cell {
                Cell::Text(text) => text.clone(),
                Cell::Number(number) => format!("{number}"),
            }))
            .map_err(failed)?;
    }
    writer.into_inner().map_err(|error| BankError::Export {
        format: "CSV".into(),
        problem: error.to_string(),
    })
}
