//! The one API of Interview Copilot. The Tauri app (`src-tauri`), the `copilot` CLI and the
//! cross-crate tests all call [`Copilot`]; none of them reach into the store, the bank codecs or
//! the planner directly.
//!
//! [`Copilot::open`] opens (or, on first run, creates) the encrypted store whose key lives in the
//! OS keychain, and seeds the bundled library of jobs once. Every method returns a [`CoreError`]
//! with a stable [`ErrorCode`] the UI switches on, and a message that names the problem and the fix.
//!
//! Types that cross the IPC boundary derive [`ts_rs::TS`]; `cargo test -p copilot-core` checks
//! that `ui/src/bindings/` matches them (set `UPDATE_BINDINGS=1` to rewrite it).

mod consent;
mod copilot;
mod error;
mod ipc;
mod listen;
mod live;
mod reports;
mod session;
mod sync;
mod vision;

pub use consent::{
    ConsentChoice, ConsentGate, ConsentNotice, ConsentStatus, NOTICE_VERSION, NewConsent,
    PolicySettings, PurposeStatus, consent_required,
};
pub use copilot::{AppConfig, Copilot};
pub use error::{CoreError, ErrorCode};
pub use ipc::{
    AppInfo, BankFileFormat, ExportedFile, ImportReport, NewInterview, PlanRequest, SavedJob,
    VersionInfo, export_bindings,
};

pub use copilot_audio::InputDeviceInfo;
/// The outbox sender [`Copilot::sync_sender`] returns (the app keeps one running in the background).
pub use copilot_sync::Sender as SyncSender;
pub use listen::{
    AudioInput, LevelMeter, LiveSession, MeterEvent, MicRole, StopSignal, input_devices,
    signal_level,
};
pub use live::{DEMO_AUDIO_ENV, LiveEvent, ReplaySettings, ReplayTotals};
pub use reports::{FontSearch, PDF_FONT_ENV, PDF_FONT_SETTING};
pub use session::{InterviewSession, ReportFormat, ReportSummary};
pub use sync::{
    AssignedInterviewInfo, ConnectionTest, ConnectorInfo, HeldReport, NewConnector, OutboxItem,
    SecretSlot, SyncRunReport, SyncStatus,
};

pub use vision::{
    CameraInfo, CueInfo, DetectedFace, FaceBox, ImageDetection, PREVIEW_FPS, PREVIEW_MAX_SIDE,
    VideoInput, VisionEvent, VisionTotals, camera_devices, vision_models_dir, watch_video,
};

pub use copilot_consent as consent_policy;
pub use copilot_domain as domain;
pub use copilot_engine as engine;
pub use copilot_report as report;
pub use copilot_secrets::{KeychainSecretStore, MemorySecretStore, SecretStore};
