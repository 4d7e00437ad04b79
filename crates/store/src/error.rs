//! Everything the store can refuse or fail at, each with the problem and the fix.

use std::path::{Path, PathBuf};

use copilot_secrets::SecretError;

use crate::recovery::RecoveryKeyError;

/// Errors of [`crate::Store`]. Every message names the problem and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} is an unencrypted SQLite database, not an Interview Copilot database: it was left untouched; move it elsewhere or choose another path"
    )]
    PlaintextDatabase { path: PathBuf },

    #[error(
        "{path} is an empty file, not an Interview Copilot database: it was left untouched; delete it if you do not need it, or choose another path"
    )]
    EmptyFile { path: PathBuf },

    #[error(
        "{path} is not a file (it is a folder or a device): choose the path of a database file"
    )]
    NotAFile { path: PathBuf },

    #[error(
        "the database key for {path} is not in the OS keychain: reopen with your recovery key (`copilot store recover`)"
    )]
    KeyNotInKeychain { path: PathBuf },

    #[error(
        "the database key for {path} in the OS keychain is damaged (not 64 hex digits): reopen with your recovery key (`copilot store recover`), which stores a good copy"
    )]
    KeyInKeychainDamaged { path: PathBuf },

    #[error(
        "{path} cannot be opened with the key in the OS keychain (\"file is not a database\"): it is damaged or belongs to another key; reopen with your recovery key (`copilot store recover`); the file was left untouched"
    )]
    WrongKey { path: PathBuf },

    #[error(
        "the recovery key does not open {path}: check that it is the recovery key shown when this database was created; the file was left untouched"
    )]
    RecoveryKeyDoesNotMatch { path: PathBuf },

    #[error("the recovery key is not valid: {0}")]
    InvalidRecoveryKey(#[from] RecoveryKeyError),

    #[error(
        "there is no database at {path}: check the path (a recovery key only opens an existing database)"
    )]
    NoDatabase { path: PathBuf },

    #[error("the OS keychain could not be used for the database key of {path}: {source}")]
    Keychain {
        path: PathBuf,
        #[source]
        source: SecretError,
    },

    #[error(
        "the OS keychain ({backend}) did not keep the database key of {path} (reading it back gave something else): nothing was created; fix the keychain and retry"
    )]
    KeychainDidNotKeep {
        backend: &'static str,
        path: PathBuf,
    },

    #[error("no space left on the disk holding {path}: free space and retry; nothing was written")]
    DiskFull { path: PathBuf },

    #[error(
        "cannot write {path} ({detail}): the location is read-only or not a writable folder; choose a writable location or fix its permissions, then retry; nothing was written"
    )]
    NotWritable { path: PathBuf, detail: String },

    #[error(
        "{path} was written by a newer Interview Copilot (schema migration {migration} is unknown to this version): update the app; the file was left untouched"
    )]
    NewerSchema { path: PathBuf, migration: i64 },

    #[error("could not update the schema of {path}: {detail}; restore a backup or report a bug")]
    Migration { path: PathBuf, detail: String },

    #[error(
        "the system random number generator failed ({detail}): nothing was created; retry, or check the system's entropy source"
    )]
    Randomness { detail: String },

    #[error("job \"{job_id}\" is not valid, nothing was saved: {issues}; fix these and save again")]
    InvalidJob { job_id: String, issues: String },

    #[error("there is no job \"{job_id}\": check the id (`copilot jobs list` shows them)")]
    JobNotFound { job_id: String },

    #[error(
        "job \"{job_id}\" has no version {version} (the latest is {latest}): list them with `copilot job show {job_id} --json` or in the job editor's history"
    )]
    JobVersionNotFound {
        job_id: String,
        version: u32,
        latest: u32,
    },

    #[error(
        "there is no interview \"{interview_id}\": check the id (`copilot interviews list` shows them)"
    )]
    InterviewNotFound { interview_id: String },

    #[error("no report \"{report_id}\": list the reports with `copilot report list`")]
    ReportNotFound { report_id: String },

    #[error(
        "report \"{report_id}\" was changed meanwhile (revision {found}, expected {expected}): reload it and rate again; nothing was written"
    )]
    ReportChangedMeanwhile {
        report_id: String,
        expected: u32,
        found: u32,
    },

    #[error(
        "there is no HR connector \"{connector_id}\": check the id (`copilot connector list` shows them)"
    )]
    ConnectorNotFound { connector_id: String },

    #[error(
        "an HR connector \"{connector_id}\" already exists: choose another id; nothing was written"
    )]
    ConnectorExists { connector_id: String },

    #[error(
        "report \"{report_id}\" has no dead letter or paused delivery to resend: `copilot sync status` lists what is waiting"
    )]
    NothingToResend { report_id: String },

    #[error(
        "connector \"{connector_id}\" has no assigned interview \"{external_id}\": pull the assigned interviews again (`copilot sync run`)"
    )]
    AssignmentNotFound {
        connector_id: String,
        external_id: String,
    },

    #[error(
        "an interview \"{interview_id}\" already exists: give the new interview another id; nothing was written"
    )]
    InterviewExists { interview_id: String },

    #[error(
        "the consent record for interview \"{interview_id}\" is not valid ({detail}): fill in every field of the notice and who recorded it; nothing was written"
    )]
    InvalidConsent {
        interview_id: String,
        detail: String,
    },

    #[error(
        "interview \"{interview_id}\" is for job \"{job_id}\" version {model_version} but its plan is for job \"{plan_job_id}\" version {plan_model_version}: plan it again for this job version; nothing was written"
    )]
    PlanDoesNotMatch {
        interview_id: String,
        job_id: String,
        model_version: u32,
        plan_job_id: String,
        plan_model_version: u32,
    },

    #[error(
        "interview \"{interview_id}\" is {from} and cannot become {to}: completed and cancelled interviews are final, and a started interview cannot go back to planned; plan a new interview instead"
    )]
    InvalidStatusChange {
        interview_id: String,
        from: &'static str,
        to: &'static str,
    },

    #[error(
        "the database {path} holds a damaged {what}: {detail}; restore a backup or report a bug"
    )]
    Damaged {
        path: PathBuf,
        what: String,
        detail: String,
    },

    #[error(
        "the database {path} failed while {action}: {detail}; retry, and if it keeps failing restart the app or restore a backup"
    )]
    Database {
        path: PathBuf,
        action: &'static str,
        detail: String,
    },
}

/// A coarse category of [`StoreError`], for callers that map errors to codes (IPC, exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreErrorKind {
    /// A job, job version or interview that does not exist.
    NotFound,
    /// The database exists but its key is not (or not intact) in the keychain: recover it.
    KeyNotInKeychain,
    /// The OS keychain cannot be reached, is locked or misbehaves.
    KeychainUnavailable,
    /// A file the store will not open: plaintext, empty, not a file, or a key that does not fit.
    DatabaseRefused,
    /// A recovery key that is malformed or does not open the database.
    InvalidRecoveryKey,
    /// Data the caller passed that cannot be saved (invalid job, duplicate id, bad status change).
    InvalidInput,
    DiskFull,
    NotWritable,
    /// A newer schema, a damaged row, or another database failure.
    Storage,
}

impl StoreError {
    pub fn kind(&self) -> StoreErrorKind {
        use StoreErrorKind as Kind;
        match self {
            StoreError::JobNotFound { .. }
            | StoreError::JobVersionNotFound { .. }
            | StoreError::InterviewNotFound { .. }
            | StoreError::ReportNotFound { .. }
            | StoreError::ConnectorNotFound { .. }
            | StoreError::NothingToResend { .. }
            | StoreError::AssignmentNotFound { .. }
            | StoreError::NoDatabase { .. } => Kind::NotFound,
            StoreError::KeyNotInKeychain { .. } | StoreError::KeyInKeychainDamaged { .. } => {
                Kind::KeyNotInKeychain
            }
            StoreError::Keychain { .. } | StoreError::KeychainDidNotKeep { .. } => {
                Kind::KeychainUnavailable
            }
            StoreError::PlaintextDatabase { .. }
            | StoreError::EmptyFile { .. }
            | StoreError::NotAFile { .. }
            | StoreError::WrongKey { .. } => Kind::DatabaseRefused,
            StoreError::InvalidRecoveryKey(_) | StoreError::RecoveryKeyDoesNotMatch { .. } => {
                Kind::InvalidRecoveryKey
            }
            StoreError::InvalidJob { .. }
            | StoreError::InterviewExists { .. }
            | StoreError::InvalidConsent { .. }
            | StoreError::ConnectorExists { .. }
            | StoreError::ReportChangedMeanwhile { .. }
            | StoreError::PlanDoesNotMatch { .. }
            | StoreError::InvalidStatusChange { .. } => Kind::InvalidInput,
            StoreError::DiskFull { .. } => Kind::DiskFull,
            StoreError::NotWritable { .. } => Kind::NotWritable,
            StoreError::NewerSchema { .. }
            | StoreError::Migration { .. }
            | StoreError::Randomness { .. }
            | StoreError::Damaged { .. }
            | StoreError::Database { .. } => Kind::Storage,
        }
    }
}

/// SQLite primary result codes this crate tells apart.
const SQLITE_READONLY: i32 = 8;
const SQLITE_IOERR: i32 = 10;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
pub(crate) const SQLITE_NOTADB: i32 = 26;

/// The SQLite primary result code of a database error, if it is one.
pub(crate) fn sqlite_code(error: &sqlx::Error) -> Option<i32> {
    match error {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .map(|extended| extended & 0xff),
        _ => None,
    }
}

/// Maps an I/O error while creating or writing `path`.
pub(crate) fn from_io(path: &Path, action: &'static str, error: &std::io::Error) -> StoreError {
    use std::io::ErrorKind;
    let path = path.to_path_buf();
    match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            StoreError::DiskFull { path }
        }
        ErrorKind::ReadOnlyFilesystem
        | ErrorKind::PermissionDenied
        | ErrorKind::NotADirectory
        | ErrorKind::IsADirectory
        | ErrorKind::AlreadyExists
        | ErrorKind::NotFound => StoreError::NotWritable {
            path,
            detail: error.to_string(),
        },
        _ => StoreError::Database {
            path,
            action,
            detail: error.to_string(),
        },
    }
}

/// Maps a sqlx error on the database at `path`; disk-full and read-only get their own variants.
pub(crate) fn from_sqlx(path: &Path, action: &'static str, error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Io(io) = &error {
        return from_io(path, action, io);
    }
    let path = path.to_path_buf();
    match sqlite_code(&error) {
        Some(SQLITE_FULL) => StoreError::DiskFull { path },
        Some(SQLITE_READONLY | SQLITE_CANTOPEN) => StoreError::NotWritable {
            path,
            detail: error.to_string(),
        },
        Some(SQLITE_IOERR) if io_error_says_full(&error) => StoreError::DiskFull { path },
        _ => StoreError::Database {
            path,
            action,
            detail: error.to_string(),
        },
    }
}

fn io_error_says_full(error: &sqlx::Error) -> bool {
    let text = error.to_string().to_ascii_lowercase();
    text.contains("disk is full") || text.contains("no space")
}

#[cfg(test)]
mod tests {
    use std::io::{Error, ErrorKind};
    use std::path::Path;

    use super::*;

    #[test]
    fn io_errors_map_to_disk_full_or_not_writable() {
        let path = Path::new("/data/copilot.db");
        for (kind, expected) in [
            (ErrorKind::StorageFull, "no space left on the disk holding"),
            (
                ErrorKind::QuotaExceeded,
                "no space left on the disk holding",
            ),
            (ErrorKind::ReadOnlyFilesystem, "the location is read-only"),
            (ErrorKind::PermissionDenied, "the location is read-only"),
            (ErrorKind::NotADirectory, "the location is read-only"),
            (ErrorKind::Interrupted, "failed while creating"),
        ] {
            let message = from_io(path, "creating", &Error::from(kind)).to_string();
            assert!(message.contains(expected), "{kind:?}: {message}");
            assert!(message.contains("/data/copilot.db"), "{message}");
        }
        let full = from_io(path, "creating", &Error::from(ErrorKind::StorageFull)).to_string();
        assert!(
            full.ends_with("free space and retry; nothing was written"),
            "{full}"
        );
    }
}
