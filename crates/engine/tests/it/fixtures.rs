//! The scripted interviews of tests/fixtures/interviews, loaded and fed to the engine by
//! `copilot-eval` (the same code `copilot eval` runs).

use std::path::PathBuf;

use copilot_domain::{JobDefinition, Language};
use serde_json::Value;

pub use copilot_eval::Run;

pub const SESSIONS: [&str; 4] = [
    "dev-sales-en-01",
    "dev-workshop-zh-01",
    "dev-pm-en-01",
    "dev-teacher-zh-01",
];

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews")
}

pub struct Session {
    pub id: String,
    /// The session file as JSON, for labels the typed form does not carry.
    pub raw: Value,
    pub job: JobDefinition,
    pub language: Language,
    pub planned_minutes: u32,
    pub interview: copilot_eval::Interview,
}

impl Session {
    pub fn load(id: &str) -> anyhow::Result<Session> {
        let folder = copilot_eval::load_folder(&fixtures_dir())?;
        let loaded = folder
            .interviews
            .iter()
            .find(|l| l.interview.id == id)
            .ok_or_else(|| anyhow::anyhow!("no session {id} in {}", fixtures_dir().display()))?;
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(&loaded.path)?)?;
        let interview = loaded.interview.clone();
        Ok(Session {
            id: id.to_string(),
            raw,
            job: folder.job(&interview).clone(),
            language: interview.language,
            planned_minutes: interview.minutes(),
            interview,
        })
    }
}

/// Feed a session turn by turn: one segment per sentence (300 ms apart), 600 ms between turns.
pub fn run(session: &Session) -> Run {
    copilot_eval::run_transcript(&session.interview, &session.job)
}

/// Like [`run`], with the segment language given (or `None` for the engine to detect it).
pub fn run_with(session: &Session, segment_language: Option<Language>) -> Run {
    copilot_eval::run_transcript_with(&session.interview, &session.job, segment_language)
}
