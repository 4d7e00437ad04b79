//! A store with one interview and a REST connector, reports to send, and senders over them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use copilot_domain::{
    Candidate, Interview, InterviewStatus, JobDefinition, Language, Plan, ResumeFacts,
};
use copilot_secrets::{MemorySecretStore, SecretStore};
use copilot_store::{Opened, Store, keychain_key};
use copilot_sync::{
    Clock, ConnectorFactory, HttpSettings, RetryPolicy, Sender, SenderConfig, build_connector,
    connector_secret_key,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

pub fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
        .single()
        .expect("a valid time")
}

pub fn fixture_job() -> JobDefinition {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interviews/jobs/sales_rep.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("job JSON")
}

pub fn interview(id: &str, job: &JobDefinition) -> Interview {
    Interview {
        id: id.to_string(),
        job_id: job.id.clone(),
        model_version: 1,
        candidate: Candidate {
            id: format!("cand-{id}"),
            name: "Lin Wei".into(),
            contact: "lin@example.com".into(),
            resume_text: String::new(),
        },
        interviewers: vec!["Ana".into()],
        language: Language::En,
        status: InterviewStatus::Planned,
        plan: Plan {
            job_id: job.id.clone(),
            model_version: 1,
            language: Language::En,
            budget_minutes: 30.0,
            planned_minutes: 0.0,
            items: vec![],
            skipped: vec![],
            resume_facts: ResumeFacts::default(),
        },
        created_at: at(1, 8, 0),
        scheduled_at: None,
        started_at: None,
        ended_at: None,
    }
}

/// A report as the report crate writes it (the fields the connectors read, and more).
pub fn report_json(report_id: &str) -> String {
    serde_json::json!({
        "schema": "https://interview-copilot.example/schemas/report.schema.json",
        "report_id": report_id,
        "interview_id": "iv-1",
        "generated_at": "2026-12-01T10:00:00Z",
        "language": "en",
        "candidate": {"id": "cand-iv-1", "name": "Lin Wei"},
        "job": {"id": "sales_rep", "title": {"en": "Sales Representative", "zh": "销售代表"}, "model_version": 1},
        "interviewers": ["Ana"],
        "overall": {"status": "partial", "confirmed": {"score": 72.5, "rated_weight": 0.6, "recommendation": "advance"},
                    "confirmed_count": 1, "competency_count": 2, "unconfirmed": ["prospecting"],
                    "advance_at": 70.0, "decline_below": 50.0},
        "competencies": [
            {"id": "closing", "name": {"en": "Closing", "zh": "成交"}, "weight": 0.6,
             "suggested": {"rating": 3, "rationale": {"en": "", "zh": ""}, "anchor": {"en": "", "zh": ""}, "evidence_ids": []},
             "confirmed": {"rating": 4, "by": "Ana", "at_ms": 1000}},
            {"id": "prospecting", "name": {"en": "Prospecting", "zh": "开发客户"}, "weight": 0.4,
             "suggested": {"rating": 2, "rationale": {"en": "", "zh": ""}, "anchor": {"en": "", "zh": ""}, "evidence_ids": []}}
        ]
    })
    .to_string()
}

/// A store in a temporary folder, its keychain (in memory) and the key a child process needs.
pub struct World {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub secrets: Arc<MemorySecretStore>,
    pub store: Store,
}

impl World {
    pub async fn new() -> anyhow::Result<World> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("copilot.db");
        let secrets = Arc::new(MemorySecretStore::new());
        let store = match Store::open(&path, &*secrets).await? {
            Opened::Created { store, .. } => store,
            Opened::Existing(_) => anyhow::bail!("expected a new database"),
        };
        let job = fixture_job();
        store.save_job(&job).await?;
        store.insert_interview(&interview("iv-1", &job)).await?;
        Ok(World {
            dir,
            path,
            secrets,
            store,
        })
    }

    /// The database key as hex (what the keychain holds), for a child process.
    pub fn key_hex(&self) -> String {
        let absolute = self.path.canonicalize().expect("the database exists");
        self.secrets
            .get(&keychain_key(&absolute))
            .expect("memory keychain")
            .expect("key stored")
            .expose()
            .to_string()
    }

    pub async fn add_rest(&self, id: &str, url: &str, token: &str) -> anyhow::Result<()> {
        self.store
            .add_connector(
                id,
                "rest",
                "HR",
                &serde_json::json!({"kind": "rest", "base_url": url}).to_string(),
                at(1, 8, 0),
            )
            .await?;
        self.secrets
            .set(&connector_secret_key(id, "token"), token)?;
        Ok(())
    }

    pub async fn save_reports(&self, count: usize) -> anyhow::Result<Vec<String>> {
        let mut ids = Vec::with_capacity(count);
        for n in 0..count {
            let id = format!("rep-{n:04}");
            self.store
                .save_report(&id, "iv-1", at(1, 9, 0), &report_json(&id))
                .await?;
            ids.push(id);
        }
        Ok(ids)
    }
}

pub fn factory(secrets: Arc<dyn SecretStore>, http: HttpSettings) -> ConnectorFactory {
    Arc::new(move |record| build_connector(record, &*secrets, http))
}

/// A sender with fast test settings.
pub fn sender(
    store: &Store,
    clock: Arc<dyn Clock>,
    seed: u64,
    secrets: Arc<dyn SecretStore>,
    policy: RetryPolicy,
) -> Sender {
    let http = HttpSettings {
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_millis(700),
    };
    let config = SenderConfig {
        batch: 16,
        concurrency: 8,
        lease: Duration::from_secs(3),
        probe_every: Duration::from_secs(1),
        idle_poll: Duration::from_millis(200),
        policy,
    };
    Sender::new(
        store.clone(),
        clock,
        StdRng::seed_from_u64(seed),
        config,
        factory(secrets, http),
    )
}
