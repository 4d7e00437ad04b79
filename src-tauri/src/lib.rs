//! The Interview Copilot desktop app: a thin Tauri shell over [`copilot_core::Copilot`].
//!
//! Every command in [`commands`] takes the open [`Copilot`] from [`AppState`], calls one method and
//! returns its [`CoreError`] unchanged (it is serialisable, with a stable code the UI switches on).
//! The window opens before the encrypted store does: the store is opened on the first command, so
//! when that fails (keychain locked, a database refused) the window shows the error and its fix,
//! and "Try again" (the next `app_info`) opens it again.
//!
//! The data folder is, in order: `--data-dir <path>` on the command line, the `COPILOT_DATA_DIR`
//! environment variable, or the platform's data folder (`~/.local/share/interview-copilot`), the
//! same one the `copilot` CLI uses.

pub mod commands;
pub mod live;
pub mod report_commands;
pub mod sync_commands;
pub mod vision_commands;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use copilot_core::{AppConfig, Copilot, CoreError, ErrorCode, KeychainSecretStore};
use tauri::Manager;
use tauri::async_runtime::Mutex;

/// The environment variable that chooses the data folder (the tests use it).
pub const DATA_DIR_ENV: &str = "COPILOT_DATA_DIR";
/// The command-line flag that chooses the data folder; it wins over [`DATA_DIR_ENV`].
pub const DATA_DIR_FLAG: &str = "--data-dir";

/// The app's managed state: where the data lives and the store once it is open.
pub struct AppState {
    data_dir: Result<PathBuf, CoreError>,
    copilot: Mutex<Option<Copilot>>,
    /// The running interview, its audio and the level meter.
    pub live: live::LiveState,
    /// HR sync: the background sender (runs while the store is open) and its keychain.
    pub sync: sync_commands::SyncState,
}

impl AppState {
    pub fn new(data_dir: Result<PathBuf, CoreError>) -> AppState {
        AppState {
            data_dir,
            copilot: Mutex::new(None),
            live: live::LiveState::default(),
            sync: sync_commands::SyncState::default(),
        }
    }

    /// The open app, opening the store first if it is not open yet (or failed to open before).
    pub async fn copilot(&self) -> Result<Copilot, CoreError> {
        let mut slot = self.copilot.lock().await;
        if let Some(copilot) = slot.as_ref() {
            return Ok(copilot.clone());
        }
        let data_dir = self.data_dir.clone()?;
        let secrets = KeychainSecretStore::connect()
            .map_err(|error| CoreError::new(ErrorCode::KeychainUnavailable, error.to_string()))?;
        let copilot = Copilot::open(&AppConfig::new(data_dir), &secrets).await?;
        self.sync.start(&copilot, Arc::new(secrets));
        *slot = Some(copilot.clone());
        Ok(copilot)
    }

    async fn close(&self) {
        self.live.shutdown();
        self.sync.stop().await;
        if let Some(copilot) = self.copilot.lock().await.take() {
            copilot.close().await;
        }
    }
}

/// The value of `--data-dir <path>` or `--data-dir=<path>` in `args` (without the program name).
pub fn data_dir_flag(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == DATA_DIR_FLAG {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = text
            .strip_prefix(DATA_DIR_FLAG)
            .and_then(|rest| rest.strip_prefix('='))
        {
            return Some(PathBuf::from(value));
        }
    }
    None
}

/// `--data-dir`, else [`AppConfig::from_env_or_default`]: the same folder the `copilot` CLI uses.
fn data_dir() -> Result<PathBuf, CoreError> {
    if let Some(dir) = data_dir_flag(std::env::args_os().skip(1)) {
        return Ok(dir);
    }
    Ok(AppConfig::from_env_or_default()?.data_dir)
}

/// Builds and runs the app; returns when the last window closes.
pub fn run() -> Result<(), tauri::Error> {
    let app = tauri::Builder::default()
        .setup(|app| {
            let data_dir = data_dir();
            app.manage(AppState::new(data_dir));
            app.manage(vision_commands::VisionState::default());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::acknowledge_recovery_key,
            commands::set_ui_language,
            commands::list_jobs,
            commands::get_job,
            commands::job_versions,
            commands::validate_job,
            commands::save_job,
            commands::import_bank,
            commands::export_bank,
            commands::export_bank_to_path,
            commands::resume_text,
            commands::preview_plan,
            commands::create_interview,
            commands::list_interviews,
            commands::get_interview,
            live::start_interview,
            live::running_interview,
            live::interview_state,
            live::interview_input,
            live::replay_into_interview,
            live::stop_interview_audio,
            live::finish_interview,
            live::create_demo_interview,
            live::list_input_devices,
            live::start_level_meter,
            live::stop_level_meter,
            live::list_reports,
            live::get_report,
            live::export_report_to_path,
            report_commands::rate_report,
            sync_commands::sync_status,
            sync_commands::sync_now,
            sync_commands::resend_report,
            sync_commands::list_connectors,
            sync_commands::add_connector,
            sync_commands::test_connector,
            sync_commands::set_connector_secret,
            sync_commands::resume_connector,
            sync_commands::assigned_interviews,
            vision_commands::get_policy,
            vision_commands::set_policy,
            vision_commands::consent_notice,
            vision_commands::consent_status,
            vision_commands::record_consent,
            vision_commands::withdraw_consent,
            vision_commands::list_cameras,
            vision_commands::start_camera,
            vision_commands::stop_camera,
            vision_commands::held_reports,
        ])
        .build(tauri::generate_context!("../tauri.conf.json"))?;
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Close the database cleanly (checkpoints the write-ahead log).
            handle.state::<vision_commands::VisionState>().shutdown();
            let state = handle.state::<AppState>();
            tauri::async_runtime::block_on(state.close());
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn data_dir_flag_reads_both_spellings_and_ignores_other_arguments() {
        let cases: [(&[&str], Option<&str>); 6] = [
            (&["--data-dir", "/tmp/a"], Some("/tmp/a")),
            (&["--data-dir=/tmp/b"], Some("/tmp/b")),
            (
                &["--verbose", "--data-dir", "/tmp/c", "--other"],
                Some("/tmp/c"),
            ),
            (&["--data-dir"], None),
            (&["--data-directory=/tmp/d"], None),
            (&[], None),
        ];
        for (given, expected) in cases {
            assert_eq!(
                data_dir_flag(args(given)),
                expected.map(PathBuf::from),
                "{given:?}"
            );
        }
    }
}
