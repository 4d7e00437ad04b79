use std::path::{Path, PathBuf};

use chrono::Utc;
use copilot_domain::{
    Candidate, Interview, InterviewStatus, JobDefinition, JobSummary, Language, ModelVersion, Plan,
    ValidationIssue,
};
use copilot_secrets::SecretStore;
use copilot_store::{Opened, Store};

use crate::ipc::{
    AppInfo, BankFileFormat, ExportedFile, ImportReport, NewInterview, PlanRequest, SavedJob,
    VersionInfo,
};
use crate::{CoreError, ErrorCode};

const DATABASE_FILE: &str = "copilot.db";
const SETTING_UI_LANGUAGE: &str = "ui_language";
const SETTING_PENDING_RECOVERY_KEY: &str = "recovery_key_pending";

/// Where the app keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    pub data_dir: PathBuf,
}

impl AppConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        AppConfig {
            data_dir: data_dir.into(),
        }
    }

    /// `COPILOT_DATA_DIR` if set, else the platform's data folder (e.g. `~/.local/share/interview-copilot`).
    /// The app and the CLI use the same folder, so they see the same interviews.
    pub fn from_env_or_default() -> Result<Self, CoreError> {
        if let Some(dir) = std::env::var_os("COPILOT_DATA_DIR").filter(|d| !d.is_empty()) {
            return Ok(AppConfig::new(dir));
        }
        let base = dirs::data_dir().ok_or_else(|| {
            CoreError::new(
                ErrorCode::Storage,
                "this system reports no user data folder: set COPILOT_DATA_DIR to a writable folder",
            )
        })?;
        Ok(AppConfig::new(base.join("interview-copilot")))
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }
}

/// The open application: the encrypted store plus the pure services over it.
#[derive(Clone)]
pub struct Copilot {
    pub(crate) store: Store,
    data_dir: PathBuf,
    /// The running interviews' consent gates (a withdrawal reaches them at once).
    pub(crate) consent_hub: crate::consent::ConsentHub,
}

fn saved(version: copilot_store::SavedVersion) -> SavedJob {
    SavedJob {
        job_id: version.job_id,
        version: version.version,
        created_new_version: version.created_new_version,
    }
}

fn invalid_job(job: &JobDefinition, issues: Vec<ValidationIssue>) -> CoreError {
    CoreError::new(
        ErrorCode::InvalidInput,
        format!(
            "job \"{}\" is not valid ({} problems): fix them and save again",
            job.id,
            issues.len()
        ),
    )
    .with_details(issues.iter().map(ToString::to_string).collect())
}

impl Copilot {
    /// Opens the store in `config.data_dir`, creating it (and its key in the keychain) on first run,
    /// and seeds the bundled library once.
    pub async fn open(config: &AppConfig, secrets: &dyn SecretStore) -> Result<Copilot, CoreError> {
        create_data_dir(&config.data_dir)?;
        let copilot = match Store::open(&config.database_path(), secrets).await? {
            Opened::Existing(store) => Copilot {
                store,
                data_dir: config.data_dir.clone(),
                consent_hub: Default::default(),
            },
            Opened::Created {
                store,
                recovery_key,
            } => {
                store
                    .set_setting(SETTING_PENDING_RECOVERY_KEY, recovery_key.expose())
                    .await?;
                Copilot {
                    store,
                    data_dir: config.data_dir.clone(),
                    consent_hub: Default::default(),
                }
            }
        };
        copilot.seed_library().await?;
        Ok(copilot)
    }

    /// Reopens the store with the recovery key when the keychain entry was lost, and puts the key back.
    pub async fn recover(
        config: &AppConfig,
        secrets: &dyn SecretStore,
        recovery_key: &str,
    ) -> Result<Copilot, CoreError> {
        let store = Store::recover(&config.database_path(), secrets, recovery_key).await?;
        let copilot = Copilot {
            store,
            data_dir: config.data_dir.clone(),
            consent_hub: Default::default(),
        };
        copilot.seed_library().await?;
        Ok(copilot)
    }

    async fn seed_library(&self) -> Result<(), CoreError> {
        if !self.store.library_seeded().await? {
            self.store
                .save_jobs(&copilot_bank::bundled_library())
                .await?;
            self.store.mark_library_seeded().await?;
        }
        Ok(())
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub async fn app_info(&self) -> Result<AppInfo, CoreError> {
        let recovery_key = self
            .store
            .setting(SETTING_PENDING_RECOVERY_KEY)
            .await?
            .filter(|key| !key.is_empty());
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: self.data_dir.display().to_string(),
            recovery_key,
            ui_language: self.ui_language().await?,
        })
    }

    /// The user saved the recovery key: never show it again.
    pub async fn acknowledge_recovery_key(&self) -> Result<(), CoreError> {
        Ok(self
            .store
            .set_setting(SETTING_PENDING_RECOVERY_KEY, "")
            .await?)
    }

    pub async fn ui_language(&self) -> Result<Language, CoreError> {
        let stored = self.store.setting(SETTING_UI_LANGUAGE).await?;
        Ok(stored
            .as_deref()
            .and_then(Language::parse)
            .unwrap_or(Language::En))
    }

    pub async fn set_ui_language(&self, language: Language) -> Result<(), CoreError> {
        Ok(self
            .store
            .set_setting(SETTING_UI_LANGUAGE, language.code())
            .await?)
    }

    pub async fn list_jobs(&self) -> Result<Vec<JobSummary>, CoreError> {
        Ok(self.store.list_jobs().await?)
    }

    /// A job's model at `version`, or its latest version.
    pub async fn job(&self, job_id: &str, version: Option<u32>) -> Result<ModelVersion, CoreError> {
        Ok(self.store.job(job_id, version).await?)
    }

    pub async fn job_versions(&self, job_id: &str) -> Result<Vec<VersionInfo>, CoreError> {
        let versions = self.store.job_versions(job_id).await?;
        Ok(versions
            .into_iter()
            .map(|v| VersionInfo {
                version: v.version,
                content_hash: v.content_hash,
                created_at: v.created_at,
            })
            .collect())
    }

    pub fn validate_job(&self, job: &JobDefinition) -> Vec<ValidationIssue> {
        job.validate()
    }

    /// Saves an edited job; a changed model becomes a new version, an unchanged one does not.
    pub async fn save_job(&self, job: &JobDefinition) -> Result<SavedJob, CoreError> {
        let issues = job.validate();
        if !issues.is_empty() {
            return Err(invalid_job(job, issues));
        }
        Ok(saved(self.store.save_job(job).await?))
    }

    /// Checks a bank file without saving anything; returns the jobs it holds.
    pub fn validate_bank(file_name: &str, bytes: &[u8]) -> Result<Vec<JobDefinition>, CoreError> {
        Ok(copilot_bank::import_bank(
            file_name,
            bytes,
            &copilot_bank::ImportLimits::default(),
        )?)
    }

    /// Imports every job of a bank file in one transaction: all of them or none.
    pub async fn import_bank(
        &self,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ImportReport, CoreError> {
        let jobs = Self::validate_bank(file_name, bytes)?;
        let versions = self.store.save_jobs(&jobs).await?;
        Ok(ImportReport {
            file_name: file_name.to_string(),
            jobs: versions.into_iter().map(saved).collect(),
        })
    }

    /// Exports the latest versions of `job_ids` (all jobs when empty).
    pub async fn export_bank(
        &self,
        job_ids: &[String],
        format: BankFileFormat,
    ) -> Result<ExportedFile, CoreError> {
        let ids: Vec<String> = if job_ids.is_empty() {
            self.store
                .list_jobs()
                .await?
                .into_iter()
                .map(|j| j.id)
                .collect()
        } else {
            job_ids.to_vec()
        };
        let mut jobs = Vec::with_capacity(ids.len());
        for id in &ids {
            jobs.push(self.store.job(id, None).await?.definition);
        }
        let bytes = copilot_bank::export_bank(&jobs, format.to_bank())?;
        let stem = if ids.len() == 1 {
            ids[0].clone()
        } else {
            "interview-copilot-bank".to_string()
        };
        Ok(ExportedFile {
            file_name: format!("{stem}.{}", format.extension()),
            bytes,
        })
    }

    /// Exports to a file; writes a temporary file first and renames it, so a failure never leaves half a file.
    pub async fn export_bank_to_path(
        &self,
        job_ids: &[String],
        format: BankFileFormat,
        path: &Path,
    ) -> Result<PathBuf, CoreError> {
        let exported = self.export_bank(job_ids, format).await?;
        write_atomically(path, &exported.bytes)?;
        Ok(path.to_path_buf())
    }

    /// The text of a résumé file (TXT, PDF, DOCX).
    pub fn resume_text(file_name: &str, bytes: &[u8]) -> Result<String, CoreError> {
        Ok(copilot_resume::extract_text(
            file_name,
            bytes,
            &copilot_resume::ResumeLimits::default(),
        )?)
    }

    pub async fn preview_plan(&self, request: &PlanRequest) -> Result<Plan, CoreError> {
        let model = self.store.job(&request.job_id, None).await?;
        plan_for(
            &model,
            &request.resume_text,
            request.language,
            request.budget_minutes,
        )
    }

    /// Creates an interview pinned to the job's current model version, with its plan.
    pub async fn create_interview(&self, request: &NewInterview) -> Result<Interview, CoreError> {
        let name = request.candidate_name.trim();
        if name.is_empty() {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                "the candidate's name is empty: enter a name",
            ));
        }
        let scheduled_at = match request.scheduled_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(
                chrono::DateTime::parse_from_rfc3339(text)
                    .map_err(|e| {
                        CoreError::new(
                            ErrorCode::InvalidInput,
                            format!("scheduled time \"{text}\" is not an RFC 3339 time ({e}): use e.g. 2026-11-23T09:30:00+08:00"),
                        )
                    })?
                    .with_timezone(&Utc),
            ),
        };
        let model = self.store.job(&request.job_id, None).await?;
        let plan = plan_for(
            &model,
            &request.resume_text,
            request.language,
            request.budget_minutes,
        )?;
        let interview = Interview {
            id: uuid::Uuid::new_v4().to_string(),
            job_id: model.job_id.clone(),
            model_version: model.version,
            candidate: Candidate {
                id: uuid::Uuid::new_v4().to_string(),
                name: name.to_string(),
                contact: request.candidate_contact.trim().to_string(),
                resume_text: request.resume_text.clone(),
            },
            interviewers: request
                .interviewers
                .iter()
                .map(|i| i.trim().to_string())
                .filter(|i| !i.is_empty())
                .collect(),
            language: request.language,
            status: InterviewStatus::Planned,
            plan,
            created_at: Utc::now(),
            scheduled_at,
            started_at: None,
            ended_at: None,
        };
        self.store.insert_interview(&interview).await?;
        Ok(interview)
    }

    pub async fn list_interviews(&self) -> Result<Vec<Interview>, CoreError> {
        Ok(self.store.list_interviews().await?)
    }

    pub async fn interview(&self, id: &str) -> Result<Interview, CoreError> {
        Ok(self.store.interview(id).await?)
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}

fn plan_for(
    model: &ModelVersion,
    resume_text: &str,
    language: Language,
    budget_minutes: f64,
) -> Result<Plan, CoreError> {
    if !(budget_minutes.is_finite() && (5.0..=240.0).contains(&budget_minutes)) {
        return Err(CoreError::new(
            ErrorCode::InvalidInput,
            format!(
                "a time budget of {budget_minutes} minutes is out of range: choose 5 to 240 minutes"
            ),
        ));
    }
    let facts = copilot_resume::resume_facts(resume_text);
    Ok(copilot_planner::plan_interview(
        &copilot_planner::PlanRequest {
            job: &model.definition,
            model_version: model.version,
            resume: &facts,
            resume_text,
            language,
            budget_minutes,
        },
    ))
}

fn create_data_dir(dir: &Path) -> Result<(), CoreError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CoreError::new(
            ErrorCode::Storage,
            format!("cannot create the data folder {} ({e}): choose a writable folder with COPILOT_DATA_DIR", dir.display()),
        )
    })
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CoreError> {
    let storage_error = |e: std::io::Error| {
        CoreError::new(
            ErrorCode::Storage,
            format!(
                "cannot write {} ({e}): check the folder exists, is writable and has free space",
                path.display()
            ),
        )
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.partial"));
    std::fs::write(&temporary, bytes).map_err(storage_error)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        storage_error(e)
    })
}
