//! Speech pipeline for Interview Copilot: Silero VAD (through `ort`), utterance segmentation per channel,
//! and streaming transcription with whisper.cpp (through `whisper-rs`).
//!
//! [`run_pipeline`] takes any [`copilot_audio::AudioSource`], a [`VoiceDetector`] and a [`Transcriber`], and
//! emits [`SpeechEvent`]s: utterance start/end per speaker, transcript segments with recording times,
//! dropped frames, merges when the transcriber is behind, and timing. [`replay_file`] runs it on a WAV or
//! FLAC file with the models from `copilot-models`; [`replay_main`] is the `copilot replay` command.

pub mod pipeline;
pub mod replay;
pub mod segmenter;
pub mod text;
pub mod transcriber;
pub mod vad;

use std::path::PathBuf;

use copilot_audio::Channel;
use serde::Serialize;
use ts_rs::TS;

pub use pipeline::{Batch, PipelineConfig, PipelineSummary, run_pipeline};
pub use replay::{
    ReplayArgs, ReplayOptions, initial_prompt_for_job, replay_file, replay_main, replay_source,
};
pub use segmenter::{Segmenter, SegmenterConfig, SegmenterOutput, Utterance};
pub use transcriber::{
    LanguageChoice, TranscribedSegment, Transcriber, WhisperConfig, WhisperTranscriber,
    audio_ctx_for,
};
pub use vad::{SileroVad, VAD_WINDOW, VoiceDetector, init_onnx_runtime};

/// What the pipeline reports, in order of occurrence (one JSON object per line in `copilot replay`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpeechEvent {
    UtteranceStarted {
        speaker: Channel,
        #[ts(type = "number")]
        start_ms: u64,
    },
    /// `kept` is false for speech too short to transcribe.
    UtteranceEnded {
        speaker: Channel,
        #[ts(type = "number")]
        start_ms: u64,
        #[ts(type = "number")]
        end_ms: u64,
        kept: bool,
    },
    Segment {
        speaker: Channel,
        #[ts(type = "number")]
        start_ms: u64,
        #[ts(type = "number")]
        end_ms: u64,
        text: String,
        confidence: f32,
        language: String,
    },
    /// Audio frames a real-time source could not queue (`count` new since the last report).
    Dropped {
        #[ts(type = "number")]
        count: u64,
        #[ts(type = "number")]
        total: u64,
    },
    /// The transcriber was behind: `utterances` of one speaker were transcribed in one call.
    Merged {
        speaker: Channel,
        utterances: u32,
        #[ts(type = "number")]
        start_ms: u64,
        #[ts(type = "number")]
        end_ms: u64,
    },
    /// One transcription call: `audio_ms` of audio took `processing_ms`.
    Timing {
        speaker: Channel,
        #[ts(type = "number")]
        start_ms: u64,
        #[ts(type = "number")]
        audio_ms: u64,
        #[ts(type = "number")]
        processing_ms: u64,
        /// Where the transcribed audio ends in the recording (the last merged utterance's end).
        /// Not in the UI bindings yet (they are generated into ui/).
        #[ts(skip)]
        end_ms: u64,
        /// When this call's segments were emitted, in wall-clock ms since the source started. With a
        /// real-time source, `done_ms - end_ms` is the utterance-end-to-transcript latency.
        #[ts(skip)]
        done_ms: u64,
    },
    Warning {
        message: String,
    },
}

/// Errors of the speech pipeline, each naming the fix.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("ONNX Runtime library {path} is missing: run `copilot models fetch onnxruntime`")]
    OnnxRuntimeMissing { path: PathBuf },
    #[error(
        "ONNX Runtime at {path} cannot be loaded: {detail} (run `copilot models fetch onnxruntime` to reinstall it)"
    )]
    OnnxRuntime { path: PathBuf, detail: String },
    #[error("model file {path} is missing: run `copilot models fetch {name}`")]
    ModelMissing { path: PathBuf, name: String },
    #[error(transparent)]
    Model(#[from] copilot_models::ModelError),
    #[error("voice activity detection failed: {0} (run `copilot models verify silero-vad`)")]
    Vad(String),
    #[error("whisper.cpp failed: {0} (run `copilot models verify` to check the model files)")]
    Whisper(String),
    #[error(transparent)]
    Audio(#[from] copilot_audio::AudioError),
    #[error("{0}")]
    Config(String),
    #[error("cannot write the events: {0}")]
    Output(String),
}
