//! The encrypted database of Interview Copilot: SQLite through `sqlx`, encrypted by SQLCipher
//! (`libsqlite3-sys` with `bundled-sqlcipher`), with its 256-bit key in the OS keychain.
//!
//! [`Store::open`] creates a database on first use (a random key goes into the
//! [`SecretStore`], and a [`RecoveryKey`] is returned to show the user once) and opens it
//! afterwards. [`Store::recover`] opens it with the recovery key when the keychain lost the key.
//!
//! Every connection runs `PRAGMA key` first, then `journal_mode = WAL` and `synchronous = FULL`
//! (a power cut never loses a committed write; commits are rare, so the cost is small).
//!
//! Jobs are versioned: [`Store::save_job`] adds a [`ModelVersion`] only when the content hash
//! changes, and an [`Interview`] keeps the version (and the candidate details) it was planned with.
//!
//! Architecture Invariants: the store never creates, encrypts, truncates or rewrites a file it
//! cannot open (a plaintext SQLite file, an empty file, a file with another key); it never keeps
//! the key anywhere but the [`SecretStore`]; and it never logs SQL (the first statement of each
//! connection holds the key).

mod consent;
mod error;
mod open;
mod outbox;
mod recovery;
mod revisions;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use copilot_domain::{
    Candidate, Interview, InterviewStatus, JobDefinition, JobSummary, Language, ModelVersion, Plan,
};
use copilot_secrets::SecretStore;
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, Sqlite, Transaction};

/// The interview columns [`Store::interview_from_row`] reads.
macro_rules! interview_columns {
    () => {
        "id, job_id, model_version, candidate, interviewers, language, status, plan, \
         created_at, scheduled_at, started_at, ended_at"
    };
}

pub use error::{StoreError, StoreErrorKind};
pub use open::{KEYCHAIN_SERVICE, keychain_key};
pub use outbox::{
    AssignedInterview, ConnectorRecord, OutboxCounts, OutboxRow, OutboxState, payload_sha256,
};
pub use recovery::{RecoveryKey, RecoveryKeyError};
pub use revisions::{ReportRevision, revision_key};

/// The encrypted database. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    path: Arc<PathBuf>,
}

impl std::fmt::Debug for Store {
    // The pool's options hold the key: print only the path.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// What [`Store::open`] found.
#[derive(Debug)]
pub enum Opened {
    /// An existing database, opened with the key from the keychain.
    Existing(Store),
    /// A new database. Show `recovery_key` to the user once: it is the only way back in if the
    /// keychain loses the key, and it is not stored anywhere.
    Created {
        store: Store,
        recovery_key: RecoveryKey,
    },
}

impl Opened {
    pub fn store(&self) -> &Store {
        match self {
            Opened::Existing(store) | Opened::Created { store, .. } => store,
        }
    }

    pub fn into_store(self) -> Store {
        match self {
            Opened::Existing(store) | Opened::Created { store, .. } => store,
        }
    }
}

/// The outcome of saving one job definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedVersion {
    pub job_id: String,
    /// The version now holding this content: new, or the latest when nothing changed.
    pub version: u32,
    /// `false` when the content hash equals the latest version's (nothing was written).
    pub created_new_version: bool,
}

/// The connection settings as SQLite reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreDiagnostics {
    /// `wal` for every database this crate opens.
    pub journal_mode: String,
    /// `full`: every commit is synced to disk.
    pub synchronous: &'static str,
    pub foreign_keys: bool,
    /// The SQLCipher version; `None` would mean the database is not encrypted.
    pub cipher_version: Option<String>,
    /// The latest applied migration.
    pub schema_version: i64,
}

const META_LIBRARY_SEEDED: &str = "bundled_library_seeded_at";

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

impl Store {
    /// Opens the database at `path`, creating it (and its folder) when the file is absent.
    ///
    /// Refuses, leaving the file untouched: a plaintext SQLite file, an empty file, a database
    /// whose key is missing from the keychain or does not open it. Fails clearly when the
    /// keychain is unavailable. The [`SecretStore`] is called synchronously (it is blocking;
    /// the keychain backend gives up after 120 s).
    pub async fn open(path: &Path, secrets: &dyn SecretStore) -> Result<Opened, StoreError> {
        open::open(path, secrets).await
    }

    /// Opens the existing database at `path` with the key encoded in `recovery_key` and, once
    /// that works, writes the key back into the keychain.
    pub async fn recover(
        path: &Path,
        secrets: &dyn SecretStore,
        recovery_key: &str,
    ) -> Result<Store, StoreError> {
        open::recover(path, secrets, recovery_key).await
    }

    pub(crate) fn from_pool(pool: SqlitePool, path: PathBuf) -> Store {
        Store {
            pool,
            path: Arc::new(path),
        }
    }

    /// The absolute path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for running queries and closes every connection (checkpointing the WAL).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// `InterviewNotFound` unless the interview exists (checked inside the caller's transaction).
    async fn require_interview(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        interview_id: &str,
        action: &'static str,
    ) -> Result<(), StoreError> {
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM interviews WHERE id = ?")
            .bind(interview_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(self.failed(action))?;
        match exists {
            Some(_) => Ok(()),
            None => Err(StoreError::InterviewNotFound {
                interview_id: interview_id.to_string(),
            }),
        }
    }

    fn failed(&self, action: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
        move |error| error::from_sqlx(&self.path, action, error)
    }

    fn damaged(&self, what: String, detail: impl ToString) -> StoreError {
        StoreError::Damaged {
            path: self.path.to_path_buf(),
            what,
            detail: detail.to_string(),
        }
    }

    async fn begin_write(
        &self,
        action: &'static str,
    ) -> Result<Transaction<'_, Sqlite>, StoreError> {
        // IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
        // instead of failing when a reader upgrades.
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(self.failed(action))
    }

    /// How the connection is set up, read back from SQLite (for `copilot store info` and tests).
    pub async fn diagnostics(&self) -> Result<StoreDiagnostics, StoreError> {
        let action = "reading the connection settings";
        let mut connection = self.pool.acquire().await.map_err(self.failed(action))?;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *connection)
            .await
            .map_err(self.failed(action))?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *connection)
            .await
            .map_err(self.failed(action))?;
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *connection)
            .await
            .map_err(self.failed(action))?;
        let cipher_version: Option<String> = sqlx::query_scalar("PRAGMA cipher_version")
            .fetch_optional(&mut *connection)
            .await
            .map_err(self.failed(action))?;
        let schema_version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&mut *connection)
                .await
                .map_err(self.failed(action))?;
        Ok(StoreDiagnostics {
            journal_mode,
            synchronous: match synchronous {
                0 => "off",
                1 => "normal",
                2 => "full",
                3 => "extra",
                _ => "unknown",
            },
            foreign_keys: foreign_keys == 1,
            cipher_version,
            schema_version: schema_version.unwrap_or(0),
        })
    }

    // ---- jobs and model versions ----

    /// Saves `job` as a new version of its job, unless its content hash equals the latest
    /// version's. Invalid definitions are refused.
    pub async fn save_job(&self, job: &JobDefinition) -> Result<SavedVersion, StoreError> {
        let mut saved = self.save_jobs(std::slice::from_ref(job)).await?;
        saved
            .pop()
            .ok_or_else(|| self.damaged("job save".into(), "no result"))
    }

    /// Saves several jobs in ONE transaction: all of them, or (on any error) none.
    pub async fn save_jobs(&self, jobs: &[JobDefinition]) -> Result<Vec<SavedVersion>, StoreError> {
        let now = timestamp(Utc::now());
        let mut tx = self.begin_write("saving jobs").await?;
        let mut saved = Vec::with_capacity(jobs.len());
        for job in jobs {
            // Each job is checked as it comes, so an invalid one midway rolls back the ones
            // before it (the transaction is dropped without commit).
            saved.push(self.save_one(&mut tx, job, &now).await?);
        }
        tx.commit().await.map_err(self.failed("saving jobs"))?;
        Ok(saved)
    }

    async fn save_one(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        job: &JobDefinition,
        now: &str,
    ) -> Result<SavedVersion, StoreError> {
        let issues = job.validate();
        if !issues.is_empty() {
            return Err(StoreError::InvalidJob {
                job_id: job.id.clone(),
                issues: issues
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
        let hash = job.content_hash();
        let latest: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, content_hash FROM model_versions
             WHERE job_id = ? ORDER BY version DESC LIMIT 1",
        )
        .bind(&job.id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(self.failed("saving a job"))?;
        if let Some((version, latest_hash)) = &latest
            && *latest_hash == hash
        {
            return Ok(SavedVersion {
                job_id: job.id.clone(),
                version: self.version_from_db(&job.id, *version)?,
                created_new_version: false,
            });
        }
        let version = match latest {
            Some((version, _)) => self.version_from_db(&job.id, version)? + 1,
            None => 1,
        };
        let definition = serde_json::to_string(job).map_err(|error| StoreError::InvalidJob {
            job_id: job.id.clone(),
            issues: format!("cannot be written as JSON ({error})"),
        })?;
        sqlx::query(
            "INSERT INTO jobs (id, created_at, updated_at) VALUES (?1, ?2, ?2)
             ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(&job.id)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(self.failed("saving a job"))?;
        sqlx::query(
            "INSERT INTO model_versions (job_id, version, content_hash, title_en, title_zh,
                 competency_count, question_count, definition, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&job.id)
        .bind(i64::from(version))
        .bind(&hash)
        .bind(&job.title.en)
        .bind(&job.title.zh)
        .bind(job.competencies.len() as i64)
        .bind(job.questions.len() as i64)
        .bind(definition)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(self.failed("saving a job"))?;
        Ok(SavedVersion {
            job_id: job.id.clone(),
            version,
            created_new_version: true,
        })
    }

    fn version_from_db(&self, job_id: &str, version: i64) -> Result<u32, StoreError> {
        u32::try_from(version)
            .map_err(|_| self.damaged(format!("version number of job \"{job_id}\""), version))
    }

    /// One line per job with its latest version, ordered by job id.
    pub async fn list_jobs(&self) -> Result<Vec<JobSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT mv.job_id, mv.version, mv.title_en, mv.title_zh,
                    mv.competency_count, mv.question_count
             FROM model_versions mv
             JOIN (SELECT job_id, MAX(version) AS version FROM model_versions GROUP BY job_id) latest
               ON latest.job_id = mv.job_id AND latest.version = mv.version
             ORDER BY mv.job_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("listing jobs"))?;
        rows.iter()
            .map(|row| {
                let id: String = self.get(row, "job_id")?;
                Ok(JobSummary {
                    latest_version: self.version_from_db(&id, self.get(row, "version")?)?,
                    title: copilot_domain::Bilingual::new(
                        self.get::<String>(row, "title_en")?,
                        self.get::<String>(row, "title_zh")?,
                    ),
                    competency_count: self.count(row, "competency_count")?,
                    question_count: self.count(row, "question_count")?,
                    id,
                })
            })
            .collect()
    }

    /// A version of a job: `None` means the latest.
    pub async fn job(
        &self,
        job_id: &str,
        version: Option<u32>,
    ) -> Result<ModelVersion, StoreError> {
        let row = match version {
            Some(version) => {
                sqlx::query(
                    "SELECT job_id, version, content_hash, definition, created_at
                     FROM model_versions WHERE job_id = ? AND version = ?",
                )
                .bind(job_id)
                .bind(i64::from(version))
                .fetch_optional(&self.pool)
                .await
            }
            None => {
                sqlx::query(
                    "SELECT job_id, version, content_hash, definition, created_at
                     FROM model_versions WHERE job_id = ? ORDER BY version DESC LIMIT 1",
                )
                .bind(job_id)
                .fetch_optional(&self.pool)
                .await
            }
        }
        .map_err(self.failed("reading a job"))?;
        match (row, version) {
            (Some(row), _) => self.model_version(&row),
            (None, None) => Err(StoreError::JobNotFound {
                job_id: job_id.to_string(),
            }),
            (None, Some(version)) => Err(self.missing_version(job_id, version).await),
        }
    }

    /// The error for a job version that does not exist: [`StoreError::JobNotFound`] when the
    /// job has no versions at all.
    async fn missing_version(&self, job_id: &str, version: u32) -> StoreError {
        let latest: Result<Option<i64>, _> =
            sqlx::query_scalar("SELECT MAX(version) FROM model_versions WHERE job_id = ?")
                .bind(job_id)
                .fetch_one(&self.pool)
                .await;
        match latest {
            Ok(Some(latest)) => match self.version_from_db(job_id, latest) {
                Ok(latest) => StoreError::JobVersionNotFound {
                    job_id: job_id.to_string(),
                    version,
                    latest,
                },
                Err(error) => error,
            },
            Ok(None) => StoreError::JobNotFound {
                job_id: job_id.to_string(),
            },
            Err(error) => error::from_sqlx(&self.path, "reading a job", error),
        }
    }

    /// Every version of a job, oldest first.
    pub async fn job_versions(&self, job_id: &str) -> Result<Vec<ModelVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT job_id, version, content_hash, definition, created_at
             FROM model_versions WHERE job_id = ? ORDER BY version",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("reading job versions"))?;
        if rows.is_empty() {
            return Err(StoreError::JobNotFound {
                job_id: job_id.to_string(),
            });
        }
        rows.iter().map(|row| self.model_version(row)).collect()
    }

    fn model_version(&self, row: &SqliteRow) -> Result<ModelVersion, StoreError> {
        let job_id: String = self.get(row, "job_id")?;
        let version = self.version_from_db(&job_id, self.get(row, "version")?)?;
        let what = || format!("definition of job \"{job_id}\" version {version}");
        let definition: JobDefinition =
            serde_json::from_str(&self.get::<String>(row, "definition")?)
                .map_err(|error| self.damaged(what(), error))?;
        Ok(ModelVersion {
            content_hash: self.get(row, "content_hash")?,
            created_at: self.time(row, "created_at")?,
            definition,
            job_id,
            version,
        })
    }

    // ---- interviews ----

    /// Adds a new interview (and its candidate to the candidate directory). The job version it
    /// names must exist, and its plan must be for that job version.
    pub async fn insert_interview(&self, interview: &Interview) -> Result<(), StoreError> {
        if interview.plan.job_id != interview.job_id
            || interview.plan.model_version != interview.model_version
        {
            return Err(StoreError::PlanDoesNotMatch {
                interview_id: interview.id.clone(),
                job_id: interview.job_id.clone(),
                model_version: interview.model_version,
                plan_job_id: interview.plan.job_id.clone(),
                plan_model_version: interview.plan.model_version,
            });
        }
        let action = "saving an interview";
        let json = |value: Result<String, serde_json::Error>| {
            value.map_err(|error| self.damaged(format!("interview \"{}\"", interview.id), error))
        };
        let candidate = json(serde_json::to_string(&interview.candidate))?;
        let interviewers = json(serde_json::to_string(&interview.interviewers))?;
        let plan = json(serde_json::to_string(&interview.plan))?;
        let now = timestamp(Utc::now());

        let mut tx = self.begin_write(action).await?;
        let version_exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM model_versions WHERE job_id = ? AND version = ?")
                .bind(&interview.job_id)
                .bind(i64::from(interview.model_version))
                .fetch_optional(&mut *tx)
                .await
                .map_err(self.failed(action))?;
        if version_exists.is_none() {
            drop(tx);
            return Err(self
                .missing_version(&interview.job_id, interview.model_version)
                .await);
        }
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM interviews WHERE id = ?")
            .bind(&interview.id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        if exists.is_some() {
            return Err(StoreError::InterviewExists {
                interview_id: interview.id.clone(),
            });
        }
        let Candidate {
            id: candidate_id,
            name,
            contact,
            resume_text,
        } = &interview.candidate;
        sqlx::query(
            "INSERT INTO candidates (id, name, contact, resume_text, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
                 resume_text = excluded.resume_text, updated_at = excluded.updated_at",
        )
        .bind(candidate_id)
        .bind(name)
        .bind(contact)
        .bind(resume_text)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        sqlx::query(
            "INSERT INTO interviews (id, job_id, model_version, candidate_id, candidate,
                 interviewers, language, status, plan, created_at, scheduled_at, started_at,
                 ended_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&interview.id)
        .bind(&interview.job_id)
        .bind(i64::from(interview.model_version))
        .bind(candidate_id)
        .bind(candidate)
        .bind(interviewers)
        .bind(interview.language.code())
        .bind(interview.status.as_str())
        .bind(plan)
        .bind(timestamp(interview.created_at))
        .bind(interview.scheduled_at.map(timestamp))
        .bind(interview.started_at.map(timestamp))
        .bind(interview.ended_at.map(timestamp))
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        tx.commit().await.map_err(self.failed(action))
    }

    /// One interview, with the candidate details and plan it was saved with.
    pub async fn interview(&self, id: &str) -> Result<Interview, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            interview_columns!(),
            " FROM interviews WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(self.failed("reading an interview"))?
        .ok_or_else(|| StoreError::InterviewNotFound {
            interview_id: id.to_string(),
        })?;
        self.interview_from_row(&row)
    }

    /// Every interview, newest (by creation time) first.
    pub async fn list_interviews(&self) -> Result<Vec<Interview>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            interview_columns!(),
            " FROM interviews ORDER BY created_at DESC, id DESC"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("listing interviews"))?;
        rows.iter()
            .map(|row| self.interview_from_row(row))
            .collect()
    }

    fn interview_from_row(&self, row: &SqliteRow) -> Result<Interview, StoreError> {
        let id: String = self.get(row, "id")?;
        let what = |field: &str| format!("{field} of interview \"{id}\"");
        let candidate: Candidate = serde_json::from_str(&self.get::<String>(row, "candidate")?)
            .map_err(|error| self.damaged(what("candidate"), error))?;
        let interviewers: Vec<String> =
            serde_json::from_str(&self.get::<String>(row, "interviewers")?)
                .map_err(|error| self.damaged(what("interviewers"), error))?;
        let plan: Plan = serde_json::from_str(&self.get::<String>(row, "plan")?)
            .map_err(|error| self.damaged(what("plan"), error))?;
        let language_code: String = self.get(row, "language")?;
        let language = Language::parse(&language_code)
            .ok_or_else(|| self.damaged(what("language"), &language_code))?;
        let status_text: String = self.get(row, "status")?;
        let status = InterviewStatus::parse(&status_text)
            .ok_or_else(|| self.damaged(what("status"), &status_text))?;
        let job_id: String = self.get(row, "job_id")?;
        let model_version = self.version_from_db(&job_id, self.get(row, "model_version")?)?;
        Ok(Interview {
            job_id,
            model_version,
            candidate,
            interviewers,
            language,
            status,
            plan,
            created_at: self.time(row, "created_at")?,
            scheduled_at: self.optional_time(row, "scheduled_at")?,
            started_at: self.optional_time(row, "started_at")?,
            ended_at: self.optional_time(row, "ended_at")?,
            id,
        })
    }

    /// Moves an interview to `status` at time `at`: `in_progress` sets the start time,
    /// `completed` and `cancelled` the end time. Completed and cancelled are final, and a
    /// started interview cannot go back to planned. Setting the current status changes nothing.
    pub async fn set_interview_status(
        &self,
        id: &str,
        status: InterviewStatus,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let action = "changing an interview's status";
        let mut tx = self.begin_write(action).await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT status FROM interviews WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(self.failed(action))?;
        let current = current.ok_or_else(|| StoreError::InterviewNotFound {
            interview_id: id.to_string(),
        })?;
        let current = InterviewStatus::parse(&current)
            .ok_or_else(|| self.damaged(format!("status of interview \"{id}\""), &current))?;
        if current == status {
            return Ok(());
        }
        use InterviewStatus::{Cancelled, Completed, InProgress, Planned};
        let allowed = matches!(
            (current, status),
            (Planned, InProgress | Completed | Cancelled) | (InProgress, Completed | Cancelled)
        );
        if !allowed {
            return Err(StoreError::InvalidStatusChange {
                interview_id: id.to_string(),
                from: current.as_str(),
                to: status.as_str(),
            });
        }
        let at = timestamp(at);
        let now = timestamp(Utc::now());
        let query = match status {
            InProgress => {
                "UPDATE interviews SET status = ?1, started_at = ?2, updated_at = ?3 WHERE id = ?4"
            }
            Completed | Cancelled => {
                "UPDATE interviews SET status = ?1, ended_at = ?2, updated_at = ?3 WHERE id = ?4"
            }
            Planned => "UPDATE interviews SET status = ?1, updated_at = ?3 WHERE id = ?4",
        };
        sqlx::query(query)
            .bind(status.as_str())
            .bind(at)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        tx.commit().await.map_err(self.failed(action))
    }

    // ---- settings and meta ----

    /// Stores a finished report (its JSON) for an interview. Afterwards only a rating revision
    /// changes it ([`Store::revise_report`]).
    ///
    /// In the same transaction: one outbox row per configured HR connector (the report's
    /// bytes, to be delivered until acknowledged) and the interview marked completed, so a
    /// crash leaves either all of it or none.
    pub async fn save_report(
        &self,
        report_id: &str,
        interview_id: &str,
        created_at: DateTime<Utc>,
        report_json: &str,
    ) -> Result<(), StoreError> {
        self.store_report(report_id, interview_id, created_at, report_json, true)
            .await
    }

    /// Stores a finished report like [`Store::save_report`] but queues it for no HR system: it
    /// stays on this machine (the candidate did not consent to the transfer).
    pub async fn save_report_held(
        &self,
        report_id: &str,
        interview_id: &str,
        created_at: DateTime<Utc>,
        report_json: &str,
    ) -> Result<(), StoreError> {
        self.store_report(report_id, interview_id, created_at, report_json, false)
            .await
    }

    async fn store_report(
        &self,
        report_id: &str,
        interview_id: &str,
        created_at: DateTime<Utc>,
        report_json: &str,
        queue: bool,
    ) -> Result<(), StoreError> {
        let action = "saving a report";
        let mut tx = self.begin_write(action).await?;
        self.require_interview(&mut tx, interview_id, action)
            .await?;
        sqlx::query("INSERT INTO reports (id, interview_id, created_at, report_json) VALUES (?1, ?2, ?3, ?4)")
            .bind(report_id)
            .bind(interview_id)
            .bind(timestamp(created_at))
            .bind(report_json)
            .execute(&mut *tx)
            .await
            .map_err(self.failed(action))?;
        let now = timestamp(created_at);
        if queue {
            self.enqueue_report(
                &mut tx,
                report_id,
                interview_id,
                report_json.as_bytes(),
                &now,
            )
            .await?;
        }
        sqlx::query(
            "UPDATE interviews SET status = 'completed', ended_at = coalesce(ended_at, ?1),
                 updated_at = ?1
             WHERE id = ?2 AND status IN ('planned', 'in_progress')",
        )
        .bind(&now)
        .bind(interview_id)
        .execute(&mut *tx)
        .await
        .map_err(self.failed(action))?;
        tx.commit().await.map_err(self.failed(action))?;
        Ok(())
    }

    /// A stored report's JSON.
    pub async fn report_json(&self, report_id: &str) -> Result<String, StoreError> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT report_json FROM reports WHERE id = ?")
                .bind(report_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(self.failed("reading a report"))?;
        found.ok_or_else(|| StoreError::ReportNotFound {
            report_id: report_id.to_string(),
        })
    }

    /// Every report as (report id, interview id, created at), newest first.
    pub async fn list_reports(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        sqlx::query_as(
            "SELECT id, interview_id, created_at FROM reports ORDER BY created_at DESC, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(self.failed("listing reports"))
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(self.failed("reading a setting"))
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(timestamp(Utc::now()))
        .execute(&self.pool)
        .await
        .map_err(self.failed("saving a setting"))?;
        Ok(())
    }

    /// Whether the bundled job library was already copied into this database.
    pub async fn library_seeded(&self) -> Result<bool, StoreError> {
        let found: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(META_LIBRARY_SEEDED)
            .fetch_optional(&self.pool)
            .await
            .map_err(self.failed("reading the library marker"))?;
        Ok(found.is_some())
    }

    /// Records that the bundled job library was seeded (so deleting a seeded job sticks).
    pub async fn mark_library_seeded(&self) -> Result<(), StoreError> {
        let now = timestamp(Utc::now());
        sqlx::query(
            "INSERT INTO meta (key, value, updated_at) VALUES (?1, ?2, ?2)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(META_LIBRARY_SEEDED)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(self.failed("saving the library marker"))?;
        Ok(())
    }

    // ---- row helpers ----

    fn get<'r, T>(&self, row: &'r SqliteRow, column: &'static str) -> Result<T, StoreError>
    where
        T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    {
        row.try_get(column)
            .map_err(|error| self.damaged(format!("column {column}"), error))
    }

    fn count(&self, row: &SqliteRow, column: &'static str) -> Result<u32, StoreError> {
        let value: i64 = self.get(row, column)?;
        u32::try_from(value).map_err(|_| self.damaged(format!("column {column}"), value))
    }

    fn time(&self, row: &SqliteRow, column: &'static str) -> Result<DateTime<Utc>, StoreError> {
        let text: String = self.get(row, column)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|time| time.with_timezone(&Utc))
            .map_err(|error| self.damaged(format!("time in column {column} (\"{text}\")"), error))
    }

    fn optional_time(
        &self,
        row: &SqliteRow,
        column: &'static str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let text: Option<String> = self.get(row, column)?;
        text.map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map(|time| time.with_timezone(&Utc))
                .map_err(|error| {
                    self.damaged(format!("time in column {column} (\"{text}\")"), error)
                })
        })
        .transpose()
    }
}
