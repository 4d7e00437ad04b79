//! Facial expression: the [`EmotionModel`] trait and the mini-Xception FER2013 classifier.
//!
//! The model is weak (FER2013 is small and noisy; on four labelled photos it got two or three right) and
//! smiles are the only reliable signal. Its output is a soft cue for the interviewer, never a score.
//!
//! Pre-processing: the face box squared around its centre and padded by 10 % on each side, clamped to
//! the frame, converted to gray (BT.601), resized to 64x64 (bilinear), scaled to `(x/255 - 0.5) * 2`.

use std::path::Path;

use ndarray::Array4;
use ort::session::Session;
use ort::value::Tensor;
use serde::Serialize;

use crate::{Face, Frame, VisionError};

/// The model's classes, in output order.
pub const EXPRESSION_LABELS: [&str; 7] = [
    "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral",
];

/// Side of the square gray input.
pub const INPUT_SIDE: u32 = 64;

/// Class probabilities for one face (sum 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Expression {
    pub probabilities: [f32; 7],
}

impl Expression {
    pub fn probability(&self, label: &str) -> f32 {
        EXPRESSION_LABELS
            .iter()
            .position(|l| *l == label)
            .map_or(0.0, |i| self.probabilities[i])
    }

    /// The most likely label and its probability.
    pub fn top(&self) -> (&'static str, f32) {
        let (i, p) = self
            .probabilities
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or((6, 0.0), |(i, p)| (i, *p));
        (EXPRESSION_LABELS[i], p)
    }

    /// angry + disgust + fear + sad: the "tension" signal the cues smooth.
    pub fn negative(&self) -> f32 {
        self.probabilities[0]
            + self.probabilities[1]
            + self.probabilities[2]
            + self.probabilities[4]
    }

    pub fn happy(&self) -> f32 {
        self.probabilities[3]
    }
}

/// Anything that turns a face crop into expression probabilities.
pub trait EmotionModel: Send {
    /// `input` is [`INPUT_SIDE`]² gray values already scaled to -1..1, row-major.
    fn classify(&mut self, input: &[f32]) -> Result<Expression, VisionError>;
}

/// The square, padded, gray 64x64 crop of `face`, scaled for the model.
pub fn face_input(frame: &Frame, face: &Face) -> Result<Vec<f32>, VisionError> {
    let cx = (face.bbox[0] + face.bbox[2]) / 2.0;
    let cy = (face.bbox[1] + face.bbox[3]) / 2.0;
    let side = face.width().max(face.height()) * 1.2;
    let x0 = (cx - side / 2.0).max(0.0).floor() as u32;
    let y0 = (cy - side / 2.0).max(0.0).floor() as u32;
    let x1 = ((cx + side / 2.0).ceil().max(0.0) as u32).min(frame.width);
    let y1 = ((cy + side / 2.0).ceil().max(0.0) as u32).min(frame.height);
    if x1 <= x0 + 1 || y1 <= y0 + 1 {
        return Err(VisionError::FrameTooSmall {
            width: x1.saturating_sub(x0),
            height: y1.saturating_sub(y0),
        });
    }
    let mut gray = image::GrayImage::new(x1 - x0, y1 - y0);
    for (x, y, px) in gray.enumerate_pixels_mut() {
        let [r, g, b] = frame.pixel(x0 + x, y0 + y);
        let l = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
        px.0 = [l.round().clamp(0.0, 255.0) as u8];
    }
    let small = image::imageops::resize(
        &gray,
        INPUT_SIDE,
        INPUT_SIDE,
        image::imageops::FilterType::Triangle,
    );
    Ok(small
        .into_raw()
        .into_iter()
        .map(|v| (f32::from(v) / 255.0 - 0.5) * 2.0)
        .collect())
}

/// mini-Xception (FER2013) on one ONNX Runtime session.
pub struct MiniXception {
    session: Session,
}

impl MiniXception {
    pub fn new(model_path: &Path, ort_lib: &Path) -> Result<MiniXception, VisionError> {
        let env = copilot_onnx::environment(ort_lib)?;
        let session = copilot_onnx::session(&env, model_path)?;
        let outputs: Vec<String> = session
            .outputs()
            .iter()
            .map(|o| o.name().to_string())
            .collect();
        if !outputs.iter().any(|o| o == "predictions") {
            return Err(VisionError::ModelShape {
                model: "mini-xception",
                found: outputs,
                expected: "predictions",
            });
        }
        Ok(MiniXception { session })
    }

    /// With the models the model manager provisioned (`fer-mini-xception`, `onnxruntime`).
    pub fn from_models_dir(dir: &copilot_models::ModelsDir) -> Result<MiniXception, VisionError> {
        MiniXception::new(
            &dir.locate("fer-mini-xception")?,
            &dir.locate("onnxruntime")?,
        )
    }
}

impl EmotionModel for MiniXception {
    fn classify(&mut self, input: &[f32]) -> Result<Expression, VisionError> {
        let side = INPUT_SIDE as usize;
        let infer = |detail: String| VisionError::Inference {
            model: "mini-xception",
            detail,
        };
        let array = Array4::from_shape_vec((1, side, side, 1), input.to_vec()).map_err(|e| {
            infer(
                format!("input of {} values, expected {}", input.len(), side * side)
                    + &format!(" ({e})"),
            )
        })?;
        let tensor = Tensor::from_array(array).map_err(|e| infer(e.to_string()))?;
        let outputs = self
            .session
            .run(ort::inputs!["input" => tensor])
            .map_err(|e| infer(e.to_string()))?;
        let (_, probs) = outputs["predictions"]
            .try_extract_tensor::<f32>()
            .map_err(|e| infer(e.to_string()))?;
        let probabilities: [f32; 7] = probs
            .get(..7)
            .and_then(|p| p.try_into().ok())
            .ok_or_else(|| infer(format!("{} outputs, expected 7", probs.len())))?;
        Ok(Expression { probabilities })
    }
}
