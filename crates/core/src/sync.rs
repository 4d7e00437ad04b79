//! Sync with the HR system: connectors (settings in the store, secrets in the OS keychain), the
//! outbox of finished reports, dead letters and resending, assigned interviews in.

use std::collections::BTreeMap;
use std::sync::Arc;

use copilot_secrets::SecretStore;
use copilot_store::{ConnectorRecord, OutboxState};
use copilot_sync::{
    ConnectorConfig, HttpSettings, Sender, SenderConfig, SyncError, SystemClock, build_connector,
    connector_secret_key, secret_names,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Copilot, CoreError, ErrorCode};

/// A connector to add: non-secret settings (tagged by `kind`) and its secrets, which go to the
/// OS keychain only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewConnector {
    pub id: String,
    pub name: String,
    /// e.g. `{"kind": "rest", "base_url": "https://hr.example.com/api"}`; see `copilot-sync`.
    #[ts(type = "Record<string, unknown>")]
    pub config: serde_json::Value,
    /// Secret name to value (`token`, `signing_key`, `app_secret`, `api_key`).
    pub secrets: BTreeMap<String, String>,
}

/// A secret a connector takes, and whether the keychain holds it (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecretSlot {
    pub name: String,
    pub required: bool,
    pub present: bool,
}

/// A configured connector as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConnectorInfo {
    pub id: String,
    /// `rest`, `feishu` or `greenhouse`.
    pub kind: String,
    pub name: String,
    #[ts(type = "Record<string, unknown>")]
    pub config: serde_json::Value,
    /// The HR system refused the credentials: the user must sign in again.
    pub paused: bool,
    pub paused_reason: Option<String>,
    /// What leaves the machine through it, one line each.
    pub data_sent: Vec<String>,
    pub secrets: Vec<SecretSlot>,
}

/// One report on its way to one connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxItem {
    pub report_id: String,
    pub connector_id: String,
    /// `pending`, `sending`, `delivered`, `dead` or `paused`.
    pub state: String,
    pub attempts: u32,
    pub next_attempt_at: String,
    pub last_status: Option<u16>,
    /// The server's reason for a dead letter or the last failure (never a secret).
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
    pub external_ref: Option<String>,
}

/// The sync indicator and the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub pending: u64,
    pub sending: u64,
    pub delivered: u64,
    pub dead: u64,
    pub paused: u64,
    /// When the next attempt is due, if anything waits.
    pub next_attempt_at: Option<String>,
    pub connectors: Vec<ConnectorInfo>,
    /// Every row not yet delivered, then the delivered ones, newest first within each.
    pub queue: Vec<OutboxItem>,
}

/// A finished report that stays on this machine: the candidate did not consent to its transfer
/// to the HR system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HeldReport {
    pub report_id: String,
    pub interview_id: String,
    pub candidate_name: String,
    /// Why the transfer may not run (no consent recorded, refused, withdrawn).
    pub denial: Option<copilot_consent::Denial>,
}

/// What "sync now" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRunReport {
    pub attempted: u64,
    pub delivered: u64,
    pub retried: u64,
    pub dead: u64,
    pub paused: u64,
    /// Assigned interviews pulled.
    pub pulled: u64,
    /// Connectors whose pull failed, one line each.
    pub failures: Vec<String>,
}

/// The result of "test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionTest {
    pub ok: bool,
    pub detail: String,
}

/// An interview the HR system assigned to this interviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssignedInterviewInfo {
    pub connector_id: String,
    pub external_id: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub scheduled_at: Option<String>,
    /// The local interview run for it, once created.
    pub interview_id: Option<String>,
}

impl From<SyncError> for CoreError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Store(store) => store.into(),
            SyncError::Keychain { .. } => {
                CoreError::new(ErrorCode::KeychainUnavailable, error.to_string())
            }
            SyncError::MissingSecret { .. } | SyncError::InvalidConfig { .. } => {
                CoreError::new(ErrorCode::InvalidInput, error.to_string())
            }
            SyncError::HttpClient { .. } => CoreError::new(ErrorCode::Internal, error.to_string()),
        }
    }
}

fn invalid(message: impl Into<String>) -> CoreError {
    CoreError::new(ErrorCode::InvalidInput, message)
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn connector_info(record: &ConnectorRecord, secrets: &dyn SecretStore) -> ConnectorInfo {
    let config = ConnectorConfig::parse(&record.id, &record.config).ok();
    let slots = copilot_sync::ConnectorKind::parse(&record.kind)
        .map(secret_names)
        .unwrap_or_default()
        .iter()
        .map(|(name, required)| SecretSlot {
            name: (*name).to_string(),
            required: *required,
            present: secrets
                .get(&connector_secret_key(&record.id, name))
                .is_ok_and(|found| found.is_some()),
        })
        .collect();
    ConnectorInfo {
        id: record.id.clone(),
        kind: record.kind.clone(),
        name: record.name.clone(),
        config: serde_json::from_str(&record.config).unwrap_or(serde_json::Value::Null),
        paused: record.paused,
        paused_reason: record.paused_reason.clone(),
        data_sent: config.map(|c| c.data_sent()).unwrap_or_default(),
        secrets: slots,
    }
}

fn item(row: copilot_store::OutboxRow) -> OutboxItem {
    OutboxItem {
        report_id: row.report_id,
        connector_id: row.connector_id,
        state: row.state.as_str().to_string(),
        attempts: row.attempts,
        next_attempt_at: time(row.next_attempt_at),
        last_status: row.last_status,
        last_error: row.last_error,
        delivered_at: row.delivered_at.map(time),
        external_ref: row.external_ref,
    }
}

impl Copilot {
    /// The finished reports that no HR system got and may not get: their candidate did not consent
    /// to the transfer (see `crate::consent` for when consent is required). Oldest first.
    pub async fn held_reports(&self) -> Result<Vec<HeldReport>, CoreError> {
        let queued: std::collections::BTreeSet<String> = self
            .store
            .outbox()
            .await?
            .into_iter()
            .map(|row| row.report_id)
            .collect();
        let mut held = Vec::new();
        for (report_id, interview_id, _) in self.store.list_reports().await?.into_iter().rev() {
            if queued.contains(&report_id) {
                continue;
            }
            let status = self.consent_status(&interview_id).await?;
            let Some(transfer) = status
                .purposes
                .iter()
                .find(|p| p.purpose == copilot_consent::Purpose::TransferToHr)
            else {
                continue;
            };
            if !transfer.allowed {
                held.push(HeldReport {
                    report_id,
                    candidate_name: self.store.interview(&interview_id).await?.candidate.name,
                    interview_id,
                    denial: transfer.denial,
                });
            }
        }
        Ok(held)
    }

    /// Adds an HR connector: checks its settings and required secrets, puts the secrets in the
    /// OS keychain and the settings in the store, and queues the reports no connector got yet.
    pub async fn add_connector(
        &self,
        secrets: &dyn SecretStore,
        new: &NewConnector,
    ) -> Result<ConnectorInfo, CoreError> {
        if new.id.trim().is_empty()
            || !new
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid(format!(
                "connector id \"{}\" must be letters, digits, - or _ (e.g. \"hr\")",
                new.id
            )));
        }
        let config: ConnectorConfig = serde_json::from_value(new.config.clone())
            .map_err(|e| invalid(format!("the connector settings are not valid ({e}): give kind rest|feishu|greenhouse and its fields")))?;
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(
                invalid("the connector settings are not valid: fix them and add it again")
                    .with_details(problems),
            );
        }
        let names = secret_names(config.kind());
        for given in new.secrets.keys() {
            if !names.iter().any(|(name, _)| name == given) {
                return Err(invalid(format!(
                    "a {} connector takes no secret \"{given}\" (it takes: {})",
                    config.kind().as_str(),
                    names.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                )));
            }
        }
        for (name, required) in names {
            if *required && new.secrets.get(*name).is_none_or(|v| v.is_empty()) {
                return Err(invalid(format!(
                    "a {} connector needs its {name}: give it (it is kept in the OS keychain only)",
                    config.kind().as_str()
                )));
            }
        }
        for (name, value) in &new.secrets {
            secrets.set(&connector_secret_key(&new.id, name), value)?;
        }
        let config_json = serde_json::to_string(&config)
            .map_err(|e| CoreError::new(ErrorCode::Internal, e.to_string()))?;
        let held: Vec<String> = self
            .held_reports()
            .await?
            .into_iter()
            .map(|h| h.report_id)
            .collect();
        let added = self
            .store
            .add_connector_holding(
                &new.id,
                config.kind().as_str(),
                &new.name,
                &config_json,
                chrono::Utc::now(),
                &held,
            )
            .await;
        if let Err(error) = added {
            // Do not leave secrets of a connector that does not exist (unless it existed before).
            if error.kind() != copilot_store::StoreErrorKind::InvalidInput {
                for name in new.secrets.keys() {
                    let _ = secrets.delete(&connector_secret_key(&new.id, name));
                }
            }
            return Err(error.into());
        }
        Ok(connector_info(
            &self.store.connector(&new.id).await?,
            secrets,
        ))
    }

    /// Replaces a connector's secret (e.g. a new token after a 401) and resumes it.
    pub async fn set_connector_secret(
        &self,
        secrets: &dyn SecretStore,
        connector_id: &str,
        name: &str,
        value: &str,
    ) -> Result<ConnectorInfo, CoreError> {
        let record = self.store.connector(connector_id).await?;
        let kind = copilot_sync::ConnectorKind::parse(&record.kind)
            .ok_or_else(|| invalid(format!("unknown connector kind {}", record.kind)))?;
        if !secret_names(kind).iter().any(|(n, _)| *n == name) {
            return Err(invalid(format!(
                "a {} connector takes no secret \"{name}\"",
                record.kind
            )));
        }
        secrets.set(&connector_secret_key(connector_id, name), value)?;
        self.store
            .resume_connector(connector_id, chrono::Utc::now())
            .await?;
        Ok(connector_info(
            &self.store.connector(connector_id).await?,
            secrets,
        ))
    }

    /// Resumes a paused connector (after the user signed in again).
    pub async fn resume_connector(&self, connector_id: &str) -> Result<u64, CoreError> {
        Ok(self
            .store
            .resume_connector(connector_id, chrono::Utc::now())
            .await?)
    }

    pub async fn list_connectors(
        &self,
        secrets: &dyn SecretStore,
    ) -> Result<Vec<ConnectorInfo>, CoreError> {
        Ok(self
            .store
            .connectors()
            .await?
            .iter()
            .map(|record| connector_info(record, secrets))
            .collect())
    }

    /// "Test connection": a harmless request with the stored settings and secrets.
    pub async fn test_connector(
        &self,
        secrets: &dyn SecretStore,
        connector_id: &str,
    ) -> Result<ConnectionTest, CoreError> {
        let record = self.store.connector(connector_id).await?;
        let connector = match build_connector(&record, secrets, HttpSettings::default()) {
            Ok(connector) => connector,
            Err(SyncError::Store(error)) => return Err(error.into()),
            Err(error) => {
                return Ok(ConnectionTest {
                    ok: false,
                    detail: error.to_string(),
                });
            }
        };
        Ok(match connector.test_connection().await {
            Ok(check) => ConnectionTest {
                ok: true,
                detail: check.detail,
            },
            Err(error) => ConnectionTest {
                ok: false,
                detail: connector.redact(&error.to_string()),
            },
        })
    }

    /// The sync indicator and the queue (undelivered first).
    pub async fn sync_status(&self, secrets: &dyn SecretStore) -> Result<SyncStatus, CoreError> {
        let counts = self.store.outbox_counts().await?;
        let mut rows = self.store.outbox().await?;
        rows.sort_by(|a, b| {
            (
                a.state == OutboxState::Delivered,
                std::cmp::Reverse(a.created_at),
                &a.report_id,
            )
                .cmp(&(
                    b.state == OutboxState::Delivered,
                    std::cmp::Reverse(b.created_at),
                    &b.report_id,
                ))
        });
        Ok(SyncStatus {
            pending: counts.pending,
            sending: counts.sending,
            delivered: counts.delivered,
            dead: counts.dead,
            paused: counts.paused,
            next_attempt_at: self.store.next_due().await?.map(time),
            connectors: self.list_connectors(secrets).await?,
            queue: rows.into_iter().map(item).collect(),
        })
    }

    /// A sender over this store with the app's settings, for a background task
    /// ([`Sender::run`]) or one pass ([`Copilot::sync_run_once`]).
    pub fn sync_sender(&self, secrets: Arc<dyn SecretStore>) -> Sender {
        let factory: copilot_sync::ConnectorFactory =
            Arc::new(move |record| build_connector(record, &*secrets, HttpSettings::default()));
        Sender::with_os_rng(
            self.store.clone(),
            Arc::new(SystemClock),
            SenderConfig::default(),
            factory,
        )
    }

    /// "Sync now": pulls assigned interviews, then sends everything due.
    pub async fn sync_run_once(
        &self,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<SyncRunReport, CoreError> {
        let sender = self.sync_sender(secrets);
        let pulled = sender.pull_assigned().await?;
        let run = sender.run_once().await?;
        Ok(SyncRunReport {
            attempted: run.attempted,
            delivered: run.delivered,
            retried: run.retried,
            dead: run.dead,
            paused: run.paused,
            pulled: pulled.pulled,
            failures: pulled.failures,
        })
    }

    /// Resends a dead letter (or a paused delivery) of a report: same key, same bytes.
    pub async fn resend_report(&self, report_id: &str) -> Result<u64, CoreError> {
        Ok(self
            .store
            .resend(report_id, None, chrono::Utc::now())
            .await?)
    }

    pub async fn assigned_interviews(&self) -> Result<Vec<AssignedInterviewInfo>, CoreError> {
        Ok(self
            .store
            .assigned_interviews()
            .await?
            .into_iter()
            .map(|a| AssignedInterviewInfo {
                connector_id: a.connector_id,
                external_id: a.external_id,
                candidate_name: a.candidate_name,
                candidate_email: a.candidate_email,
                job_title: a.job_title,
                scheduled_at: a.scheduled_at.map(time),
                interview_id: a.interview_id,
            })
            .collect())
    }

    /// Links an assigned interview to the local interview run for it, so its report goes to
    /// the right candidate in the HR system.
    pub async fn link_assigned_interview(
        &self,
        connector_id: &str,
        external_id: &str,
        interview_id: &str,
    ) -> Result<(), CoreError> {
        self.store.interview(interview_id).await?;
        Ok(self
            .store
            .link_assigned_interview(connector_id, external_id, interview_id)
            .await?)
    }
}
