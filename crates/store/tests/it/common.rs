use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use copilot_domain::{
    Bilingual, Candidate, Interview, InterviewStatus, JobDefinition, Language, Plan, PlanItem,
    PlanReason, ResumeFacts,
};
use copilot_secrets::{MemorySecretStore, SecretStore};
use copilot_store::{Opened, RecoveryKey, Store, keychain_key};

pub fn fixture_jobs() -> Vec<JobDefinition> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews/jobs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("readable fixture folder").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 4, "the four fixture jobs");
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable fixture");
            serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        })
        .collect()
}

pub fn fixture_job(id: &str) -> JobDefinition {
    fixture_jobs()
        .into_iter()
        .find(|job| job.id == id)
        .unwrap_or_else(|| panic!("no fixture job {id}"))
}

/// A temporary folder and the database path inside it.
pub struct Place {
    pub folder: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn place() -> Place {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("copilot.db");
    Place { folder, path }
}

/// Creates a new database, asserting that it was created (not opened).
pub async fn create(path: &Path, secrets: &dyn SecretStore) -> (Store, RecoveryKey) {
    match Store::open(path, secrets).await.expect("a new database") {
        Opened::Created {
            store,
            recovery_key,
        } => (store, recovery_key),
        Opened::Existing(_) => panic!("{} already existed", path.display()),
    }
}

pub async fn reopen(path: &Path, secrets: &dyn SecretStore) -> Store {
    match Store::open(path, secrets)
        .await
        .expect("the database opens")
    {
        Opened::Existing(store) => store,
        Opened::Created { .. } => panic!("{} was created again", path.display()),
    }
}

/// The hex key the store put in the memory keychain for `path`.
pub fn stored_key(secrets: &MemorySecretStore, path: &Path) -> String {
    let absolute = path.canonicalize().expect("the database exists");
    secrets
        .get(&keychain_key(&absolute))
        .expect("memory store works")
        .expect("the key is in the keychain")
        .expose()
        .to_string()
}

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, minute, 0)
        .single()
        .expect("a valid time")
}

/// An interview planned on `job` version `version`, asking its first question.
pub fn interview(id: &str, job: &JobDefinition, version: u32, created_minute: u32) -> Interview {
    let question = &job.questions[0];
    let competency = job
        .competency(&question.competency)
        .expect("the fixture question's competency");
    Interview {
        id: id.to_string(),
        job_id: job.id.clone(),
        model_version: version,
        candidate: Candidate {
            id: format!("candidate-{id}"),
            name: "Lin Wei".into(),
            contact: "lin.wei@example.com".into(),
            resume_text: "Account executive at Tillpoint, 122% of quota.".into(),
        },
        interviewers: vec!["Ana".into(), "Bo".into()],
        language: Language::Zh,
        status: InterviewStatus::Planned,
        plan: Plan {
            job_id: job.id.clone(),
            model_version: version,
            language: Language::Zh,
            budget_minutes: 45.0,
            planned_minutes: 6.5,
            items: vec![PlanItem {
                competency_id: competency.id.clone(),
                competency_name: competency.name.clone(),
                question_id: question.id.clone(),
                question: Bilingual::new(&question.en, &question.zh),
                personalised: None,
                minutes: 6.5,
                reason: PlanReason::BankQuestion {
                    competency_weight: competency.weight,
                },
                explanation: Bilingual::new("Heaviest competency.", "权重最高的能力。"),
            }],
            skipped: vec![],
            resume_facts: ResumeFacts {
                roles: vec!["Account executive at Tillpoint".into()],
                achievements: vec!["122% of quota".into()],
                ..ResumeFacts::default()
            },
        },
        created_at: at(created_minute),
        scheduled_at: Some(at(created_minute + 30)),
        started_at: None,
        ended_at: None,
    }
}

/// Every file in `folder` with its bytes, sorted by name.
pub fn snapshot(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder)
        .expect("readable folder")
        .map(|entry| {
            let entry = entry.expect("readable entry");
            let bytes = if entry.path().is_file() {
                std::fs::read(entry.path()).expect("readable file")
            } else {
                Vec::new()
            };
            (entry.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
