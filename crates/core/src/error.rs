use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure a [`CoreError`] is; the UI switches on this, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    ImportRejected,
    UnreadableFile,
    KeychainUnavailable,
    DatabaseKeyMissing,
    DatabaseRefused,
    Storage,
    /// Speech: a model or the ONNX Runtime missing or damaged, unreadable audio.
    Speech,
    /// A capture purpose without the candidate's consent, or one the policy profile prohibits.
    ConsentRequired,
    /// Camera and face analysis: no camera, a model missing or damaged, an unreadable frame. The
    /// interview goes on without cues.
    Vision,
    Internal,
}

/// The error every [`crate::Copilot`] method returns: a code and a message naming the problem and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CoreError {
    pub code: ErrorCode,
    pub message: String,
    /// Individual problems, e.g. one line per bad row of an import.
    #[serde(default)]
    pub details: Vec<String>,
}

impl CoreError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CoreError {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

impl From<copilot_store::StoreError> for CoreError {
    fn from(error: copilot_store::StoreError) -> Self {
        use copilot_store::StoreErrorKind as Kind;
        let code = match error.kind() {
            Kind::NotFound => ErrorCode::NotFound,
            Kind::KeyNotInKeychain => ErrorCode::DatabaseKeyMissing,
            Kind::KeychainUnavailable => ErrorCode::KeychainUnavailable,
            Kind::DatabaseRefused | Kind::InvalidRecoveryKey => ErrorCode::DatabaseRefused,
            Kind::InvalidInput => ErrorCode::InvalidInput,
            Kind::DiskFull | Kind::NotWritable | Kind::Storage => ErrorCode::Storage,
        };
        CoreError::new(code, error.to_string())
    }
}

impl From<copilot_secrets::SecretError> for CoreError {
    fn from(error: copilot_secrets::SecretError) -> Self {
        CoreError::new(ErrorCode::KeychainUnavailable, error.to_string())
    }
}

impl From<copilot_bank::BankError> for CoreError {
    fn from(error: copilot_bank::BankError) -> Self {
        let text = error.to_string();
        match &error {
            // The summary line goes in the message, each problem in the details.
            copilot_bank::BankError::Invalid { problems, .. } => {
                let summary = text
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(':')
                    .to_string();
                CoreError::new(ErrorCode::ImportRejected, summary).with_details(problems.clone())
            }
            _ => CoreError::new(ErrorCode::ImportRejected, text),
        }
    }
}

impl From<copilot_resume::ResumeError> for CoreError {
    fn from(error: copilot_resume::ResumeError) -> Self {
        CoreError::new(ErrorCode::UnreadableFile, error.to_string())
    }
}
