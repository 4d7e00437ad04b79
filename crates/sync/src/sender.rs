//! The sender: delivers due outbox rows, records each outcome, checks on HR systems that were
//! unreachable so delivery resumes soon after they come back, and pulls assigned interviews.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use copilot_store::{AssignedInterview, ConnectorRecord, OutboxRow, Store};
use futures_util::StreamExt;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::clock::Clock;
use crate::connector::{AttemptError, HrConnector, OutgoingReport};
use crate::error::SyncError;
use crate::policy::{Decision, RetryPolicy};

/// Builds the connector for a stored record (normally [`crate::build_connector`] with the
/// OS keychain; tests inject their own).
pub type ConnectorFactory =
    Arc<dyn Fn(&ConnectorRecord) -> Result<Arc<dyn HrConnector>, SyncError> + Send + Sync>;

/// How the sender works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderConfig {
    /// Rows claimed per batch.
    pub batch: u32,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// How long a claimed row belongs to this sender; must exceed the HTTP timeout.
    pub lease: Duration,
    /// How often an HR system with reports waiting on backoff is checked for being back.
    pub probe_every: Duration,
    /// The longest [`Sender::run`] sleeps between passes.
    pub idle_poll: Duration,
    pub policy: RetryPolicy,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            batch: 32,
            concurrency: 4,
            lease: Duration::from_secs(120),
            probe_every: Duration::from_secs(30),
            idle_poll: Duration::from_secs(30),
            policy: RetryPolicy::default(),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Rows claimed and tried.
    pub attempted: u64,
    pub delivered: u64,
    /// Of the delivered: found already in the HR system by a lookup (no second create).
    pub found_existing: u64,
    pub retried: u64,
    pub dead: u64,
    pub paused: u64,
    /// HR systems checked for being back after failures.
    pub probes: u64,
    /// Rows made due now because their HR system answered again.
    pub expedited: u64,
}

/// What pulling assigned interviews did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullSummary {
    pub pulled: u64,
    /// One line per connector that failed (secrets removed).
    pub failures: Vec<String>,
}

/// Delivers the outbox. Share it behind an `Arc`; one pass at a time per sender (several
/// senders, even in several processes, are safe: rows are claimed with a lease).
pub struct Sender {
    store: Store,
    clock: Arc<dyn Clock>,
    rng: Mutex<StdRng>,
    config: SenderConfig,
    factory: ConnectorFactory,
    cache: Mutex<HashMap<String, Arc<dyn HrConnector>>>,
}

enum Outcome {
    Delivered { found: bool },
    Retried,
    Dead,
    Paused,
}

impl Sender {
    /// `rng` drives the jitter; give each sender its own (e.g. `StdRng::from_os_rng()`).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        rng: StdRng,
        config: SenderConfig,
        factory: ConnectorFactory,
    ) -> Sender {
        Sender {
            store,
            clock,
            rng: Mutex::new(rng),
            config,
            factory,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A sender with jitter seeded from the OS.
    pub fn with_os_rng(
        store: Store,
        clock: Arc<dyn Clock>,
        config: SenderConfig,
        factory: ConnectorFactory,
    ) -> Sender {
        Sender::new(store, clock, StdRng::from_os_rng(), config, factory)
    }

    /// Drops the cached connector (after its settings or secrets changed).
    pub fn forget(&self, connector_id: &str) {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(connector_id);
    }

    fn connector(&self, record: &ConnectorRecord) -> Result<Arc<dyn HrConnector>, SyncError> {
        if let Some(found) = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&record.id)
        {
            return Ok(found.clone());
        }
        let built = (self.factory)(record)?;
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(record.id.clone(), built.clone());
        Ok(built)
    }

    /// One pass: checks HR systems that were failing, then sends every row due now (each at
    /// most once per pass).
    pub async fn run_once(&self) -> Result<RunSummary, SyncError> {
        let mut summary = RunSummary::default();
        let records: HashMap<String, ConnectorRecord> = self
            .store
            .connectors()
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        self.probe_waiting(&records, &mut summary).await?;
        let now = self.clock.now();
        loop {
            let rows = self
                .store
                .claim_due(now, self.config.lease, self.config.batch)
                .await?;
            if rows.is_empty() {
                break;
            }
            let results: Vec<Result<Outcome, SyncError>> = futures_util::stream::iter(rows)
                .map(|row| self.deliver(row, &records))
                .buffer_unordered(self.config.concurrency.max(1))
                .collect()
                .await;
            for result in results {
                summary.attempted += 1;
                match result? {
                    Outcome::Delivered { found } => {
                        summary.delivered += 1;
                        summary.found_existing += u64::from(found);
                    }
                    Outcome::Retried => summary.retried += 1,
                    Outcome::Dead => summary.dead += 1,
                    Outcome::Paused => summary.paused += 1,
                }
            }
        }
        Ok(summary)
    }

    /// HR systems with reports waiting on backoff are asked (at most every `probe_every`)
    /// whether they answer again; if so their reports are due now (Retry-After still holds).
    async fn probe_waiting(
        &self,
        records: &HashMap<String, ConnectorRecord>,
        summary: &mut RunSummary,
    ) -> Result<(), SyncError> {
        let now = self.clock.now();
        let every = chrono::Duration::from_std(self.config.probe_every)
            .unwrap_or_else(|_| chrono::Duration::seconds(30));
        for id in self.store.waiting_connectors(now).await? {
            let Some(record) = records.get(&id) else {
                continue;
            };
            if record.last_probe_at.is_some_and(|at| now - at < every) {
                continue;
            }
            let Ok(connector) = self.connector(record) else {
                continue;
            };
            self.store.record_probe(&id, now).await?;
            summary.probes += 1;
            if connector.test_connection().await.is_ok() {
                summary.expedited += self.store.expedite_connector(&id, self.clock.now()).await?;
            }
        }
        Ok(())
    }

    async fn deliver(
        &self,
        row: OutboxRow,
        records: &HashMap<String, ConnectorRecord>,
    ) -> Result<Outcome, SyncError> {
        let connector = match records.get(&row.connector_id).map(|r| self.connector(r)) {
            Some(Ok(connector)) => connector,
            Some(Err(SyncError::Keychain { .. })) | None => {
                // The keychain is locked or unreachable right now: try again later.
                let error = AttemptError::Connect {
                    detail: "the OS keychain did not give the connector's secret".into(),
                };
                return self.record_failure(&row, &error, None).await;
            }
            Some(Err(error)) => {
                // Missing secret or invalid settings: the user must fix the connector.
                let now = self.clock.now();
                self.store
                    .record_paused(
                        &row.idempotency_key,
                        &row.connector_id,
                        None,
                        &error.to_string(),
                        now,
                    )
                    .await?;
                return Ok(Outcome::Paused);
            }
        };
        let outgoing = OutgoingReport {
            report_id: &row.idempotency_key,
            payload: &row.payload,
            payload_sha256: &row.payload_sha256,
            target: row.target.as_deref(),
        };
        // Without idempotency keys, an earlier attempt may have created it: look first.
        if !connector.supports_idempotency() && row.attempts > 1 {
            match connector.find_report(outgoing).await {
                Ok(Some(found)) => {
                    self.store
                        .record_delivered(
                            &row.idempotency_key,
                            &row.connector_id,
                            found.status,
                            found.external_ref.as_deref(),
                            self.clock.now(),
                        )
                        .await?;
                    return Ok(Outcome::Delivered { found: true });
                }
                Ok(None) => {}
                Err(error) => return self.record_failure(&row, &error, Some(&*connector)).await,
            }
        }
        match connector.send_report(outgoing).await {
            Ok(ack) => {
                self.store
                    .record_delivered(
                        &row.idempotency_key,
                        &row.connector_id,
                        ack.status,
                        ack.external_ref.as_deref(),
                        self.clock.now(),
                    )
                    .await?;
                Ok(Outcome::Delivered { found: false })
            }
            Err(error) => self.record_failure(&row, &error, Some(&*connector)).await,
        }
    }

    async fn record_failure(
        &self,
        row: &OutboxRow,
        error: &AttemptError,
        connector: Option<&dyn HrConnector>,
    ) -> Result<Outcome, SyncError> {
        let now = self.clock.now();
        let decision = {
            let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
            self.config
                .policy
                .decide(error, row.attempts.max(1), now, &mut *rng)
        };
        let message = match connector {
            Some(connector) => connector.redact(&error.to_string()),
            None => error.to_string(),
        };
        let (report, connector_id, status) =
            (&row.idempotency_key, &row.connector_id, error.status());
        Ok(match decision {
            Decision::Retry { at, not_before } => {
                self.store
                    .record_retry(report, connector_id, status, &message, at, not_before, now)
                    .await?;
                Outcome::Retried
            }
            Decision::Pause => {
                self.store
                    .record_paused(report, connector_id, status, &message, now)
                    .await?;
                Outcome::Paused
            }
            Decision::Dead => {
                self.store
                    .record_dead(report, connector_id, status, &message, now)
                    .await?;
                Outcome::Dead
            }
        })
    }

    /// Pulls every active connector's assigned interviews into the store.
    pub async fn pull_assigned(&self) -> Result<PullSummary, SyncError> {
        let mut summary = PullSummary::default();
        for record in self.store.connectors().await? {
            if record.paused {
                continue;
            }
            let connector = match self.connector(&record) {
                Ok(connector) => connector,
                Err(error) => {
                    summary.failures.push(format!("{}: {error}", record.id));
                    continue;
                }
            };
            match connector.pull_assigned().await {
                Ok(pulled) => {
                    let now = self.clock.now();
                    let rows: Vec<AssignedInterview> = pulled
                        .into_iter()
                        .map(|p| AssignedInterview {
                            connector_id: record.id.clone(),
                            external_id: p.external_id,
                            candidate_name: p.candidate_name,
                            candidate_email: p.candidate_email,
                            job_title: p.job_title,
                            resume_text: p.resume_text,
                            scheduled_at: p.scheduled_at,
                            target: p.target.to_string(),
                            interview_id: None,
                            pulled_at: now,
                        })
                        .collect();
                    summary.pulled += rows.len() as u64;
                    self.store.upsert_assigned_interviews(&rows).await?;
                }
                Err(error) => summary.failures.push(format!(
                    "{}: {}",
                    record.id,
                    connector.redact(&error.to_string())
                )),
            }
        }
        Ok(summary)
    }

    /// Sends until `stop` turns `true`: a pass, then a sleep until the next row is due (at
    /// most `idle_poll`, so probes and new reports are noticed).
    pub async fn run(&self, mut stop: tokio::sync::watch::Receiver<bool>) -> Result<(), SyncError> {
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            self.run_once().await?;
            let now = self.clock.now();
            let next = self.store.next_due().await?;
            let wait = next
                .map(|at| duration_until(now, at))
                .unwrap_or(self.config.idle_poll)
                .min(self.config.idle_poll)
                .max(Duration::from_millis(20));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                }
            }
        }
    }
}

fn duration_until(now: DateTime<Utc>, at: DateTime<Utc>) -> Duration {
    (at - now).to_std().unwrap_or(Duration::ZERO)
}
