//! Camera and face analysis for Interview Copilot: soft cues for the interviewer, never a score.
//!
//! - [`source`]: the [`FrameSource`] trait with a folder-of-images source ([`FileSource`]) and, with the
//!   `camera` feature, a `nokhwa` camera ([`camera::CameraSource`]); device trouble (permission denied,
//!   device lost) arrives as [`SourceEvent`]s, never as a panic.
//! - [`slot`]: the latest-wins [`FrameSlot`] between capture and analysis (the detector never sees a stale
//!   frame; skipped frames are counted).
//! - [`detect`]: RetinaFace mobilenet-0.25 through `ort` (priors, box decoding, NMS, score > 0.6).
//! - [`expression`]: the [`EmotionModel`] trait and the mini-Xception FER2013 model. The model is weak
//!   (about 2-3 right out of 4 labelled photos in our checks): a soft cue only.
//! - [`analyze`]: one frame through the detector and, only when the policy allows it, the expression model.
//! - [`cues`]: pure, clock-free smoothing of per-frame observations into sustained cues with a time span and
//!   a confidence.
//!
//! The models come from the model manager (`retinaface-mnet025`, `fer-mini-xception`, `onnxruntime`).

pub mod analyze;
#[cfg(feature = "camera")]
pub mod camera;
pub mod cues;
pub mod detect;
pub mod expression;
pub mod frame;
pub mod slot;
pub mod source;

pub use analyze::{Analyzer, FaceObservation, FrameAnalysis};
pub use detect::{Face, FaceDetector};
pub use expression::{EXPRESSION_LABELS, EmotionModel, Expression, MiniXception};
pub use frame::Frame;
pub use slot::FrameSlot;
pub use source::{FileSource, FrameSource, SourceEvent};

use std::path::PathBuf;

/// Everything that can go wrong in vision, each naming the fix. None of these stops an interview: the
/// caller shows the message and carries on without cues.
#[derive(Debug, thiserror::Error)]
pub enum VisionError {
    #[error(transparent)]
    Onnx(#[from] copilot_onnx::OnnxError),
    #[error(transparent)]
    Models(#[from] copilot_models::ModelError),
    #[error("running {model}: {detail} (the model file may be corrupt: fetch it again)")]
    Inference { model: &'static str, detail: String },
    #[error(
        "{model} has outputs {found:?}, expected {expected} (use the model from `copilot models fetch`)"
    )]
    ModelShape {
        model: &'static str,
        found: Vec<String>,
        expected: &'static str,
    },
    #[error(
        "frame of {width}x{height} with {bytes} bytes is not 8-bit RGB ({expected} bytes expected)"
    )]
    BadFrame {
        width: u32,
        height: u32,
        bytes: usize,
        expected: usize,
    },
    #[error("frame {width}x{height} is too small to analyse (at least 32x32 pixels)")]
    FrameTooSmall { width: u32, height: u32 },
    #[error("cannot decode image {path}: {detail} (use PNG or JPEG)")]
    Decode { path: PathBuf, detail: String },
    #[error("cannot encode the preview image: {detail} (the preview is skipped; cues go on)")]
    Encode { detail: String },
    #[error("frame folder {path}: {detail}")]
    Folder { path: PathBuf, detail: String },
    #[error("no camera found ({detail}): connect a camera or continue without camera cues")]
    NoCamera { detail: String },
    #[error(
        "camera {index} cannot be opened ({detail}): check that no other app uses it and that camera access is allowed"
    )]
    CameraOpen { index: u32, detail: String },
}
