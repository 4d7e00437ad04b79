use thiserror::Error;

/// Why a bank file could not be imported or a bank could not be exported.
///
/// Every message names the file, the problem and what to do about it. Import is all-or-nothing:
/// any of these errors means no job of the file was imported.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum BankError {
    /// The file name has no extension this crate reads or writes.
    #[error(
        "{file}: unsupported bank format: the file name must end in .json, .csv or .xlsx \
         (save Excel workbooks as \"Excel Workbook (.xlsx)\" or \"CSV UTF-8\")"
    )]
    UnsupportedFormat { file: String },

    /// The file is larger than [`ImportLimits::max_file_bytes`](crate::ImportLimits).
    #[error(
        "{file}: the file is {size} bytes, more than the limit of {limit} bytes (max_file_bytes): \
         split the bank into several files"
    )]
    FileTooLarge { file: String, size: u64, limit: u64 },

    /// An XLSX file would unpack to more than [`ImportLimits::max_decompressed_bytes`](crate::ImportLimits).
    #[error(
        "{file}: the workbook unpacks to {size} bytes, more than the limit of {limit} bytes \
         (max_decompressed_bytes): remove unused sheets, images and formatting, or split the bank"
    )]
    DecompressedTooLarge { file: String, size: u64, limit: u64 },

    /// An XLSX file is compressed more than [`ImportLimits::max_compression_ratio`](crate::ImportLimits)
    /// allows: the shape of a zip bomb.
    #[error(
        "{file}: the workbook is compressed {ratio:.0} to 1, more than the limit of {limit} to 1 \
         (max_compression_ratio); this looks like a zip bomb: export the bank again from Excel or from \
         Interview Copilot"
    )]
    CompressionRatioTooHigh {
        file: String,
        ratio: f64,
        limit: u64,
    },

    /// The table has more data rows (or a JSON file more questions) than
    /// [`ImportLimits::max_rows`](crate::ImportLimits).
    #[error(
        "{file}: the bank has more than {limit} rows (max_rows; one row per question): split it into \
         several files"
    )]
    TooManyRows { file: String, limit: u64 },

    /// One cell or JSON string is longer than [`ImportLimits::max_field_chars`](crate::ImportLimits).
    #[error(
        "{file}: {location} holds more than {limit} characters (max_field_chars): shorten that text"
    )]
    FieldTooLong {
        file: String,
        location: String,
        limit: u64,
    },

    /// A JSON file nests deeper than [`ImportLimits::max_json_depth`](crate::ImportLimits).
    #[error(
        "{file}: the JSON nests deeper than {limit} levels at line {line} (max_json_depth); a job bank \
         needs about 6: check that the file is a job bank"
    )]
    JsonTooDeep { file: String, limit: u64, line: u64 },

    /// The file could be read but holds problems; nothing was imported.
    #[error(
        "{file}: nothing was imported, {} found; fix the file and import it again:\n{}",
        count_problems(.problems),
        .problems.join("\n")
    )]
    Invalid { file: String, problems: Vec<String> },

    /// Writing the export file failed (a writer error, or a text too long for a spreadsheet cell).
    #[error("exporting the bank as {format} failed: {problem}")]
    Export { format: String, problem: String },
}

fn count_problems(problems: &[String]) -> String {
    let shown = problems
        .iter()
        .filter(|p| !p.starts_with(MORE_PROBLEMS_PREFIX))
        .count();
    if shown == 1 {
        "1 problem".to_string()
    } else {
        format!("{shown} problems")
    }
}

/// Starts the last line of a capped problem list.
pub(crate) const MORE_PROBLEMS_PREFIX: &str = "… and ";

/// Collects the problems of one file, up to a cap, with the file name in front of each.
pub(crate) struct Problems {
    file: String,
    list: Vec<String>,
    dropped: usize,
    cap: usize,
}

/// How many problems an [`BankError::Invalid`] lists before it only counts the rest.
pub const MAX_LISTED_PROBLEMS: usize = 50;

impl Problems {
    pub(crate) fn new(file: &str) -> Problems {
        Problems {
            file: file.to_string(),
            list: Vec::new(),
            dropped: 0,
            cap: MAX_LISTED_PROBLEMS,
        }
    }

    /// Adds `file: location: problem`.
    pub(crate) fn add(
        &mut self,
        location: impl std::fmt::Display,
        problem: impl std::fmt::Display,
    ) {
        if self.list.len() < self.cap {
            self.list
                .push(format!("{}: {location}: {problem}", self.file));
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len() + self.dropped
    }

    /// `Ok(())` when nothing was found, else the [`BankError::Invalid`] listing it all.
    pub(crate) fn into_result(self) -> Result<(), BankError> {
        if self.list.is_empty() {
            return Ok(());
        }
        let mut problems = self.list;
        if self.dropped > 0 {
            problems.push(format!(
                "{MORE_PROBLEMS_PREFIX}{} more problems not listed",
                self.dropped
            ));
        }
        Err(BankError::Invalid {
            file: self.file,
            problems,
        })
    }
}
