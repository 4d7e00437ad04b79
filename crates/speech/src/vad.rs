//! Silero VAD v5/v6 through ONNX Runtime (`ort`, loaded dynamically from the model manager's library).

use std::path::Path;

use ndarray::{Array1, Array2, Array3};
use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;

use crate::SpeechError;

/// Samples per VAD window at 16 kHz (32 ms), plus the 64 samples of context the model expects before it.
pub const VAD_WINDOW: usize = 512;
const CONTEXT: usize = 64;

/// Scores 32 ms windows of 16 kHz audio with the probability that they hold speech.
pub trait VoiceDetector: Send {
    /// Probability of speech in the next [`VAD_WINDOW`] samples of one stream.
    fn speech_probability(&mut self, window: &[f32]) -> Result<f32, SpeechError>;
    /// Forget the recurrent state (start of a new stream).
    fn reset(&mut self);
    /// An independent detector for another channel.
    fn fresh(&self) -> Result<Box<dyn VoiceDetector>, SpeechError>;
}

/// Load ONNX Runtime from `lib_path` once per process (the path is checked first: a missing library is an
/// error, never a panic). The environment is shared with every other ONNX user through `copilot-onnx`
/// (`ort` allows only one per process).
pub fn init_onnx_runtime(lib_path: &Path) -> Result<Environment, SpeechError> {
    copilot_onnx::environment(lib_path).map_err(|e| match e {
        copilot_onnx::OnnxError::LibraryMissing { path } => {
            SpeechError::OnnxRuntimeMissing { path }
        }
        other => SpeechError::OnnxRuntime {
            detail: other.to_string(),
            path: lib_path.to_path_buf(),
        },
    })
}

fn open_session(env: &Environment, model_path: &Path) -> Result<Session, SpeechError> {
    Session::builder(env)
        .map_err(|e| SpeechError::Vad(e.to_string()))?
        .with_intra_threads(1)
        .map_err(|e| SpeechError::Vad(e.to_string()))?
        .with_inter_threads(1)
        .map_err(|e| SpeechError::Vad(e.to_string()))?
        .commit_from_file(model_path)
        .map_err(|e| SpeechError::Vad(format!("loading {}: {e}", model_path.display())))
}

/// Silero VAD session with its own recurrent state.
pub struct SileroVad {
    session: Session,
    env: Environment,
    model_path: std::path::PathBuf,
    state: Array3<f32>,
    context: Vec<f32>,
}

impl SileroVad {
    /// Load the model; `ort_lib` is the ONNX Runtime shared library (see `copilot_models::ensure("onnxruntime")`).
    pub fn new(model_path: &Path, ort_lib: &Path) -> Result<SileroVad, SpeechError> {
        if !model_path.is_file() {
            return Err(SpeechError::ModelMissing {
                path: model_path.to_path_buf(),
                name: "silero-vad".into(),
            });
        }
        let env = init_onnx_runtime(ort_lib)?;
        let session = open_session(&env, model_path)?;
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for expected in ["input", "state", "sr"] {
            if !names.contains(&expected) {
                return Err(SpeechError::Vad(format!(
                    "{} has inputs {names:?}, expected input/state/sr (use silero_vad.onnx v5 or v6)",
                    model_path.display()
                )));
            }
        }
        Ok(SileroVad {
            session,
            env,
            model_path: model_path.to_path_buf(),
            state: Array3::zeros((2, 1, 128)),
            context: vec![0.0; CONTEXT],
        })
    }
}

impl VoiceDetector for SileroVad {
    fn speech_probability(&mut self, window: &[f32]) -> Result<f32, SpeechError> {
        if window.len() != VAD_WINDOW {
            return Err(SpeechError::Vad(format!(
                "window of {} samples, expected {VAD_WINDOW}",
                window.len()
            )));
        }
        let mut input = Vec::with_capacity(CONTEXT + VAD_WINDOW);
        input.extend_from_slice(&self.context);
        input.extend_from_slice(window);
        self.context
            .copy_from_slice(&window[VAD_WINDOW - CONTEXT..]);
        let e = |e: ort::Error| SpeechError::Vad(e.to_string());
        let input = Tensor::from_array(
            Array2::from_shape_vec((1, CONTEXT + VAD_WINDOW), input)
                .map_err(|e| SpeechError::Vad(e.to_string()))?,
        )
        .map_err(e)?;
        let state = Tensor::from_array(self.state.clone()).map_err(e)?;
        let sr = Tensor::from_array(Array1::from_vec(vec![16_000i64])).map_err(e)?;
        let outputs = self
            .session
            .run(ort::inputs!["input" => input, "state" => state, "sr" => sr])
            .map_err(e)?;
        let (_, prob) = outputs["output"].try_extract_tensor::<f32>().map_err(e)?;
        let p = prob.first().copied().unwrap_or(0.0);
        let (_, new_state) = outputs["stateN"].try_extract_tensor::<f32>().map_err(e)?;
        if new_state.len() == self.state.len() {
            for (dst, src) in self.state.iter_mut().zip(new_state) {
                *dst = *src;
            }
        }
        Ok(p)
    }

    fn reset(&mut self) {
        self.state.fill(0.0);
        self.context.fill(0.0);
    }

    fn fresh(&self) -> Result<Box<dyn VoiceDetector>, SpeechError> {
        let session = open_session(&self.env, &self.model_path)?;
        Ok(Box::new(SileroVad {
            session,
            env: self.env.clone(),
            model_path: self.model_path.clone(),
            state: Array3::zeros((2, 1, 128)),
            context: vec![0.0; CONTEXT],
        }))
    }
}
