//! The one ONNX Runtime environment of the process.
//!
//! `ort` allows only one environment per process (a second `build()` fails, even after the first is
//! dropped), and with `load-dynamic` it panics when no library was loaded. Every crate that runs an ONNX
//! model (speech's Silero VAD, vision's face and expression models) gets its environment here: the library
//! path is checked first, loaded once, and every later call returns the same environment.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use ort::environment::Environment;
use ort::session::Session;

/// Loading ONNX Runtime or a model failed.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    #[error(
        "ONNX Runtime library {path} is missing: run `copilot models fetch onnxruntime` (or set COPILOT_ORT_LIB)"
    )]
    LibraryMissing { path: PathBuf },
    #[error(
        "ONNX Runtime library {path} cannot be loaded ({detail}): delete it and run `copilot models fetch onnxruntime`"
    )]
    Library { path: PathBuf, detail: String },
    #[error("model {path} is missing: run `copilot models fetch` for it")]
    ModelMissing { path: PathBuf },
    #[error(
        "model {path} cannot be loaded by ONNX Runtime ({detail}): it is corrupt; delete it and fetch it again"
    )]
    Model { path: PathBuf, detail: String },
}

static ENVIRONMENT: OnceLock<Environment> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());

/// Load ONNX Runtime from `lib_path` once per process and return the shared environment.
pub fn environment(lib_path: &Path) -> Result<Environment, OnnxError> {
    if !lib_path.is_file() {
        return Err(OnnxError::LibraryMissing {
            path: lib_path.to_path_buf(),
        });
    }
    let _guard = INIT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(env) = ENVIRONMENT.get() {
        return Ok(env.clone());
    }
    let library = |e: &dyn std::fmt::Display| OnnxError::Library {
        path: lib_path.to_path_buf(),
        detail: e.to_string(),
    };
    let env = ort::init_from(lib_path)
        .map_err(|e| library(&e))?
        .with_name("copilot")
        .build()
        .map_err(|e| library(&e))?;
    let _ = ENVIRONMENT.set(env.clone());
    Ok(env)
}

/// A session on one intra-op and one inter-op thread (the app shares two cores with speech).
pub fn session(env: &Environment, model_path: &Path) -> Result<Session, OnnxError> {
    if !model_path.is_file() {
        return Err(OnnxError::ModelMissing {
            path: model_path.to_path_buf(),
        });
    }
    let model = |e: &dyn std::fmt::Display| OnnxError::Model {
        path: model_path.to_path_buf(),
        detail: e.to_string(),
    };
    Session::builder(env)
        .map_err(|e| model(&e))?
        .with_intra_threads(1)
        .map_err(|e| model(&e))?
        .with_inter_threads(1)
        .map_err(|e| model(&e))?
        .commit_from_file(model_path)
        .map_err(|e| model(&e))
}
