//! Audio capture for Interview Copilot.
//!
//! An [`AudioSource`] produces timestamped mono `f32` frames, one stream per [`Channel`] (interviewer,
//! candidate, or a shared microphone), into a bounded [`frame_queue`]. Real-time producers (the cpal
//! callback, a paced file) only `try_send`: they never block and count what they had to drop. Sources:
//! [`WavFileSource`] (hound; mono = shared, stereo = left interviewer / right candidate) and
//! [`CpalInputSource`] (microphones; errors and device loss arrive as [`AudioEvent`]s, never a panic),
//! and [`CombinedSource`] (the interviewer's microphone plus the candidate's device as one stream).
//! [`Resampler`] converts any rate to the 16 kHz the speech models want. The file source reads WAV and
//! FLAC (8- to 24-bit, pure-Rust `claxon`), told apart by the file's first bytes.

mod combined;
mod cpal_source;
mod flac;
mod queue;
mod resample;
mod wav;

pub use combined::CombinedSource;
pub use cpal_source::{CpalInputSource, InputDeviceInfo, list_input_devices};
pub use queue::{FrameReceiver, FrameSender, Received, frame_queue};
pub use resample::{Resampler, resample_all};
pub use wav::{AudioFileFormat, AudioFileSource, Pacing, WavFileSource};

use serde::Serialize;
use ts_rs::TS;

/// The sample rate Whisper and Silero VAD work at.
pub const TARGET_SAMPLE_RATE: u32 = 16_000;

/// Who an audio stream belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Interviewer,
    Candidate,
    /// One microphone for everybody (a mono recording or a laptop microphone).
    Shared,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Interviewer => "interviewer",
            Channel::Candidate => "candidate",
            Channel::Shared => "shared",
        }
    }
}

/// A block of mono samples of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioFrame {
    pub channel: Channel,
    /// Time of the first sample since the source started, in microseconds.
    pub start_us: u64,
    pub sample_rate: u32,
    pub samples: Vec<f32>,
}

impl AudioFrame {
    pub fn duration_us(&self) -> u64 {
        self.samples.len() as u64 * 1_000_000 / u64::from(self.sample_rate.max(1))
    }
}

/// What a source sends: audio, or news about the source.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioEvent {
    Frame(AudioFrame),
    /// The device went away (unplugged, taken by another app); no more frames will come.
    DeviceLost {
        device: String,
        message: String,
    },
    /// A recoverable problem (e.g. a buffer overrun reported by the driver).
    Warning {
        message: String,
    },
    /// The source has nothing more to send (end of file, or stopped).
    End,
}

/// Errors from opening or running an audio source, each naming the fix.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error(
        "cannot open audio file {path}: {detail} (check the path; WAV and FLAC files are supported)"
    )]
    OpenFile { path: String, detail: String },
    #[error(
        "audio file {path} has {channels} channels: use mono (one shared microphone) or stereo (left = interviewer, right = candidate)"
    )]
    UnsupportedChannels { path: String, channels: u16 },
    #[error(
        "audio file {path} is damaged at sample {at}: {detail} (re-export or re-encode it as 16-bit PCM WAV or FLAC)"
    )]
    ReadFile {
        path: String,
        at: u64,
        detail: String,
    },
    #[error(
        "no audio input device found: connect a microphone, or check the sound server (ALSA/PulseAudio) is running"
    )]
    NoInputDevice,
    #[error("audio input device {name:?} not found: pick one of: {available}")]
    DeviceNotFound { name: String, available: String },
    #[error(
        "audio host error while {action}: {detail} (check the sound server and the device permissions)"
    )]
    Host { action: String, detail: String },
    #[error(
        "audio input {device:?} cannot be opened: {detail} (close other apps using it, or pick another device)"
    )]
    OpenDevice { device: String, detail: String },
    #[error("the audio source thread could not start: {0}")]
    Thread(String),
}

/// A running source; dropping it stops the source.
pub struct SourceHandle {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SourceHandle {
    /// A handle over a source's thread: `stop` asks the thread to finish, then the handle joins it.
    /// For sources outside this crate (e.g. simulated devices in tests).
    pub fn new(
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
        thread: std::thread::JoinHandle<()>,
    ) -> SourceHandle {
        SourceHandle {
            stop,
            thread: Some(thread),
        }
    }

    /// Ask the source to stop and wait for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Wait until the source ends by itself (end of file).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn shutdown(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SourceHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Something that produces audio frames into a bounded queue.
pub trait AudioSource: Send {
    /// A human-readable name (file path or device name).
    fn describe(&self) -> String;
    /// The channels this source produces frames for.
    fn channels(&self) -> Vec<Channel>;
    /// Start producing into `sink`. Frames end with [`AudioEvent::End`] (or [`AudioEvent::DeviceLost`]).
    fn start(self: Box<Self>, sink: FrameSender) -> Result<SourceHandle, AudioError>;
}
