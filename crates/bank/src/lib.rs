//! Import and export of job banks: a job's competency model and question bank
//! ([`copilot_domain::JobDefinition`]) as JSON, CSV or XLSX, and the bundled default library.
//!
//! - JSON is the `interview-copilot/job@1` format (serde of `JobDefinition`): one job, an array of
//!   jobs, or a bank `{"schema": "interview-copilot/bank@1", "jobs": [...]}`. [`JOB_JSON_SCHEMA`] is
//!   its JSON Schema (draft 2020-12), published at `schemas/job.schema.json`.
//! - CSV and XLSX hold one flat table, one row per question, the job and competency columns
//!   repeated on each row (see [`TABLE_COLUMNS`]); list cells join items with `; `.
//!
//! Import is all-or-nothing: [`import_bank`] returns every job of a file or a [`BankError`] listing
//! every problem found (up to [`MAX_LISTED_PROBLEMS`]). [`ImportLimits`] are checked before the
//! expensive parsing: file size, zip bomb shape, rows, field length, JSON depth. Export neutralises
//! cells a spreadsheet could run as formulas with a leading `'`, which import strips again, so
//! JSON → CSV/XLSX → JSON round trips are lossless.
//!
//! Architecture invariant: no I/O here; callers hand in bytes and get bytes back.

mod csv_format;
mod error;
mod json;
mod library;
mod limits;
mod table;
mod xlsx_format;

use copilot_domain::JobDefinition;

pub use error::{BankError, MAX_LISTED_PROBLEMS};
pub use library::{BUNDLED_LIBRARY_FILES, bundled_library};
pub use limits::ImportLimits;
pub use table::COLUMNS as TABLE_COLUMNS;
pub use xlsx_format::SHEET_NAME as XLSX_SHEET_NAME;

/// The JSON Schema (draft 2020-12) of the job and bank JSON formats.
pub const JOB_JSON_SCHEMA: &str = include_str!("../../../schemas/job.schema.json");

/// The schema id of a JSON file holding several jobs.
pub const BANK_SCHEMA_ID: &str = "interview-copilot/bank@1";

/// A bank file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BankFormat {
    Json,
    Csv,
    Xlsx,
}

impl BankFormat {
    /// The format a file name's extension stands for (`.json`, `.csv`, `.xlsx`, any case).
    pub fn from_file_name(file_name: &str) -> Result<BankFormat, BankError> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let extension = base
            .rsplit_once('.')
            .map(|(_, extension)| extension.to_ascii_lowercase());
        match extension.as_deref() {
            Some("json") => Ok(BankFormat::Json),
            Some("csv") => Ok(BankFormat::Csv),
            Some("xlsx") => Ok(BankFormat::Xlsx),
            _ => Err(BankError::UnsupportedFormat {
                file: file_name.to_string(),
            }),
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            BankFormat::Json => "json",
            BankFormat::Csv => "csv",
            BankFormat::Xlsx => "xlsx",
        }
    }
}

/// Reads every job of a bank file, or none: the format comes from `file_name`'s extension.
pub fn import_bank(
    file_name: &str,
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<Vec<JobDefinition>, BankError> {
    let format = BankFormat::from_file_name(file_name)?;
    limits::check_file_size(file_name, bytes, limits)?;
    match format {
        BankFormat::Json => json::import(file_name, bytes, limits),
        BankFormat::Csv => {
            let rows = csv_format::read_rows(file_name, bytes, limits)?;
            table::table_to_jobs(file_name, &rows)
        }
        BankFormat::Xlsx => {
            limits::check_zip(file_name, bytes, limits)?;
            let rows = xlsx_format::read_rows(file_name, bytes, limits)?;
            table::table_to_jobs(file_name, &rows)
        }
    }
}

/// Writes jobs as a bank file: JSON writes a bare job for one job and a bank for several.
pub fn export_bank(jobs: &[JobDefinition], format: BankFormat) -> Result<Vec<u8>, BankError> {
    match format {
        BankFormat::Json => json::export(jobs),
        BankFormat::Csv | BankFormat::Xlsx => {
            let format_name = format.extension().to_ascii_uppercase();
            table::check_exportable(jobs).map_err(|problem| BankError::Export {
                format: format_name,
                problem,
            })?;
            let table = table::jobs_to_table(jobs);
            if format == BankFormat::Csv {
                csv_format::write(&table)
            } else {
                xlsx_format::write(&table)
            }
        }
    }
}

/// A validation message with what to do about it, where the domain's message leaves that open.
pub(crate) fn explain(issue: &copilot_domain::ValidationIssue) -> String {
    let message = &issue.message;
    let fix = if issue.path == "schema" {
        format!(
            "this version reads jobs of schema {} only",
            copilot_domain::JOB_SCHEMA_ID
        )
    } else if message.ends_with("is not a valid id") {
        "use only lowercase letters, digits, _ . - (starting with a letter or digit)".to_string()
    } else if message.starts_with("duplicate question id") {
        "give each question its own id".to_string()
    } else if message.starts_with("duplicate competency id") {
        "give each competency its own id".to_string()
    } else if message.starts_with("no competency") {
        "use the id of one of the job's competencies".to_string()
    } else if message.ends_with("has no question") {
        "add at least one question for it".to_string()
    } else if message.ends_with("is not in (0, 1]") {
        "give a weight above 0 and at most 1".to_string()
    } else {
        return message.clone();
    };
    format!("{message}: {fix}")
}

/// The bytes as UTF-8 text, or an error naming the line of the first bad byte.
pub(crate) fn utf8_text<'a>(
    file: &str,
    bytes: &'a [u8],
    save_as: &str,
) -> Result<&'a str, BankError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        BankError::Invalid {
            file: file.to_string(),
            problems: vec![format!(
                "{file}: line {line}: the file is not UTF-8 text (byte {} is not valid UTF-8): \
                 save it as {save_as}",
                error.valid_up_to()
            )],
        }
    })
}
