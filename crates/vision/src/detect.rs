//! RetinaFace mobilenet-0.25 face detection through ONNX Runtime.
//!
//! Pre-processing: the frame is scaled down (never up) so its long side is at most
//! [`DetectorConfig::max_side`], converted to BGR minus the means (104, 117, 123), NCHW, no scaling.
//! Post-processing: anchors ("priors") at steps 8/16/32 with sizes 16/32, 64/128, 256/512, box decoding
//! with variances 0.1 and 0.2, score > 0.6, then non-maximum suppression at IoU 0.4.

use std::path::Path;

use ndarray::Array4;
use ort::session::Session;
use ort::value::Tensor;
use serde::Serialize;

use crate::{Frame, VisionError};

const STEPS: [u32; 3] = [8, 16, 32];
const MIN_SIZES: [[f32; 2]; 3] = [[16.0, 32.0], [64.0, 128.0], [256.0, 512.0]];
const VARIANCES: [f32; 2] = [0.1, 0.2];
const MEAN_BGR: [f32; 3] = [104.0, 117.0, 123.0];

/// One detected face, in pixels of the original frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Face {
    /// x1, y1, x2, y2.
    pub bbox: [f32; 4],
    pub score: f32,
    /// Right eye, left eye, nose, right and left mouth corners (from the subject's view), x/y pairs.
    pub landmarks: [[f32; 2]; 5],
}

impl Face {
    pub fn width(&self) -> f32 {
        (self.bbox[2] - self.bbox[0]).max(0.0)
    }

    pub fn height(&self) -> f32 {
        (self.bbox[3] - self.bbox[1]).max(0.0)
    }

    /// How far the nose sits from the middle of the eyes, relative to the eye distance: about 0 when the
    /// face looks at the camera, towards +-1 when it turns away (a yaw proxy).
    pub fn turn(&self) -> f32 {
        let [re, le, nose, _, _] = self.landmarks;
        let eye_mid = (re[0] + le[0]) / 2.0;
        let eye_dist = (le[0] - re[0]).abs().max(1.0);
        ((nose[0] - eye_mid) / eye_dist * 2.0).clamp(-1.0, 1.0)
    }
}

/// Detector settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectorConfig {
    /// Frames larger than this on their long side are scaled down first.
    pub max_side: u32,
    pub score_threshold: f32,
    pub nms_iou: f32,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        DetectorConfig {
            max_side: 640,
            score_threshold: 0.6,
            nms_iou: 0.4,
        }
    }
}

/// RetinaFace on one ONNX Runtime session (one thread).
pub struct FaceDetector {
    session: Session,
    config: DetectorConfig,
}

impl FaceDetector {
    /// Load the model; `ort_lib` is the ONNX Runtime library from the model manager.
    pub fn new(
        model_path: &Path,
        ort_lib: &Path,
        config: DetectorConfig,
    ) -> Result<FaceDetector, VisionError> {
        let env = copilot_onnx::environment(ort_lib)?;
        let session = copilot_onnx::session(&env, model_path)?;
        let outputs: Vec<String> = session
            .outputs()
            .iter()
            .map(|o| o.name().to_string())
            .collect();
        if !["loc", "conf", "landms"]
            .iter()
            .all(|n| outputs.iter().any(|o| o == n))
        {
            return Err(VisionError::ModelShape {
                model: "retinaface",
                found: outputs,
                expected: "loc, conf, landms",
            });
        }
        Ok(FaceDetector { session, config })
    }

    /// With the models the model manager provisioned (`retinaface-mnet025`, `onnxruntime`).
    pub fn from_models_dir(dir: &copilot_models::ModelsDir) -> Result<FaceDetector, VisionError> {
        FaceDetector::new(
            &dir.locate("retinaface-mnet025")?,
            &dir.locate("onnxruntime")?,
            DetectorConfig::default(),
        )
    }

    pub fn config(&self) -> DetectorConfig {
        self.config
    }

    /// Faces in `frame`, best first.
    pub fn detect(&mut self, frame: &Frame) -> Result<Vec<Face>, VisionError> {
        if frame.width < 32 || frame.height < 32 {
            return Err(VisionError::FrameTooSmall {
                width: frame.width,
                height: frame.height,
            });
        }
        let expected = frame.width as usize * frame.height as usize * 3;
        if frame.rgb.len() != expected {
            return Err(VisionError::BadFrame {
                width: frame.width,
                height: frame.height,
                bytes: frame.rgb.len(),
                expected,
            });
        }
        let long = frame.width.max(frame.height);
        let scale = if long > self.config.max_side {
            self.config.max_side as f32 / long as f32
        } else {
            1.0
        };
        let (w, h, pixels) = if scale < 1.0 {
            let w = ((frame.width as f32 * scale).round() as u32).max(1);
            let h = ((frame.height as f32 * scale).round() as u32).max(1);
            let img = image::imageops::resize(
                &frame.to_image(),
                w,
                h,
                image::imageops::FilterType::Triangle,
            );
            (w, h, img.into_raw())
        } else {
            (frame.width, frame.height, frame.rgb.clone())
        };
        let input = to_input(&pixels, w, h);
        let infer = |e: ort::Error| VisionError::Inference {
            model: "retinaface",
            detail: e.to_string(),
        };
        let tensor = Tensor::from_array(input).map_err(infer)?;
        let outputs = self
            .session
            .run(ort::inputs!["input" => tensor])
            .map_err(infer)?;
        let (_, loc) = outputs["loc"].try_extract_tensor::<f32>().map_err(infer)?;
        let (_, conf) = outputs["conf"].try_extract_tensor::<f32>().map_err(infer)?;
        let (_, landms) = outputs["landms"]
            .try_extract_tensor::<f32>()
            .map_err(infer)?;
        let priors = priors(w, h);
        if loc.len() != priors.len() * 4 || conf.len() != priors.len() * 2 {
            return Err(VisionError::Inference {
                model: "retinaface",
                detail: format!(
                    "{} anchors from the model, {} expected for {w}x{h}",
                    conf.len() / 2,
                    priors.len()
                ),
            });
        }
        let faces = decode(
            &priors,
            loc,
            conf,
            landms,
            (w as f32, h as f32),
            scale,
            self.config,
        );
        Ok(faces)
    }
}

/// RGB bytes -> [1, 3, h, w] BGR minus means (planar, written with plain slices: fast in debug builds too).
fn to_input(rgb: &[u8], w: u32, h: u32) -> Array4<f32> {
    let (w, h) = (w as usize, h as usize);
    let plane = w * h;
    let mut data = vec![0.0f32; 3 * plane];
    let (blue, rest) = data.split_at_mut(plane);
    let (green, red) = rest.split_at_mut(plane);
    for (i, px) in rgb.chunks_exact(3).enumerate().take(plane) {
        blue[i] = f32::from(px[2]) - MEAN_BGR[0];
        green[i] = f32::from(px[1]) - MEAN_BGR[1];
        red[i] = f32::from(px[0]) - MEAN_BGR[2];
    }
    Array4::from_shape_vec((1, 3, h, w), data).unwrap_or_else(|_| Array4::zeros((1, 3, h, w)))
}

/// Anchors (cx, cy, w, h), relative to the input size, in the model's output order.
pub fn priors(w: u32, h: u32) -> Vec<[f32; 4]> {
    let mut out = Vec::new();
    for (k, &step) in STEPS.iter().enumerate() {
        let rows = h.div_ceil(step);
        let cols = w.div_ceil(step);
        for i in 0..rows {
            for j in 0..cols {
                for &min in &MIN_SIZES[k] {
                    out.push([
                        (j as f32 + 0.5) * step as f32 / w as f32,
                        (i as f32 + 0.5) * step as f32 / h as f32,
                        min / w as f32,
                        min / h as f32,
                    ]);
                }
            }
        }
    }
    out
}

fn decode(
    priors: &[[f32; 4]],
    loc: &[f32],
    conf: &[f32],
    landms: &[f32],
    (w, h): (f32, f32),
    scale: f32,
    config: DetectorConfig,
) -> Vec<Face> {
    let mut faces = Vec::new();
    for (a, p) in priors.iter().enumerate() {
        let score = conf[a * 2 + 1];
        if score <= config.score_threshold {
            continue;
        }
        let l = &loc[a * 4..a * 4 + 4];
        let cx = p[0] + l[0] * VARIANCES[0] * p[2];
        let cy = p[1] + l[1] * VARIANCES[0] * p[3];
        let bw = p[2] * (l[2] * VARIANCES[1]).exp();
        let bh = p[3] * (l[3] * VARIANCES[1]).exp();
        let to_px = |v: f32, size: f32| v * size / scale;
        let bbox = [
            to_px(cx - bw / 2.0, w),
            to_px(cy - bh / 2.0, h),
            to_px(cx + bw / 2.0, w),
            to_px(cy + bh / 2.0, h),
        ];
        let mut landmarks = [[0.0f32; 2]; 5];
        if landms.len() >= (a + 1) * 10 {
            for (k, lm) in landmarks.iter_mut().enumerate() {
                let dx = landms[a * 10 + 2 * k];
                let dy = landms[a * 10 + 2 * k + 1];
                *lm = [
                    to_px(p[0] + dx * VARIANCES[0] * p[2], w),
                    to_px(p[1] + dy * VARIANCES[0] * p[3], h),
                ];
            }
        }
        faces.push(Face {
            bbox,
            score,
            landmarks,
        });
    }
    nms(faces, config.nms_iou)
}

/// Intersection over union of two boxes.
pub fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = iw * ih;
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let union = area(a) + area(b) - inter;
    if union <= 0.0 { 0.0 } else { inter / union }
}

/// Greedy non-maximum suppression, best score first.
pub fn nms(mut faces: Vec<Face>, threshold: f32) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for f in faces {
        if kept.iter().all(|k| iou(&k.bbox, &f.bbox) <= threshold) {
            kept.push(f);
        }
    }
    kept
}
