//! XLSX: read with calamine (after [`crate::limits::check_zip`]), written with rust_xlsxwriter as
//! one sheet named `bank`.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::BankError;
use crate::ImportLimits;
use crate::table::{Cell, SheetRow, Table, column_letter};

/// The name of the sheet export writes and import looks for first.
pub const SHEET_NAME: &str = "bank";

pub(crate) fn read_rows(
    file: &str,
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<Vec<SheetRow>, BankError> {
    let invalid = |problem: String| BankError::Invalid {
        file: file.to_string(),
        problems: vec![format!("{file}: {problem}")],
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|error| {
        invalid(format!(
            "the workbook cannot be read ({error}): save it from Excel as \"Excel Workbook (.xlsx)\""
        ))
    })?;
    let sheets = workbook.sheet_names();
    let sheet = match sheets
        .iter()
        .find(|name| name.trim().eq_ignore_ascii_case(SHEET_NAME))
    {
        Some(name) => name.clone(),
        None if sheets.len() == 1 => sheets[0].clone(),
        None => {
            return Err(invalid(format!(
                "the workbook has the sheets {sheets:?} and none is named \"{SHEET_NAME}\": rename \
                 the sheet that holds the bank to \"{SHEET_NAME}\""
            )));
        }
    };
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(|error| {
        invalid(format!(
            "sheet {sheet:?} cannot be read ({error}): save the workbook again from Excel"
        ))
    })?;

    let mut rows: BTreeMap<u64, Vec<(usize, Cell)>> = BTreeMap::new();
    let mut cell_errors = Vec::new();
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(error) => {
                return Err(invalid(format!(
                    "sheet {sheet:?} cannot be read ({error}): save the workbook again from Excel"
                )));
            }
        };
        let (row, column) = cell.get_position();
        let (number, column) = (u64::from(row) + 1, column as usize);
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
                Cell::Text(text.clone())
            }
            DataRef::SharedString(text) => Cell::Text((*text).to_string()),
            DataRef::Float(number) => Cell::Number(*number),
            DataRef::Int(number) => Cell::Number(*number as f64),
            DataRef::Bool(flag) => Cell::Text(if *flag { "TRUE" } else { "FALSE" }.to_string()),
            DataRef::DateTime(date) => Cell::Number(date.as_f64()),
            DataRef::Error(error) => {
                if cell_errors.len() < crate::error::MAX_LISTED_PROBLEMS {
                    cell_errors.push(format!(
                        "{file}: row {number}, column {}: the cell holds the Excel error {error}: \
                         replace it with a value",
                        column_letter(column)
                    ));
                }
                continue;
            }
        };
        if let Cell::Text(text) = &value
            && text.chars().count() as u64 > limits.max_field_chars
        {
            return Err(BankError::FieldTooLong {
                file: file.to_string(),
                location: format!("row {number}, column {}", column_letter(column)),
                limit: limits.max_field_chars,
            });
        }
        rows.entry(number).or_default().push((column, value));
        // The header row does not count.
        if rows.len() as u64 > limits.max_rows.saturating_add(1) {
            return Err(BankError::TooManyRows {
                file: file.to_string(),
                limit: limits.max_rows,
            });
        }
    }
    if !cell_errors.is_empty() {
        return Err(BankError::Invalid {
            file: file.to_string(),
            problems: cell_errors,
        });
    }
    Ok(rows
        .into_iter()
        .map(|(number, cells)| SheetRow { number, cells })
        .collect())
}

pub(crate) fn write(table: &Table) -> Result<Vec<u8>, BankError> {
    write_workbook(table).map_err(|error| BankError::Export {
        format: "XLSX".into(),
        problem: error.to_string(),
    })
}

fn write_workbook(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    let bold = Format::new().set_bold();
    for (column, name) in table.header.iter().enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, *name, &bold)?;
        sheet.set_column_width(column, 18)?;
    }
    for (index, row) in table.rows.iter().enumerate() {
        let row_number = index as u32 + 1;
        for (column, cell) in row.iter().enumerate() {
            let column = column as u16;
            match cell {
                Cell::Text(text) if text.is_empty() => {}
                Cell::Text(text) => {
                    sheet.write_string(row_number, column, text)?;
                }
                Cell::Number(number) => {
                    sheet.write_number(row_number, column, *number)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if !table.header.is_empty() {
        sheet.autofilter(0, 0, table.rows.len() as u32, table.header.len() as u16 - 1)?;
    }
    workbook.save_to_buffer()
}
