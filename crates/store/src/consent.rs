//! Consent records per interview and purpose, and the deployment's jurisdiction policy profile.
//!
//! Rows are never deleted or rewritten: a new decision is a new row (the latest per purpose is in
//! force), and a withdrawal only sets `withdrawn_at` on the row it withdraws. Whether a purpose may
//! run is decided by `copilot-consent`, not here.

use chrono::{DateTime, Utc};
use copilot_consent::{ConsentMethod, ConsentRecord, PolicyProfile, Purpose};
use sqlx::sqlite::SqliteRow;

use crate::{Store, StoreError, timestamp};

/// The settings key of the deployment's policy profile.
const SETTING_POLICY_PROFILE: &str = "policy_profile";

impl Store {
    /// The policy profile an HR admin chose; `None` until one was chosen.
    pub async fn policy_profile(&self) -> Result<Option<PolicyProfile>, StoreError> {
        let Some(text) = self.setting(SETTING_POLICY_PROFILE).await? else {
            return Ok(None);
        };
        PolicyProfile::parse(&text)
            .map(Some)
            .map_err(|e| self.damaged("policy profile setting".into(), e))
    }

    pub async fn set_policy_profile(&self, profile: PolicyProfile) -> Result<(), StoreError> {
        self.set_setting(SETTING_POLICY_PROFILE, profile.as_str())
            .await
    }

    /// Adds consent decisions for an interview, all in one transaction (all or none). Each record
    /// is checked first ([`ConsentRecord::validate`]); a record may not arrive already withdrawn.
    pub async fn record_consents(
        &self,
        interview_id: &str,
        records: &[ConsentRecord],
    ) -> Result<(), StoreError> {
        let invalid = |detail: String| StoreError::InvalidConsent {
            interview_id: interview_id.to_string(),
            detail,
        };
        if records.is_empty() {
            return Err(invalid("no purpose was given".into()));
        }
        for record in records {
            record
                .validate()
                .map_err(|e| invalid(format!("{}: {e}", record.purpose.as_str())))?;
            if record.withdrawn_at.is_some() {
                return Err(invalid(format!(
                    "{}: a new consent cannot already be withdrawn (withdraw it afterwards)",
                    record.purpose.as_str()
                )));
            }
        }
        let action = "recording consent";
        let mut tx = self.begin_write(action).await?;
        self.require_interview(&mut tx, interview_id, action)
            .await?;
        let now = timestamp(Utc::now());
        for record in records {
            sqlx::query(
                "INSERT INTO consents (interview_id, purpose, granted, notice_version, notice_sha256,
                     language, given_at, method, interviewer, explanation_shown, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(interview_id)
            .bind(record.purpose.as_str())
            .bind(i64::from(record.granted))
            .bind(record.notice_version.trim())
            .bind(&record.notice_sha256)
            .bind(record.language.trim())
            .bind(timestamp(record.given_at))
            .bind(record.method.as_str())
            .bind(record.interviewer.trim())
            .bind(i64::from(record.explanation_shown))
            .bind(&now)
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        }
        tx.commit().await.map_err(self.failed(action))
    }

    /// Every consent decision of an interview, oldest first (an unknown interview has none).
    pub async fn consents(&self, interview_id: &str) -> Result<Vec<ConsentRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT purpose, granted, notice_version, notice_sha256, language, given_at, method,
                    interviewer, explanation_shown, withdrawn_at
             FROM consents WHERE interview_id = ? ORDER BY given_at, id",
        )
        .bind(interview_id)
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("reading consent"))?;
        rows.iter().map(|row| self.consent_from_row(row)).collect()
    }

    /// Withdraws the consent in force for `purpose` at `at`. Returns `false` when there is none to
    /// withdraw (never given, refused, or already withdrawn).
    pub async fn withdraw_consent(
        &self,
        interview_id: &str,
        purpose: Purpose,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let action = "withdrawing consent";
        let mut tx = self.begin_write(action).await?;
        self.require_interview(&mut tx, interview_id, action)
            .await?;
        let latest: Option<(i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, granted, withdrawn_at FROM consents
             WHERE interview_id = ? AND purpose = ?
             ORDER BY given_at DESC, id DESC LIMIT 1",
        )
        .bind(interview_id)
        .bind(purpose.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        let Some((id, 1, None)) = latest else {
            return Ok(false);
        };
        sqlx::query("UPDATE consents SET withdrawn_at = ? WHERE id = ?")
            .bind(timestamp(at))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        tx.commit().await.map_err(self.failed(action))?;
        Ok(true)
    }

    fn consent_from_row(&self, row: &SqliteRow) -> Result<ConsentRecord, StoreError> {
        let purpose: String = self.get(row, "purpose")?;
        let method: String = self.get(row, "method")?;
        Ok(ConsentRecord {
            purpose: Purpose::parse(&purpose)
                .map_err(|e| self.damaged("consent purpose".into(), e))?,
            granted: self.get::<i64>(row, "granted")? == 1,
            notice_version: self.get(row, "notice_version")?,
            notice_sha256: self.get(row, "notice_sha256")?,
            language: self.get(row, "language")?,
            given_at: self.time(row, "given_at")?,
            method: ConsentMethod::parse(&method)
                .map_err(|e| self.damaged("consent method".into(), e))?,
            interviewer: self.get(row, "interviewer")?,
            explanation_shown: self.get::<i64>(row, "explanation_shown")? == 1,
            withdrawn_at: self.optional_time(row, "withdrawn_at")?,
        })
    }
}
