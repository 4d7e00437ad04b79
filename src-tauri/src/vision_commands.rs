//! Consent, the policy profile and the camera panel: the HR admin's policy settings, the consent
//! step before an interview, withdrawal during it, the camera list and the camera loop streamed to
//! the window over a [`Channel`] (face boxes, a small preview image, cues), and the reports held
//! back from the HR system for lack of transfer consent. Each command is a few lines over
//! `copilot-core`; the [`copilot_core::ConsentGate`] the core shares with every capture loop makes
//! a withdrawal stop that purpose at once.

use std::sync::{Mutex as StdMutex, PoisonError};

use copilot_core::consent_policy::{PolicyProfile, Purpose};
use copilot_core::domain::Language;
use copilot_core::{
    CameraInfo, ConsentNotice, ConsentStatus, CoreError, ErrorCode, HeldReport, NewConsent,
    PolicySettings, StopSignal, VideoInput, VisionEvent, VisionTotals,
};
use tauri::State;
use tauri::ipc::Channel;

use crate::AppState;

type CommandResult<T> = Result<T, CoreError>;

/// The running camera loop (at most one: one interview runs at a time).
#[derive(Default)]
pub struct VisionState {
    camera: StdMutex<Option<StopSignal>>,
}

impl VisionState {
    fn stop(&self) {
        if let Some(stop) = self
            .camera
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            stop.stop();
        }
    }

    /// Stops the camera (the app is closing).
    pub(crate) fn shutdown(&self) {
        self.stop();
    }
}

#[tauri::command]
pub async fn get_policy(state: State<'_, AppState>) -> CommandResult<PolicySettings> {
    state.copilot().await?.policy().await
}

/// The HR admin chooses the deployment's profile; running interviews follow at once.
#[tauri::command]
pub async fn set_policy(
    state: State<'_, AppState>,
    profile: PolicyProfile,
) -> CommandResult<PolicySettings> {
    state.copilot().await?.set_policy(profile).await
}

#[tauri::command]
pub async fn consent_notice(
    state: State<'_, AppState>,
    language: Language,
) -> CommandResult<ConsentNotice> {
    state.copilot().await?.consent_notice(language).await
}

#[tauri::command]
pub async fn consent_status(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<ConsentStatus> {
    state.copilot().await?.consent_status(&id).await
}

#[tauri::command]
pub async fn record_consent(
    state: State<'_, AppState>,
    consent: NewConsent,
) -> CommandResult<ConsentStatus> {
    state.copilot().await?.record_consent(&consent).await
}

/// Withdraws one purpose: stored at once, and its capture stops before the next frame or segment.
#[tauri::command]
pub async fn withdraw_consent(
    state: State<'_, AppState>,
    id: String,
    purpose: Purpose,
) -> CommandResult<ConsentStatus> {
    state.copilot().await?.withdraw_consent(&id, purpose).await
}

#[tauri::command]
pub async fn list_cameras() -> CommandResult<Vec<CameraInfo>> {
    tauri::async_runtime::spawn_blocking(copilot_core::camera_devices)
        .await
        .map_err(|e| CoreError::new(ErrorCode::Internal, format!("listing cameras failed: {e}")))?
}

/// Runs the camera loop for interview `id` on a worker thread, streaming its events over
/// `channel`; resolves when the source ends, the camera is stopped or its consent withdrawn.
#[tauri::command]
pub async fn start_camera(
    state: State<'_, AppState>,
    vision: State<'_, VisionState>,
    id: String,
    input: VideoInput,
    channel: Channel<VisionEvent>,
) -> CommandResult<VisionTotals> {
    let copilot = state.copilot().await?;
    let gate = copilot.consent_gate(&id).await?;
    let stop = StopSignal::new();
    {
        let mut camera = vision.camera.lock().unwrap_or_else(PoisonError::into_inner);
        if camera.is_some() {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                "the camera is already running: stop it first",
            ));
        }
        *camera = Some(stop.clone());
    }
    let worker = tauri::async_runtime::spawn_blocking(move || {
        copilot.watch_video(&gate, &input, &stop, &mut |event| {
            let _ = channel.send(event);
        })
    });
    let result = worker.await;
    *vision.camera.lock().unwrap_or_else(PoisonError::into_inner) = None;
    result.map_err(|e| {
        CoreError::new(
            ErrorCode::Internal,
            format!("the camera worker failed: {e}"),
        )
    })?
}

#[tauri::command]
pub async fn stop_camera(vision: State<'_, VisionState>) -> CommandResult<()> {
    vision.stop();
    Ok(())
}

/// Finished reports kept on this machine: no consent to transfer them to the HR system.
#[tauri::command]
pub async fn held_reports(state: State<'_, AppState>) -> CommandResult<Vec<HeldReport>> {
    state.copilot().await?.held_reports().await
}
