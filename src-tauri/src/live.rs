//! The live interview and its report: the running interview (one at a time), its audio (a
//! recording, the demo or a microphone) streamed to the window over a [`Channel`], the device
//! picker's level meter, and the reports. Each command is a few lines over `copilot-core`.

use std::sync::{Mutex as StdMutex, PoisonError};

use copilot_core::domain::Interview;
use copilot_core::engine::{CoverageState, EngineEvent, EngineInput};
use copilot_core::report::Report;
use copilot_core::{
    AudioInput, CoreError, ErrorCode, InputDeviceInfo, LevelMeter, LiveEvent, LiveSession,
    MeterEvent, ReplaySettings, ReplayTotals, ReportFormat, ReportSummary, StopSignal,
};
use tauri::State;
use tauri::async_runtime::Mutex;
use tauri::ipc::Channel;

use crate::AppState;

type CommandResult<T> = Result<T, CoreError>;

fn not_running(id: &str) -> CoreError {
    CoreError::new(
        ErrorCode::InvalidInput,
        format!("interview {id} is not running: start it from the interview list"),
    )
}

/// The running interview, its audio and the level meter. Bounded: one interview runs at a time,
/// with at most one audio input and one meter.
#[derive(Default)]
pub struct LiveState {
    session: Mutex<Option<LiveSession>>,
    audio: StdMutex<Option<StopSignal>>,
    meter: StdMutex<Option<LevelMeter>>,
}

impl LiveState {
    /// The running interview `id`.
    async fn session(&self, id: &str) -> CommandResult<LiveSession> {
        match self.session.lock().await.as_ref() {
            Some(live) if live.interview_id() == id => Ok(live.clone()),
            _ => Err(not_running(id)),
        }
    }

    fn stop_audio(&self) {
        if let Some(stop) = self
            .audio
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            stop.stop();
        }
    }

    fn stop_meter(&self) {
        let meter = self
            .meter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(meter) = meter {
            meter.stop();
        }
    }

    /// Stops whatever runs (the app is closing).
    pub(crate) fn shutdown(&self) {
        self.stop_audio();
        self.stop_meter();
    }
}

/// Starts an interview, or returns to the one already running; refuses a second one.
#[tauri::command]
pub async fn start_interview(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<CoverageState> {
    let copilot = state.copilot().await?;
    let mut slot = state.live.session.lock().await;
    if let Some(live) = slot.as_ref() {
        if live.interview_id() == id {
            return live.state();
        }
        let other = live.interview()?;
        return Err(CoreError::new(
            ErrorCode::InvalidInput,
            format!(
                "the interview with {} is still running: open it and finish it first",
                other.candidate.name
            ),
        ));
    }
    let live = LiveSession::new(copilot.start_session(&id).await?);
    let current = live.state()?;
    *slot = Some(live);
    Ok(current)
}

/// The id of the running interview, if any.
#[tauri::command]
pub async fn running_interview(state: State<'_, AppState>) -> CommandResult<Option<String>> {
    Ok(state
        .live
        .session
        .lock()
        .await
        .as_ref()
        .map(|live| live.interview_id().to_string()))
}

#[tauri::command]
pub async fn interview_state(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<CoverageState> {
    state.live.session(&id).await?.state()
}

/// A note, a rating, a dismissed prompt or a tick.
#[tauri::command]
pub async fn interview_input(
    state: State<'_, AppState>,
    id: String,
    input: EngineInput,
) -> CommandResult<Vec<EngineEvent>> {
    state.live.session(&id).await?.apply(input)
}

/// Runs `input` into the running interview on a worker thread, streaming every event over
/// `channel`; resolves when the audio ends or is stopped.
#[tauri::command]
pub async fn replay_into_interview(
    state: State<'_, AppState>,
    id: String,
    input: AudioInput,
    settings: ReplaySettings,
    channel: Channel<LiveEvent>,
) -> CommandResult<ReplayTotals> {
    let copilot = state.copilot().await?;
    let live = state.live.session(&id).await?;
    let stop = StopSignal::new();
    {
        let mut audio = state
            .live
            .audio
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if audio.is_some() {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                "audio is already running: stop it first",
            ));
        }
        *audio = Some(stop.clone());
    }
    state.live.stop_meter();
    let worker = tauri::async_runtime::spawn_blocking(move || {
        copilot.listen(&live, &input, &settings, &stop, &mut |event| {
            // A closed window drops the channel: the audio still reaches the session.
            let _ = channel.send(event);
        })
    });
    let result = worker.await;
    *state
        .live
        .audio
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = None;
    result
        .map_err(|e| CoreError::new(ErrorCode::Internal, format!("the audio worker failed: {e}")))?
}

/// Asks the running audio to stop; `replay_into_interview` resolves once what was heard is transcribed.
#[tauri::command]
pub async fn stop_interview_audio(state: State<'_, AppState>) -> CommandResult<()> {
    state.live.stop_audio();
    Ok(())
}

/// Ends the interview (stopping its audio) and stores its report.
#[tauri::command]
pub async fn finish_interview(state: State<'_, AppState>, id: String) -> CommandResult<Report> {
    let copilot = state.copilot().await?;
    let session = {
        let mut slot = state.live.session.lock().await;
        match slot.as_ref() {
            Some(live) if live.interview_id() == id => {
                let session = live.take()?;
                *slot = None;
                session
            }
            _ => return Err(not_running(&id)),
        }
    };
    state.live.stop_audio();
    copilot.finish_session(session).await
}

#[tauri::command]
pub async fn create_demo_interview(state: State<'_, AppState>) -> CommandResult<Interview> {
    state.copilot().await?.create_demo_interview().await
}

#[tauri::command]
pub async fn list_input_devices() -> CommandResult<Vec<InputDeviceInfo>> {
    tauri::async_runtime::spawn_blocking(copilot_core::input_devices)
        .await
        .map_err(|e| CoreError::new(ErrorCode::Internal, format!("listing devices failed: {e}")))?
}

/// Shows the level of input `device` (`None`: the default) over `channel` until stopped.
#[tauri::command]
pub async fn start_level_meter(
    state: State<'_, AppState>,
    device: Option<String>,
    channel: Channel<MeterEvent>,
) -> CommandResult<()> {
    state.live.stop_meter();
    let meter = LevelMeter::for_device(device.as_deref(), move |event| {
        let _ = channel.send(event);
    })?;
    *state
        .live
        .meter
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(meter);
    Ok(())
}

#[tauri::command]
pub async fn stop_level_meter(state: State<'_, AppState>) -> CommandResult<()> {
    state.live.stop_meter();
    Ok(())
}

#[tauri::command]
pub async fn list_reports(state: State<'_, AppState>) -> CommandResult<Vec<ReportSummary>> {
    state.copilot().await?.list_reports().await
}

#[tauri::command]
pub async fn get_report(state: State<'_, AppState>, id: String) -> CommandResult<Report> {
    state.copilot().await?.report(&id).await
}

#[tauri::command]
pub async fn export_report_to_path(
    state: State<'_, AppState>,
    id: String,
    format: ReportFormat,
    path: String,
) -> CommandResult<String> {
    let copilot = state.copilot().await?;
    let written = copilot
        .export_report_to_path(&id, format, path.as_ref())
        .await?;
    Ok(written.display().to_string())
}
