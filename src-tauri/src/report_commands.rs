//! Commands of the report screen after the interview: rate a competency again (the score and
//! the queued HR delivery follow). Exports, PDF included, go through `live::export_report_to_path`.

use copilot_core::CoreError;
use copilot_core::report::Report;
use tauri::State;

use crate::AppState;

/// Confirms or changes one competency's rating on a stored report and wakes the outbox sender
/// (the revision may have been queued for the HR system).
#[tauri::command]
pub async fn rate_report(
    state: State<'_, AppState>,
    id: String,
    competency: String,
    rating: u8,
    by: Option<String>,
) -> Result<Report, CoreError> {
    let report = state
        .copilot()
        .await?
        .rate_report(&id, &competency, rating, by.as_deref())
        .await?;
    state.sync.changed(None);
    Ok(report)
}
