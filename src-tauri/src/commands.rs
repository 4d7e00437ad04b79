//! The Tauri commands: each takes the open app from [`AppState`], calls one [`Copilot`] method and
//! passes its [`CoreError`] through. Arguments arrive in camelCase from the UI (`jobId`).

use copilot_core::domain::{
    Interview, JobDefinition, JobSummary, Language, ModelVersion, Plan, ValidationIssue,
};
use copilot_core::{
    AppInfo, BankFileFormat, Copilot, CoreError, ExportedFile, ImportReport, NewInterview,
    PlanRequest, SavedJob, VersionInfo,
};
use tauri::State;

use crate::AppState;

type CommandResult<T> = Result<T, CoreError>;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    state.copilot().await?.app_info().await
}

#[tauri::command]
pub async fn acknowledge_recovery_key(state: State<'_, AppState>) -> CommandResult<()> {
    state.copilot().await?.acknowledge_recovery_key().await
}

#[tauri::command]
pub async fn set_ui_language(state: State<'_, AppState>, language: Language) -> CommandResult<()> {
    state.copilot().await?.set_ui_language(language).await
}

#[tauri::command]
pub async fn list_jobs(state: State<'_, AppState>) -> CommandResult<Vec<JobSummary>> {
    state.copilot().await?.list_jobs().await
}

#[tauri::command]
pub async fn get_job(
    state: State<'_, AppState>,
    job_id: String,
    version: Option<u32>,
) -> CommandResult<ModelVersion> {
    state.copilot().await?.job(&job_id, version).await
}

#[tauri::command]
pub async fn job_versions(
    state: State<'_, AppState>,
    job_id: String,
) -> CommandResult<Vec<VersionInfo>> {
    state.copilot().await?.job_versions(&job_id).await
}

#[tauri::command]
pub async fn validate_job(
    state: State<'_, AppState>,
    definition: JobDefinition,
) -> CommandResult<Vec<ValidationIssue>> {
    Ok(state.copilot().await?.validate_job(&definition))
}

#[tauri::command]
pub async fn save_job(
    state: State<'_, AppState>,
    definition: JobDefinition,
) -> CommandResult<SavedJob> {
    state.copilot().await?.save_job(&definition).await
}

#[tauri::command]
pub async fn import_bank(
    state: State<'_, AppState>,
    file_name: String,
    bytes: Vec<u8>,
) -> CommandResult<ImportReport> {
    state.copilot().await?.import_bank(&file_name, &bytes).await
}

#[tauri::command]
pub async fn export_bank(
    state: State<'_, AppState>,
    job_ids: Vec<String>,
    format: BankFileFormat,
) -> CommandResult<ExportedFile> {
    state.copilot().await?.export_bank(&job_ids, format).await
}

#[tauri::command]
pub async fn export_bank_to_path(
    state: State<'_, AppState>,
    job_ids: Vec<String>,
    format: BankFileFormat,
    path: String,
) -> CommandResult<String> {
    let copilot = state.copilot().await?;
    let written = copilot
        .export_bank_to_path(&job_ids, format, path.as_ref())
        .await?;
    Ok(written.display().to_string())
}

#[tauri::command]
pub async fn resume_text(file_name: String, bytes: Vec<u8>) -> CommandResult<String> {
    Copilot::resume_text(&file_name, &bytes)
}

#[tauri::command]
pub async fn preview_plan(state: State<'_, AppState>, request: PlanRequest) -> CommandResult<Plan> {
    state.copilot().await?.preview_plan(&request).await
}

#[tauri::command]
pub async fn create_interview(
    state: State<'_, AppState>,
    request: NewInterview,
) -> CommandResult<Interview> {
    state.copilot().await?.create_interview(&request).await
}

#[tauri::command]
pub async fn list_interviews(state: State<'_, AppState>) -> CommandResult<Vec<Interview>> {
    state.copilot().await?.list_interviews().await
}

#[tauri::command]
pub async fn get_interview(state: State<'_, AppState>, id: String) -> CommandResult<Interview> {
    state.copilot().await?.interview(&id).await
}
