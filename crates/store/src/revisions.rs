//! A stored report revised after the interview (ratings confirmed or changed): the report row
//! and its outbox rows change in one transaction, so what goes to the HR systems is always the
//! latest revision, and no HR system gets two different payloads under one idempotency key.
//!
//! Per connector, the report's newest outbox row decides:
//! - never attempted (`pending`, 0 attempts): its payload is replaced, key unchanged (no HR
//!   system has seen the key);
//! - attempted but not delivered (`pending` after a failure, `sending`, `dead`, `paused`): its
//!   payload is replaced and it gets the revision's key `<report id>.r<revision>` (an earlier
//!   attempt may have reached the HR system under the old key). A `sending` row keeps its lease,
//!   so the revision goes out after the attempt in flight, whose outcome (recorded under the old
//!   key) changes nothing; a `dead` or `paused` row stays so until it is resent or resumed;
//! - delivered: it stays as the record of what was delivered, and a new `pending` row with the
//!   revision's key is queued beside it, when the caller allows a new transfer (the candidate's
//!   consent to it still holds); otherwise nothing new is queued.

use chrono::{DateTime, Utc};

use crate::{Store, StoreError, payload_sha256, timestamp};

/// What [`Store::revise_report`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRevision {
    /// The report's revision now (2 after the first change).
    pub revision: u32,
    /// Undelivered outbox rows whose payload was replaced.
    pub replaced: u64,
    /// New outbox rows queued after a delivered revision.
    pub queued: u64,
}

/// The idempotency key of a report revision sent after an earlier one may have reached an HR
/// system: `<report id>.r<revision>`.
pub fn revision_key(report_id: &str, revision: u32) -> String {
    format!("{report_id}.r{revision}")
}

impl Store {
    /// Replaces a stored report with its next revision (the report's JSON as the report crate
    /// wrote it) and brings its outbox rows up to date (see the module documentation).
    /// `revision` is the revision the JSON holds: the stored one must be the one before it
    /// (otherwise someone else revised the report meanwhile, and nothing is written).
    /// `transfer_allowed` false: no new row is queued after a delivery.
    pub async fn revise_report(
        &self,
        report_id: &str,
        report_json: &str,
        revision: u32,
        now: DateTime<Utc>,
        transfer_allowed: bool,
    ) -> Result<ReportRevision, StoreError> {
        let action = "saving a revised report";
        let now = timestamp(now);
        let mut tx = self.begin_write(action).await?;
        let current: Option<i64> = sqlx::query_scalar("SELECT revision FROM reports WHERE id = ?")
            .bind(report_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        let current = current.ok_or_else(|| StoreError::ReportNotFound {
            report_id: report_id.to_string(),
        })?;
        if current + 1 != i64::from(revision) {
            return Err(StoreError::ReportChangedMeanwhile {
                report_id: report_id.to_string(),
                expected: revision.saturating_sub(1),
                found: u32::try_from(current).unwrap_or(u32::MAX),
            });
        }
        sqlx::query(
            "UPDATE reports SET report_json = ?1, revision = ?2, updated_at = ?3 WHERE id = ?4",
        )
        .bind(report_json)
        .bind(revision)
        .bind(&now)
        .bind(report_id)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;

        let payload = report_json.as_bytes();
        let sha = payload_sha256(payload);
        let key = revision_key(report_id, revision);
        // The newest row of the report per connector.
        let newest: Vec<(String, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT o.idempotency_key, o.connector_id, o.state, o.attempts, o.target FROM outbox o
             WHERE o.report_id = ?1 AND o.revision = (
                 SELECT max(n.revision) FROM outbox n
                 WHERE n.report_id = o.report_id AND n.connector_id = o.connector_id)
             ORDER BY o.connector_id",
        )
        .bind(report_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        let (mut replaced, mut queued) = (0, 0);
        for (old_key, connector_id, state, attempts, target) in newest {
            if state == "delivered" {
                if !transfer_allowed {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO outbox (idempotency_key, report_id, revision, connector_id,
                         payload, payload_sha256, target, state, attempts, next_attempt_at,
                         created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8, ?8)",
                )
                .bind(&key)
                .bind(report_id)
                .bind(revision)
                .bind(&connector_id)
                .bind(payload)
                .bind(&sha)
                .bind(target)
                .bind(&now)
                .execute(&mut *tx)
                .await
                .map_err(self.failed(action))?;
                queued += 1;
                continue;
            }
            let unseen = state == "pending" && attempts == 0;
            sqlx::query(
                "UPDATE outbox SET payload = ?1, payload_sha256 = ?2, revision = ?3,
                     idempotency_key = ?4, attempts = CASE WHEN ?5 THEN attempts ELSE 0 END,
                     updated_at = ?6
                 WHERE idempotency_key = ?7 AND connector_id = ?8",
            )
            .bind(payload)
            .bind(&sha)
            .bind(revision)
            .bind(if unseen { &old_key } else { &key })
            .bind(unseen)
            .bind(&now)
            .bind(&old_key)
            .bind(&connector_id)
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
            replaced += 1;
        }
        tx.commit().await.map_err(self.failed(action))?;
        Ok(ReportRevision {
            revision,
            replaced,
            queued,
        })
    }

    /// A stored report's revision (1 as first written).
    pub async fn report_revision(&self, report_id: &str) -> Result<u32, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT revision FROM reports WHERE id = ?")
            .bind(report_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(self.failed("reading a report"))?;
        let found = found.ok_or_else(|| StoreError::ReportNotFound {
            report_id: report_id.to_string(),
        })?;
        u32::try_from(found)
            .map_err(|_| self.damaged(format!("revision of report {report_id}"), found))
    }
}
