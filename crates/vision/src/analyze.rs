//! One frame through the detector and, only when the caller's policy allows expression cues, the
//! expression model. With `expressions_allowed == false` the expression model is not called at all (the
//! EU profile: emotion inference at work is prohibited by EU AI Act art. 5(1)(f)).

use serde::Serialize;

use crate::cues::{ExpressionSignal, FaceSignal, Observation};
use crate::expression::face_input;
use crate::{EmotionModel, Expression, Face, FaceDetector, Frame, VisionError};

/// A detected face and, when allowed and computable, its expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceObservation {
    pub face: Face,
    pub expression: Option<Expression>,
}

/// Everything seen in one frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameAnalysis {
    pub time_ms: u64,
    pub width: u32,
    pub height: u32,
    pub mean_luma: f32,
    pub faces: Vec<FaceObservation>,
}

impl FrameAnalysis {
    /// The pure per-frame input of the cue tracker (the largest face is the candidate).
    pub fn observation(&self) -> Observation {
        let main = self.faces.iter().max_by(|a, b| {
            (a.face.width() * a.face.height()).total_cmp(&(b.face.width() * b.face.height()))
        });
        Observation {
            time_ms: self.time_ms,
            mean_luma: self.mean_luma,
            face: main.map(|f| FaceSignal {
                height_fraction: f.face.height() / self.height.max(1) as f32,
                turn: f.face.turn(),
                expression: f.expression.map(|e| ExpressionSignal {
                    negative: e.negative(),
                    happy: e.happy(),
                }),
            }),
        }
    }
}

/// Detector plus an optional expression model.
pub struct Analyzer {
    detector: FaceDetector,
    emotion: Option<Box<dyn EmotionModel>>,
}

impl Analyzer {
    pub fn new(detector: FaceDetector, emotion: Option<Box<dyn EmotionModel>>) -> Analyzer {
        Analyzer { detector, emotion }
    }

    /// Detect faces; classify their expressions only if `expressions_allowed` (checked per frame, so a
    /// consent withdrawal or a policy change takes effect on the next frame).
    pub fn analyze(
        &mut self,
        frame: &Frame,
        expressions_allowed: bool,
    ) -> Result<FrameAnalysis, VisionError> {
        let faces = self.detector.detect(frame)?;
        let mut observed = Vec::with_capacity(faces.len());
        for face in faces {
            let expression = match (&mut self.emotion, expressions_allowed) {
                (Some(model), true) => Some(model.classify(&face_input(frame, &face)?)?),
                _ => None,
            };
            observed.push(FaceObservation { face, expression });
        }
        Ok(FrameAnalysis {
            time_ms: frame.time_ms,
            width: frame.width,
            height: frame.height,
            mean_luma: frame.mean_luma(),
            faces: observed,
        })
    }
}
