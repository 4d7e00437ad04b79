//! The sync tables: HR connectors (without secrets), the outbox of reports to deliver, and the
//! interviews the HR systems assigned to this interviewer.
//!
//! A report and its outbox rows are written in one transaction ([`Store::save_report`]), so a
//! finished report is never without its delivery record. The sender claims due rows
//! ([`Store::claim_due`]) with a lease: a sender killed mid-request leaves its rows `sending`,
//! and they become due again when the lease runs out. Every later change records one attempt's
//! outcome; nothing here decides policy (that is `copilot-sync`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteRow;
use sqlx::{Sqlite, Transaction};

use crate::{Store, StoreError, timestamp};

/// Where a row of the outbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxState {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a sender (until its lease runs out).
    Sending,
    /// The HR system acknowledged it (2xx). Final.
    Delivered,
    /// The HR system refused it for good (a 4xx other than 401/403/408/425/429): the user can
    /// read the reason, fix the cause and resend.
    Dead,
    /// The connector's credentials were refused (401/403): waits for the user to sign in again.
    Paused,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Delivered => "delivered",
            OutboxState::Dead => "dead",
            OutboxState::Paused => "paused",
        }
    }

    pub fn parse(text: &str) -> Option<OutboxState> {
        Some(match text {
            "pending" => OutboxState::Pending,
            "sending" => OutboxState::Sending,
            "delivered" => OutboxState::Delivered,
            "dead" => OutboxState::Dead,
            "paused" => OutboxState::Paused,
            _ => return None,
        })
    }
}

/// One report (revision) on its way to one connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// The idempotency key and the external id the HR system sees: the report id, or
    /// `<report id>.r<revision>` for a revision whose earlier bytes the HR system may hold.
    /// Rows are identified by (key, connector).
    pub idempotency_key: String,
    pub report_id: String,
    /// The report revision the payload holds (1 as first written).
    pub revision: u32,
    pub connector_id: String,
    /// The report snapshot, sent byte for byte on every attempt.
    pub payload: Vec<u8>,
    pub payload_sha256: String,
    /// Connector-specific ids of where the report goes (JSON), if the interview was assigned.
    pub target: Option<String>,
    pub state: OutboxState,
    /// Attempts started so far (counted when claimed, so a sender killed mid-request counts).
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub not_before: Option<DateTime<Utc>>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub external_ref: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// How many outbox rows are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: u64,
    pub sending: u64,
    pub delivered: u64,
    pub dead: u64,
    pub paused: u64,
}

impl OutboxCounts {
    /// Rows not yet delivered (including dead letters and paused rows).
    pub fn undelivered(&self) -> u64 {
        self.pending + self.sending + self.dead + self.paused
    }
}

/// A configured HR connection. Holds no secret: those are in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorRecord {
    pub id: String,
    /// `rest`, `feishu` or `greenhouse`.
    pub kind: String,
    pub name: String,
    /// Non-secret settings as JSON.
    pub config: String,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub last_probe_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An interview the HR system assigned, as pulled by a connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedInterview {
    pub connector_id: String,
    pub external_id: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub resume_text: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Connector-specific ids the report is sent to later (JSON).
    pub target: String,
    /// The local interview run for it, once created.
    pub interview_id: Option<String>,
    pub pulled_at: DateTime<Utc>,
}

/// The lowercase hex SHA-256 of a payload.
pub fn payload_sha256(payload: &[u8]) -> String {
    hex::encode(Sha256::digest(payload))
}

/// The outbox columns [`Store::outbox_from_row`] reads.
macro_rules! outbox_columns {
    () => {
        "idempotency_key, report_id, revision, connector_id, payload, payload_sha256, target, \
         state, attempts, \
         next_attempt_at, not_before, lease_until, last_attempt_at, last_status, last_error, \
         external_ref, delivered_at, created_at"
    };
}

impl Store {
    /// Adds the outbox rows of a report being saved, inside the report's own transaction: one
    /// per active or paused connector, with the target of the assigned interview if any.
    pub(crate) async fn enqueue_report(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        report_id: &str,
        interview_id: &str,
        payload: &[u8],
        now: &str,
    ) -> Result<u64, StoreError> {
        let action = "queueing a report for the HR systems";
        let result = sqlx::query(
            "INSERT INTO outbox (idempotency_key, report_id, connector_id, payload, payload_sha256,
                 target, state, attempts, next_attempt_at, created_at, updated_at)
             SELECT ?1, ?1, c.id, ?2, ?3,
                    (SELECT a.target FROM assigned_interviews a
                      WHERE a.connector_id = c.id AND a.interview_id = ?4),
                    'pending', 0, ?5, ?5, ?5
             FROM connectors c",
        )
        .bind(report_id)
        .bind(payload)
        .bind(payload_sha256(payload))
        .bind(interview_id)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(self.failed(action))?;
        Ok(result.rows_affected())
    }

    // ---- connectors ----

    /// Adds a connector (its secrets go to the keychain, never here) and queues for it every
    /// report that no connector received yet (reports finished before any HR system was set up).
    /// Returns how many reports were queued.
    pub async fn add_connector(
        &self,
        id: &str,
        kind: &str,
        name: &str,
        config_json: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.add_connector_holding(id, kind, name, config_json, now, &[])
            .await
    }

    /// [`Store::add_connector`], leaving the reports in `held` unqueued (no consent to transfer
    /// them to an HR system).
    pub async fn add_connector_holding(
        &self,
        id: &str,
        kind: &str,
        name: &str,
        config_json: &str,
        now: DateTime<Utc>,
        held: &[String],
    ) -> Result<u64, StoreError> {
        let action = "adding a connector";
        let now = timestamp(now);
        let mut tx = self.begin_write(action).await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM connectors WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        if exists.is_some() {
            return Err(StoreError::ConnectorExists {
                connector_id: id.to_string(),
            });
        }
        sqlx::query(
            "INSERT INTO connectors (id, kind, name, config, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?5)",
        )
        .bind(id)
        .bind(kind)
        .bind(name)
        .bind(config_json)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        // Reports finished while no connector existed; the hash is computed here (SQLite has
        // no SHA-256).
        let unsent: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT r.id, r.report_json, r.revision FROM reports r
             WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.report_id = r.id)",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        let unsent: Vec<(String, String, i64)> = unsent
            .into_iter()
            .filter(|(report_id, _, _)| !held.contains(report_id))
            .collect();
        for (report_id, json, revision) in &unsent {
            // Never sent anywhere: the report id is still unused as a key, whatever the revision.
            sqlx::query(
                "INSERT INTO outbox (idempotency_key, report_id, revision, connector_id, payload,
                     payload_sha256, state, attempts, next_attempt_at, created_at, updated_at)
                 VALUES (?1, ?1, ?6, ?2, ?3, ?4, 'pending', 0, ?5, ?5, ?5)",
            )
            .bind(report_id)
            .bind(id)
            .bind(json.as_bytes())
            .bind(payload_sha256(json.as_bytes()))
            .bind(&now)
            .bind(revision)
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        }
        let queued = unsent.len() as u64;
        tx.commit().await.map_err(self.failed(action))?;
        Ok(queued)
    }

    /// Replaces a connector's non-secret settings.
    pub async fn update_connector_config(
        &self,
        id: &str,
        config_json: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE connectors SET config = ?, updated_at = ? WHERE id = ?")
            .bind(config_json)
            .bind(timestamp(now))
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(self.failed("updating a connector"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::ConnectorNotFound {
                connector_id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Every connector, by id.
    pub async fn connectors(&self) -> Result<Vec<ConnectorRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, name, config, state, paused_reason, last_probe_at, created_at
             FROM connectors ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("listing connectors"))?;
        rows.iter()
            .map(|row| self.connector_from_row(row))
            .collect()
    }

    pub async fn connector(&self, id: &str) -> Result<ConnectorRecord, StoreError> {
        let row = sqlx::query(
            "SELECT id, kind, name, config, state, paused_reason, last_probe_at, created_at
             FROM connectors WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(self.failed("reading a connector"))?
        .ok_or_else(|| StoreError::ConnectorNotFound {
            connector_id: id.to_string(),
        })?;
        self.connector_from_row(&row)
    }

    fn connector_from_row(&self, row: &SqliteRow) -> Result<ConnectorRecord, StoreError> {
        let state: String = self.get(row, "state")?;
        Ok(ConnectorRecord {
            id: self.get(row, "id")?,
            kind: self.get(row, "kind")?,
            name: self.get(row, "name")?,
            config: self.get(row, "config")?,
            paused: state == "paused",
            paused_reason: self.get(row, "paused_reason")?,
            last_probe_at: self.optional_time(row, "last_probe_at")?,
            created_at: self.time(row, "created_at")?,
        })
    }

    /// The user signed in again: the connector is active and its paused rows are due now
    /// (never before a server's Retry-After). Returns how many rows were resumed.
    pub async fn resume_connector(&self, id: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let action = "resuming a connector";
        let now = timestamp(now);
        let mut tx = self.begin_write(action).await?;
        let done = sqlx::query(
            "UPDATE connectors SET state = 'active', paused_reason = NULL, updated_at = ?
             WHERE id = ?",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::ConnectorNotFound {
                connector_id: id.to_string(),
            });
        }
        let resumed = sqlx::query(
            "UPDATE outbox SET state = 'pending',
                 next_attempt_at = max(?1, coalesce(not_before, ?1)), updated_at = ?1
             WHERE connector_id = ?2 AND state = 'paused'",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?
        .rows_affected();
        tx.commit().await.map_err(self.failed(action))?;
        Ok(resumed)
    }

    /// Records that the sender checked the connector's HR system.
    pub async fn record_probe(&self, id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE connectors SET last_probe_at = ? WHERE id = ?")
            .bind(timestamp(now))
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(self.failed("recording a connection check"))?;
        Ok(())
    }

    /// The HR system answers again after an outage: every pending row of the connector is due
    /// now, unless the server asked for later (Retry-After). Returns how many rows moved.
    pub async fn expedite_connector(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let now = timestamp(now);
        let done = sqlx::query(
            "UPDATE outbox SET next_attempt_at = max(?1, coalesce(not_before, ?1)), updated_at = ?1
             WHERE connector_id = ?2 AND state = 'pending' AND next_attempt_at > ?1",
        )
        .bind(&now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(self.failed("rescheduling the outbox"))?;
        Ok(done.rows_affected())
    }

    // ---- the outbox ----

    /// Claims up to `limit` due rows of active connectors for one sender: `pending` rows whose
    /// time has come, and `sending` rows whose lease ran out (their sender died). Each claimed
    /// row counts one more attempt and is leased until `now + lease`.
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let action = "claiming reports to send";
        let lease_until =
            now + chrono::Duration::from_std(lease).unwrap_or_else(|_| chrono::Duration::hours(1));
        let now = timestamp(now);
        let mut tx = self.begin_write(action).await?;
        let rows = sqlx::query(concat!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = ?1,
                 last_attempt_at = ?2, updated_at = ?2
             WHERE rowid IN (
                 SELECT o.rowid FROM outbox o JOIN connectors c ON c.id = o.connector_id
                 WHERE c.state = 'active'
                   AND ((o.state = 'pending' AND o.next_attempt_at <= ?2)
                        OR (o.state = 'sending' AND o.lease_until <= ?2))
                 ORDER BY o.next_attempt_at, o.created_at
                 LIMIT ?3)
             RETURNING ",
            outbox_columns!()
        ))
        .bind(timestamp(lease_until))
        .bind(&now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        tx.commit().await.map_err(self.failed(action))?;
        let mut claimed: Vec<OutboxRow> = rows
            .iter()
            .map(|row| self.outbox_from_row(row))
            .collect::<Result<_, _>>()?;
        claimed.sort_by(|a, b| {
            (a.next_attempt_at, &a.report_id).cmp(&(b.next_attempt_at, &b.report_id))
        });
        Ok(claimed)
    }

    /// The HR system acknowledged the report. Final; applies even if the lease ran out meanwhile.
    /// Rows are found by their idempotency key ([`OutboxRow::idempotency_key`]); an attempt whose
    /// row was given a new key meanwhile (the report was revised) records nothing.
    pub async fn record_delivered(
        &self,
        key: &str,
        connector_id: &str,
        status: u16,
        external_ref: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = timestamp(now);
        sqlx::query(
            "UPDATE outbox SET state = 'delivered', last_status = ?1, last_error = NULL,
                 external_ref = coalesce(?2, external_ref), delivered_at = ?3, lease_until = NULL,
                 updated_at = ?3
             WHERE idempotency_key = ?4 AND connector_id = ?5 AND state != 'delivered'",
        )
        .bind(i64::from(status))
        .bind(external_ref)
        .bind(&now)
        .bind(key)
        .bind(connector_id)
        .execute(&self.pool)
        .await
        .map_err(self.failed("recording a delivery"))?;
        Ok(())
    }

    /// The attempt failed for now: the row is due again at `next_attempt_at`, never before
    /// `not_before` (the server's Retry-After). Only a row still `sending` changes.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_retry(
        &self,
        key: &str,
        connector_id: &str,
        status: Option<u16>,
        error: &str,
        next_attempt_at: DateTime<Utc>,
        not_before: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'pending', last_status = ?1, last_error = ?2,
                 next_attempt_at = ?3, not_before = ?4, lease_until = NULL, updated_at = ?5
             WHERE idempotency_key = ?6 AND connector_id = ?7 AND state = 'sending'",
        )
        .bind(status.map(i64::from))
        .bind(error)
        .bind(timestamp(next_attempt_at))
        .bind(not_before.map(timestamp))
        .bind(timestamp(now))
        .bind(key)
        .bind(connector_id)
        .execute(&self.pool)
        .await
        .map_err(self.failed("recording a failed attempt"))?;
        Ok(())
    }

    /// The HR system refused the report for good: a dead letter with the server's reason.
    pub async fn record_dead(
        &self,
        key: &str,
        connector_id: &str,
        status: Option<u16>,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'dead', last_status = ?1, last_error = ?2,
                 lease_until = NULL, updated_at = ?3
             WHERE idempotency_key = ?4 AND connector_id = ?5 AND state = 'sending'",
        )
        .bind(status.map(i64::from))
        .bind(error)
        .bind(timestamp(now))
        .bind(key)
        .bind(connector_id)
        .execute(&self.pool)
        .await
        .map_err(self.failed("recording a refused report"))?;
        Ok(())
    }

    /// The HR system refused the credentials: the row and its connector pause until the user
    /// signs in again ([`Store::resume_connector`]).
    pub async fn record_paused(
        &self,
        key: &str,
        connector_id: &str,
        status: Option<u16>,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let action = "pausing a connector";
        let now = timestamp(now);
        let mut tx = self.begin_write(action).await?;
        sqlx::query(
            "UPDATE outbox SET state = 'paused', last_status = ?1, last_error = ?2,
                 lease_until = NULL, updated_at = ?3
             WHERE idempotency_key = ?4 AND connector_id = ?5 AND state = 'sending'",
        )
        .bind(status.map(i64::from))
        .bind(error)
        .bind(&now)
        .bind(key)
        .bind(connector_id)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        sqlx::query(
            "UPDATE connectors SET state = 'paused', paused_reason = ?1, updated_at = ?2
             WHERE id = ?3",
        )
        .bind(error)
        .bind(&now)
        .bind(connector_id)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        tx.commit().await.map_err(self.failed(action))
    }

    /// Sends a dead letter (or a paused row) again: it is due now, same key and same bytes.
    /// `connector_id` `None` means every connector. Returns how many rows were requeued;
    /// [`StoreError::ReportNotFound`] when the report has no dead or paused row.
    pub async fn resend(
        &self,
        report_id: &str,
        connector_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let now = timestamp(now);
        let done = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = max(?1, coalesce(not_before, ?1)),
                 updated_at = ?1
             WHERE report_id = ?2 AND (?3 IS NULL OR connector_id = ?3)
               AND state IN ('dead', 'paused')",
        )
        .bind(&now)
        .bind(report_id)
        .bind(connector_id)
        .execute(&self.pool)
        .await
        .map_err(self.failed("resending a report"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NothingToResend {
                report_id: report_id.to_string(),
            });
        }
        Ok(done.rows_affected())
    }

    /// Every outbox row, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxRow>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM outbox ORDER BY created_at, report_id, revision, connector_id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("reading the outbox"))?;
        rows.iter().map(|row| self.outbox_from_row(row)).collect()
    }

    /// How many rows are in each state.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, count(*) FROM outbox GROUP BY state")
                .fetch_all(&self.pool)
                .await
                .map_err(self.failed("counting the outbox"))?;
        let mut counts = OutboxCounts::default();
        for (state, count) in rows {
            let count = u64::try_from(count).unwrap_or(0);
            match OutboxState::parse(&state) {
                Some(OutboxState::Pending) => counts.pending = count,
                Some(OutboxState::Sending) => counts.sending = count,
                Some(OutboxState::Delivered) => counts.delivered = count,
                Some(OutboxState::Dead) => counts.dead = count,
                Some(OutboxState::Paused) => counts.paused = count,
                None => return Err(self.damaged("outbox state".into(), state)),
            }
        }
        Ok(counts)
    }

    /// Active connectors with pending rows waiting on backoff (not due at `now`): the ones
    /// whose HR system failed and should be checked for being back.
    pub async fn waiting_connectors(&self, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT DISTINCT o.connector_id FROM outbox o JOIN connectors c ON c.id = o.connector_id
             WHERE c.state = 'active' AND o.state = 'pending' AND o.next_attempt_at > ?
             ORDER BY o.connector_id",
        )
        .bind(timestamp(now))
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("reading the outbox"))
    }

    /// The earliest time a pending row of an active connector is due, if any.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next: Option<String> = sqlx::query_scalar(
            "SELECT min(CASE o.state WHEN 'pending' THEN o.next_attempt_at ELSE o.lease_until END)
             FROM outbox o JOIN connectors c ON c.id = o.connector_id
             WHERE c.state = 'active' AND o.state IN ('pending', 'sending')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(self.failed("reading the outbox"))?;
        next.map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|error| self.damaged("outbox time".into(), error))
        })
        .transpose()
    }

    fn outbox_from_row(&self, row: &SqliteRow) -> Result<OutboxRow, StoreError> {
        let state: String = self.get(row, "state")?;
        let report_id: String = self.get(row, "report_id")?;
        let attempts: i64 = self.get(row, "attempts")?;
        let revision: i64 = self.get(row, "revision")?;
        let last_status: Option<i64> = self.get(row, "last_status")?;
        Ok(OutboxRow {
            idempotency_key: self.get(row, "idempotency_key")?,
            revision: u32::try_from(revision)
                .map_err(|_| self.damaged("outbox revision".into(), revision))?,
            state: OutboxState::parse(&state)
                .ok_or_else(|| self.damaged(format!("state of outbox row {report_id}"), &state))?,
            attempts: u32::try_from(attempts)
                .map_err(|_| self.damaged("outbox attempts".into(), attempts))?,
            last_status: last_status.and_then(|s| u16::try_from(s).ok()),
            connector_id: self.get(row, "connector_id")?,
            payload: self.get(row, "payload")?,
            payload_sha256: self.get(row, "payload_sha256")?,
            target: self.get(row, "target")?,
            next_attempt_at: self.time(row, "next_attempt_at")?,
            not_before: self.optional_time(row, "not_before")?,
            lease_until: self.optional_time(row, "lease_until")?,
            last_attempt_at: self.optional_time(row, "last_attempt_at")?,
            last_error: self.get(row, "last_error")?,
            external_ref: self.get(row, "external_ref")?,
            delivered_at: self.optional_time(row, "delivered_at")?,
            created_at: self.time(row, "created_at")?,
            report_id,
        })
    }

    // ---- assigned interviews ----

    /// Stores what a connector pulled: new assignments are added, known ones updated (their
    /// link to a local interview is kept).
    pub async fn upsert_assigned_interviews(
        &self,
        assigned: &[AssignedInterview],
    ) -> Result<(), StoreError> {
        let action = "saving assigned interviews";
        let mut tx = self.begin_write(action).await?;
        for a in assigned {
            sqlx::query(
                "INSERT INTO assigned_interviews (connector_id, external_id, candidate_name,
                     candidate_email, job_title, resume_text, scheduled_at, target, pulled_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (connector_id, external_id) DO UPDATE SET
                     candidate_name = excluded.candidate_name,
                     candidate_email = excluded.candidate_email, job_title = excluded.job_title,
                     resume_text = excluded.resume_text, scheduled_at = excluded.scheduled_at,
                     target = excluded.target, pulled_at = excluded.pulled_at",
            )
            .bind(&a.connector_id)
            .bind(&a.external_id)
            .bind(&a.candidate_name)
            .bind(&a.candidate_email)
            .bind(&a.job_title)
            .bind(&a.resume_text)
            .bind(a.scheduled_at.map(timestamp))
            .bind(&a.target)
            .bind(timestamp(a.pulled_at))
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        }
        tx.commit().await.map_err(self.failed(action))
    }

    /// Every assigned interview, soonest first (unscheduled last).
    pub async fn assigned_interviews(&self) -> Result<Vec<AssignedInterview>, StoreError> {
        let rows = sqlx::query(
            "SELECT connector_id, external_id, candidate_name, candidate_email, job_title,
                    resume_text, scheduled_at, target, interview_id, pulled_at
             FROM assigned_interviews
             ORDER BY scheduled_at IS NULL, scheduled_at, connector_id, external_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("listing assigned interviews"))?;
        rows.iter()
            .map(|row| {
                Ok(AssignedInterview {
                    connector_id: self.get(row, "connector_id")?,
                    external_id: self.get(row, "external_id")?,
                    candidate_name: self.get(row, "candidate_name")?,
                    candidate_email: self.get(row, "candidate_email")?,
                    job_title: self.get(row, "job_title")?,
                    resume_text: self.get(row, "resume_text")?,
                    scheduled_at: self.optional_time(row, "scheduled_at")?,
                    target: self.get(row, "target")?,
                    interview_id: self.get(row, "interview_id")?,
                    pulled_at: self.time(row, "pulled_at")?,
                })
            })
            .collect()
    }

    /// Links an assigned interview to the local interview run for it, so its report goes to
    /// the assignment's target.
    pub async fn link_assigned_interview(
        &self,
        connector_id: &str,
        external_id: &str,
        interview_id: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE assigned_interviews SET interview_id = ? WHERE connector_id = ? AND external_id = ?",
        )
        .bind(interview_id)
        .bind(connector_id)
        .bind(external_id)
        .execute(&self.pool)
        .await
        .map_err(self.failed("linking an assigned interview"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::AssignmentNotFound {
                connector_id: connector_id.to_string(),
                external_id: external_id.to_string(),
            });
        }
        Ok(())
    }
}
