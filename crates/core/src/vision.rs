//! Camera cues for a running interview: frames from a [`VideoInput`] (a folder of images, or a
//! camera) through the face detector and, only when the policy and the candidate's consent allow
//! it, the expression model; per-frame observations become smoothed cues and face boxes for the
//! preview, streamed to a callback as [`VisionEvent`]s.
//!
//! The [`ConsentGate`] is asked before every frame: a withdrawal stops that purpose before the
//! next frame is analysed. Presence cues need the face detector, so withdrawing them ends the
//! camera; withdrawing expression cues ends the expression cues and the expression model is not
//! called again. When expression cues are not allowed at the start (always under the EU profile)
//! the expression model is not even loaded.
//!
//! Architecture Invariant: cues go only to the callback (the interviewer's screen). Nothing here
//! touches the interview session, its ratings, scores or report; frames are never stored.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use copilot_consent::{Denial, Purpose};
use copilot_models::{ModelsDir, ensure};
use copilot_vision::cues::{Cue, CueConfig, CueEvent, CueTracker};
use copilot_vision::detect::{DetectorConfig, FaceDetector};
use copilot_vision::expression::MiniXception;
use copilot_vision::source::load_frame;
use copilot_vision::{
    Analyzer, EXPRESSION_LABELS, EmotionModel, FileSource, Frame, FrameSlot, FrameSource,
    SourceEvent, VisionError,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::consent::consent_error;
use crate::{ConsentGate, Copilot, CoreError, ErrorCode, StopSignal};

impl From<VisionError> for CoreError {
    fn from(error: VisionError) -> Self {
        CoreError::new(ErrorCode::Vision, error.to_string())
    }
}

fn models_error(error: copilot_models::ModelError) -> CoreError {
    CoreError::new(ErrorCode::Vision, error.to_string())
}

/// Where frames come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VideoInput {
    /// PNG/JPEG frames of a folder in name order, stamped at `fps`; read as fast as analysis
    /// allows (tests), or at `fps` in real time, and from the start again until stopped when
    /// `repeat` (a replay or demo in the window).
    Folder {
        path: String,
        fps: f64,
        #[serde(default)]
        realtime: bool,
        #[serde(default)]
        repeat: bool,
    },
    /// A camera (index as the system lists them), 640x480 at 15 fps or the closest it offers.
    Camera { index: u32 },
}

/// A camera the system lists, for the camera picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CameraInfo {
    pub index: u32,
    pub name: String,
    pub description: String,
}

/// The cameras of this machine; empty when there is none (the window says "no camera found").
pub fn camera_devices() -> Result<Vec<CameraInfo>, CoreError> {
    match copilot_vision::camera::list_devices() {
        Ok(list) => Ok(list
            .into_iter()
            .map(|d| CameraInfo {
                index: d.index,
                name: d.name,
                description: d.description,
            })
            .collect()),
        Err(VisionError::NoCamera { .. }) => Ok(Vec::new()),
        Err(error) => Err(error.into()),
    }
}

/// The longer side of the preview image sent to the window, in pixels.
pub const PREVIEW_MAX_SIDE: u32 = 320;
/// At most this many preview images per second reach the window (the boxes come with every frame).
pub const PREVIEW_FPS: u32 = 4;

/// A face for the preview (pixels of the frame; nothing is stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FaceBox {
    /// x1, y1, x2, y2.
    pub bbox: [f32; 4],
    pub score: f32,
}

/// A smoothed cue: shown to the interviewer only, never scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CueInfo {
    /// `face_absent`, `turned_away`, `tension`, `ease`, `too_dark`, `face_too_small`.
    pub kind: String,
    #[ts(type = "number")]
    pub start_ms: u64,
    #[ts(type = "number")]
    pub end_ms: u64,
    pub confidence: f32,
    /// From the (weak) expression model: a soft hint only.
    pub from_expression: bool,
}

impl From<&Cue> for CueInfo {
    fn from(cue: &Cue) -> Self {
        CueInfo {
            kind: cue.kind.name().to_string(),
            start_ms: cue.start_ms,
            end_ms: cue.end_ms,
            confidence: cue.confidence,
            from_expression: cue.kind.is_expression(),
        }
    }
}

/// What the camera loop reports, in order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisionEvent {
    /// Analysis began; which cues may be shown.
    Started {
        source: String,
        presence: bool,
        expression: bool,
    },
    /// The faces of one analysed frame, for the preview box (`bbox` in the frame's pixels).
    Preview {
        #[ts(type = "number")]
        time_ms: u64,
        width: u32,
        height: u32,
        faces: Vec<FaceBox>,
        /// A downscaled JPEG of the frame as a `data:` URL, at most [`PREVIEW_FPS`] a second;
        /// shown, never stored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        image: Option<String>,
    },
    CueStarted {
        cue: CueInfo,
    },
    CueEnded {
        cue: CueInfo,
    },
    /// A purpose stopped because its consent was withdrawn (or the policy changed).
    PurposeStopped {
        purpose: Purpose,
        denial: Denial,
    },
    /// Something to show that does not stop the interview (a bad frame, a lost camera).
    Warning {
        message: String,
    },
    /// The loop ended (`reason` says why when it was not asked to stop or the source ended).
    Stopped {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        reason: Option<String>,
    },
}

/// What a camera run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct VisionTotals {
    /// Frames analysed.
    #[ts(type = "number")]
    pub frames: u64,
    /// Frames the latest-wins slot replaced before analysis (camera only).
    #[ts(type = "number")]
    pub skipped_frames: u64,
    /// Frames that could not be decoded or analysed.
    #[ts(type = "number")]
    pub bad_frames: u64,
    /// Frames on which the expression model ran.
    #[ts(type = "number")]
    pub expression_frames: u64,
    /// The expression model was loaded at all.
    pub expression_model_loaded: bool,
    /// Mean analysis time per frame, milliseconds.
    pub mean_frame_ms: f64,
}

/// One face of [`Copilot::detect_image`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectedFace {
    pub bbox: [f32; 4],
    pub score: f32,
    /// Expression probabilities by label, when expressions ran.
    pub expression: Option<Vec<(String, f32)>>,
    /// The most likely expression label, when expressions ran.
    pub top_expression: Option<String>,
}

/// The result of [`Copilot::detect_image`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageDetection {
    pub width: u32,
    pub height: u32,
    pub faces: Vec<DetectedFace>,
    /// Why expressions did not run, when they were asked for but not allowed.
    pub expressions_withheld: Option<String>,
}

/// The models folder the app and the CLI use (`COPILOT_MODELS_DIR`, else the development cache).
pub fn vision_models_dir() -> ModelsDir {
    ModelsDir::resolve()
}

fn load_detector(dir: &ModelsDir) -> Result<FaceDetector, CoreError> {
    let mut quiet = |_: &copilot_models::Progress| {};
    let ort = ensure("onnxruntime", dir, &mut quiet).map_err(models_error)?;
    let model = ensure("retinaface-mnet025", dir, &mut quiet).map_err(models_error)?;
    Ok(FaceDetector::new(&model, &ort, DetectorConfig::default())?)
}

fn load_emotion(dir: &ModelsDir) -> Result<MiniXception, CoreError> {
    let mut quiet = |_: &copilot_models::Progress| {};
    let ort = ensure("onnxruntime", dir, &mut quiet).map_err(models_error)?;
    let model = ensure("fer-mini-xception", dir, &mut quiet).map_err(models_error)?;
    Ok(MiniXception::new(&model, &ort)?)
}

/// Frames from a folder (read in the loop) or a camera (its own thread, latest-wins slot).
enum Frames {
    Folder(FileSource),
    Camera {
        slot: Arc<FrameSlot>,
        notes: Receiver<String>,
        describe: String,
        thread: Option<std::thread::JoinHandle<()>>,
        stop: StopSignal,
    },
}

enum Next {
    Frame(Frame),
    Bad(String),
    Idle,
    End(Option<String>),
}

impl Frames {
    fn open(input: &VideoInput) -> Result<Frames, CoreError> {
        match input {
            VideoInput::Folder {
                path, fps, repeat, ..
            } => {
                let source = FileSource::open(Path::new(path), *fps)?;
                Ok(Frames::Folder(if *repeat {
                    source.repeating()
                } else {
                    source
                }))
            }
            VideoInput::Camera { index } => open_camera(*index),
        }
    }

    fn describe(&self) -> String {
        match self {
            Frames::Folder(source) => source.describe(),
            Frames::Camera { describe, .. } => describe.clone(),
        }
    }

    fn next(&mut self) -> Next {
        match self {
            Frames::Folder(source) => match source.next_event() {
                SourceEvent::Frame(frame) => Next::Frame(frame),
                SourceEvent::BadFrame { detail } => Next::Bad(detail),
                SourceEvent::End => Next::End(None),
                SourceEvent::PermissionDenied { detail } | SourceEvent::DeviceLost { detail } => {
                    Next::End(Some(detail))
                }
            },
            Frames::Camera { slot, notes, .. } => {
                if let Ok(note) = notes.try_recv() {
                    return Next::Bad(note);
                }
                match slot.take(Duration::from_millis(200)) {
                    Some(frame) => Next::Frame(frame),
                    None => match notes.try_recv() {
                        Ok(note) => Next::End(Some(note)),
                        Err(std::sync::mpsc::TryRecvError::Disconnected) => Next::End(None),
                        Err(std::sync::mpsc::TryRecvError::Empty) => Next::Idle,
                    },
                }
            }
        }
    }

    fn skipped(&self) -> u64 {
        match self {
            Frames::Folder(_) => 0,
            Frames::Camera { slot, .. } => slot.skipped(),
        }
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        if let Frames::Camera {
            stop, thread, slot, ..
        } = self
        {
            stop.stop();
            slot.close();
            if let Some(thread) = thread.take() {
                let _ = thread.join();
            }
        }
    }
}

fn open_camera(index: u32) -> Result<Frames, CoreError> {
    use copilot_vision::camera::{CameraRequest, CameraSource};
    let slot = Arc::new(FrameSlot::new());
    let (note_tx, notes): (SyncSender<String>, Receiver<String>) = sync_channel(16);
    let (opened_tx, opened) = sync_channel::<Result<String, CoreError>>(1);
    let stop = StopSignal::new();
    let (thread_slot, thread_stop) = (slot.clone(), stop.clone());
    let thread = std::thread::Builder::new()
        .name("camera".into())
        .spawn(move || {
            // Platform camera handles stay on the thread that opened them.
            let mut source = match CameraSource::open(index, CameraRequest::default()) {
                Ok(source) => {
                    let _ = opened_tx.send(Ok(source.describe()));
                    source
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e.into()));
                    return;
                }
            };
            while !thread_stop.is_stopped() {
                match source.next_event() {
                    SourceEvent::Frame(frame) => thread_slot.put(frame),
                    SourceEvent::BadFrame { detail } => {
                        let _ = note_tx.try_send(detail);
                    }
                    SourceEvent::PermissionDenied { detail }
                    | SourceEvent::DeviceLost { detail } => {
                        let _ = note_tx.try_send(detail);
                        break;
                    }
                    SourceEvent::End => break,
                }
            }
            thread_slot.close();
        })
        .map_err(|e| {
            CoreError::new(
                ErrorCode::Internal,
                format!("cannot start the camera thread: {e}"),
            )
        })?;
    let describe = opened.recv().map_err(|_| {
        CoreError::new(
            ErrorCode::Vision,
            format!("camera {index} stopped while opening: continue without camera cues"),
        )
    })??;
    Ok(Frames::Camera {
        slot,
        notes,
        describe,
        thread: Some(thread),
        stop,
    })
}

/// `bytes` as standard base64 with padding (RFC 4648).
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The frame as a small JPEG `data:` URL for the preview.
pub fn preview_data_url(frame: &Frame) -> Result<String, CoreError> {
    let (_, _, jpeg) = frame.preview_jpeg(PREVIEW_MAX_SIDE, 70)?;
    Ok(format!("data:image/jpeg;base64,{}", base64(&jpeg)))
}

fn emit_cues(events: Vec<CueEvent>, on_event: &mut dyn FnMut(VisionEvent)) {
    for event in events {
        on_event(match &event {
            CueEvent::Started(cue) => VisionEvent::CueStarted { cue: cue.into() },
            CueEvent::Ended(cue) => VisionEvent::CueEnded { cue: cue.into() },
        });
    }
}

impl Copilot {
    /// Runs `input` through face detection (and expressions when allowed) for the interview whose
    /// consent `gate` holds, until the source ends, `stop` is raised or presence cues may no
    /// longer run. Blocking: call it from a worker thread. Needs consent for presence cues.
    pub fn watch_video(
        &self,
        gate: &ConsentGate,
        input: &VideoInput,
        stop: &StopSignal,
        on_event: &mut (dyn FnMut(VisionEvent) + Send),
    ) -> Result<VisionTotals, CoreError> {
        watch_video(gate, input, &vision_models_dir(), stop, on_event)
    }

    /// Faces (and, unless `expressions` is false or the policy forbids them, expressions) in one
    /// image file: a check of the models, not of a candidate.
    pub async fn detect_image(
        &self,
        image: &Path,
        expressions: bool,
    ) -> Result<ImageDetection, CoreError> {
        let policy = self.policy().await?;
        let withheld = (expressions && !policy.expression_cues_permitted).then(|| {
            format!(
                "expressions withheld: the {} policy profile prohibits emotion inference ({})",
                policy.profile.as_str(),
                policy.legal_basis.en
            )
        });
        let run_expressions = expressions && withheld.is_none();
        let image = image.to_path_buf();
        let mut detection = tokio::task::spawn_blocking(move || {
            detect_file(&image, &vision_models_dir(), run_expressions)
        })
        .await
        .map_err(|e| CoreError::new(ErrorCode::Internal, e.to_string()))??;
        detection.expressions_withheld = withheld;
        Ok(detection)
    }
}

fn detect_file(
    image: &Path,
    dir: &ModelsDir,
    expressions: bool,
) -> Result<ImageDetection, CoreError> {
    let frame = load_frame(image, 0, 0)?;
    let detector = load_detector(dir)?;
    let emotion: Option<Box<dyn EmotionModel>> = if expressions {
        Some(Box::new(load_emotion(dir)?))
    } else {
        None
    };
    let analysis = Analyzer::new(detector, emotion).analyze(&frame, expressions)?;
    Ok(ImageDetection {
        width: analysis.width,
        height: analysis.height,
        faces: analysis
            .faces
            .iter()
            .map(|f| DetectedFace {
                bbox: f.face.bbox,
                score: f.face.score,
                expression: f.expression.map(|e| {
                    EXPRESSION_LABELS
                        .iter()
                        .zip(e.probabilities)
                        .map(|(l, p)| (l.to_string(), p))
                        .collect()
                }),
                top_expression: f.expression.map(|e| e.top().0.to_string()),
            })
            .collect(),
        expressions_withheld: None,
    })
}

/// The camera loop (see [`Copilot::watch_video`]); `models` names the models folder.
pub fn watch_video(
    gate: &ConsentGate,
    input: &VideoInput,
    models: &ModelsDir,
    stop: &StopSignal,
    on_event: &mut (dyn FnMut(VisionEvent) + Send),
) -> Result<VisionTotals, CoreError> {
    let start = gate.cue_allowance();
    if !start.presence {
        let denial = gate
            .status(Purpose::PresenceCues)
            .denial
            .unwrap_or(Denial::NoConsent);
        return Err(consent_error(
            gate.interview_id(),
            Purpose::PresenceCues,
            denial,
        ));
    }
    let detector = load_detector(models)?;
    // Not allowed now (always under the EU profile): the expression model is never loaded.
    let emotion: Option<Box<dyn EmotionModel>> = if start.expression {
        Some(Box::new(load_emotion(models)?))
    } else {
        None
    };
    let mut totals = VisionTotals {
        expression_model_loaded: emotion.is_some(),
        ..VisionTotals::default()
    };
    let mut analyzer = Analyzer::new(detector, emotion);
    let mut frames = Frames::open(input)?;
    let mut expression_on = start.expression;
    let mut tracker = CueTracker::new(CueConfig {
        expression_cues: expression_on,
        ..CueConfig::default()
    });
    on_event(VisionEvent::Started {
        source: frames.describe(),
        presence: true,
        expression: expression_on,
    });
    let mut busy = Duration::ZERO;
    let realtime = matches!(input, VideoInput::Folder { realtime: true, .. });
    let began_at = Instant::now();
    let mut last_image: Option<Instant> = None;
    let image_every = Duration::from_millis(1000 / u64::from(PREVIEW_FPS));
    let reason = loop {
        if stop.is_stopped() {
            break None;
        }
        let frame = match frames.next() {
            Next::Frame(frame) => frame,
            Next::Idle => continue,
            Next::Bad(message) => {
                totals.bad_frames += 1;
                on_event(VisionEvent::Warning { message });
                continue;
            }
            Next::End(reason) => break reason,
        };
        if realtime && !wait_until(began_at + Duration::from_millis(frame.time_ms), stop) {
            break None;
        }
        // Consent is checked before every frame: a withdrawal holds from this frame on.
        let allowance = gate.cue_allowance();
        if !allowance.presence {
            let denial = gate
                .status(Purpose::PresenceCues)
                .denial
                .unwrap_or(Denial::Withdrawn);
            on_event(VisionEvent::PurposeStopped {
                purpose: Purpose::PresenceCues,
                denial,
            });
            break Some(consent_error(gate.interview_id(), Purpose::PresenceCues, denial).message);
        }
        if expression_on && !allowance.expression {
            expression_on = false;
            emit_cues(tracker.set_expression_cues(false), on_event);
            on_event(VisionEvent::PurposeStopped {
                purpose: Purpose::ExpressionCues,
                denial: gate
                    .status(Purpose::ExpressionCues)
                    .denial
                    .unwrap_or(Denial::Withdrawn),
            });
        }
        let began = Instant::now();
        let analysis = match analyzer.analyze(&frame, expression_on) {
            Ok(analysis) => analysis,
            Err(error) => {
                totals.bad_frames += 1;
                on_event(VisionEvent::Warning {
                    message: error.to_string(),
                });
                continue;
            }
        };
        busy += began.elapsed();
        totals.frames += 1;
        if analysis.faces.iter().any(|f| f.expression.is_some()) {
            totals.expression_frames += 1;
        }
        let image = if last_image.is_none_or(|at| at.elapsed() >= image_every) {
            last_image = Some(Instant::now());
            match preview_data_url(&frame) {
                Ok(url) => Some(url),
                Err(error) => {
                    on_event(VisionEvent::Warning {
                        message: error.message,
                    });
                    None
                }
            }
        } else {
            None
        };
        on_event(VisionEvent::Preview {
            time_ms: analysis.time_ms,
            width: analysis.width,
            height: analysis.height,
            image,
            faces: analysis
                .faces
                .iter()
                .map(|f| FaceBox {
                    bbox: f.face.bbox,
                    score: f.face.score,
                })
                .collect(),
        });
        emit_cues(tracker.push(analysis.observation()), on_event);
    };
    emit_cues(tracker.finish(), on_event);
    totals.skipped_frames = frames.skipped();
    if totals.frames > 0 {
        totals.mean_frame_ms = busy.as_secs_f64() * 1000.0 / totals.frames as f64;
    }
    on_event(VisionEvent::Stopped { reason });
    Ok(totals)
}

/// Sleeps until `at` in short steps; `false` when `stop` was raised first.
fn wait_until(at: Instant, stop: &StopSignal) -> bool {
    loop {
        if stop.is_stopped() {
            return false;
        }
        let now = Instant::now();
        if now >= at {
            return true;
        }
        std::thread::sleep((at - now).min(Duration::from_millis(50)));
    }
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
        assert_eq!(base64(&[0xFF, 0xD8, 0xFF]), "/9j/");
    }
}
