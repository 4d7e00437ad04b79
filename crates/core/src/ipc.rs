//! Request and response types of the app's IPC, and the generator of their TypeScript bindings.

use std::path::Path;

use copilot_domain::Language;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the window needs at start-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    /// The recovery key, present only until the user confirms they saved it (first run only).
    pub recovery_key: Option<String>,
    pub ui_language: Language,
}

/// One stored version of a job's competency model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VersionInfo {
    pub version: u32,
    pub content_hash: String,
    #[ts(type = "string")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The outcome of saving a job: the version it now has, and whether that version is new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SavedJob {
    pub job_id: String,
    pub version: u32,
    pub created_new_version: bool,
}

/// The outcome of an import: every job of the file, saved in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub file_name: String,
    pub jobs: Vec<SavedJob>,
}

/// A bank file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum BankFileFormat {
    Json,
    Csv,
    Xlsx,
}

impl BankFileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            BankFileFormat::Json => "json",
            BankFileFormat::Csv => "csv",
            BankFileFormat::Xlsx => "xlsx",
        }
    }

    pub fn parse(text: &str) -> Option<BankFileFormat> {
        match text
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "json" => Some(BankFileFormat::Json),
            "csv" => Some(BankFileFormat::Csv),
            "xlsx" => Some(BankFileFormat::Xlsx),
            _ => None,
        }
    }

    pub(crate) fn to_bank(self) -> copilot_bank::BankFormat {
        match self {
            BankFileFormat::Json => copilot_bank::BankFormat::Json,
            BankFileFormat::Csv => copilot_bank::BankFormat::Csv,
            BankFileFormat::Xlsx => copilot_bank::BankFormat::Xlsx,
        }
    }
}

/// An exported bank file, for the window to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportedFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What the planner needs to preview a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanRequest {
    pub job_id: String,
    pub resume_text: String,
    pub budget_minutes: f64,
    pub language: Language,
}

/// A new interview: who, for which job, and the time it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewInterview {
    pub job_id: String,
    pub candidate_name: String,
    #[serde(default)]
    pub candidate_contact: String,
    #[serde(default)]
    pub resume_text: String,
    #[serde(default)]
    pub interviewers: Vec<String>,
    pub language: Language,
    pub budget_minutes: f64,
    /// RFC 3339 time, if the interview is scheduled.
    #[serde(default)]
    pub scheduled_at: Option<String>,
}

/// Writes the TypeScript declaration of every IPC type into `dir` (one `.ts` file per type).
pub fn export_bindings(dir: &Path) -> Result<(), ts_rs::ExportError> {
    let config = ts_rs::Config::new()
        .with_out_dir(dir)
        .with_large_int("number");
    AppInfo::export_all(&config)?;
    VersionInfo::export_all(&config)?;
    SavedJob::export_all(&config)?;
    ImportReport::export_all(&config)?;
    BankFileFormat::export_all(&config)?;
    ExportedFile::export_all(&config)?;
    PlanRequest::export_all(&config)?;
    NewInterview::export_all(&config)?;
    crate::CoreError::export_all(&config)?;
    copilot_domain::JobDefinition::export_all(&config)?;
    copilot_domain::ModelVersion::export_all(&config)?;
    copilot_domain::JobSummary::export_all(&config)?;
    copilot_domain::ValidationIssue::export_all(&config)?;
    copilot_domain::Interview::export_all(&config)?;
    copilot_domain::Plan::export_all(&config)?;
    // Sync with the HR system.
    crate::SyncStatus::export_all(&config)?;
    crate::SyncRunReport::export_all(&config)?;
    crate::ConnectionTest::export_all(&config)?;
    crate::NewConnector::export_all(&config)?;
    crate::AssignedInterviewInfo::export_all(&config)?;
    // The live interview and its report.
    crate::LiveEvent::export_all(&config)?;
    crate::ReplaySettings::export_all(&config)?;
    crate::ReplayTotals::export_all(&config)?;
    crate::ReportSummary::export_all(&config)?;
    crate::ReportFormat::export_all(&config)?;
    copilot_engine::EngineInput::export_all(&config)?;
    copilot_engine::CoverageState::export_all(&config)?;
    copilot_report::Report::export_all(&config)?;
    // Audio sources and the device picker.
    crate::AudioInput::export_all(&config)?;
    crate::MeterEvent::export_all(&config)?;
    copilot_audio::InputDeviceInfo::export_all(&config)?;
    // Consent, the policy profile and camera cues.
    crate::PolicySettings::export_all(&config)?;
    crate::ConsentStatus::export_all(&config)?;
    crate::NewConsent::export_all(&config)?;
    crate::ConsentNotice::export_all(&config)?;
    crate::VideoInput::export_all(&config)?;
    crate::VisionEvent::export_all(&config)?;
    crate::VisionTotals::export_all(&config)?;
    crate::CameraInfo::export_all(&config)?;
    crate::HeldReport::export_all(&config)?;
    Ok(())
}
