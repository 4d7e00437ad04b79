//! The `python-onnx` conversion: `convert/vision_onnx.py` run in a venv the manager creates with the pinned
//! packages of `convert/requirements.txt` (onnx, numpy, h5py and their dependencies, wheels only, from PyPI).
//!
//! Both files are compiled into the binary and written next to the venv, so an installed app converts the
//! same way as a checkout. The venv lives in `<models dir>/convert-venv` and is reused while the pinned
//! requirements are unchanged (a marker file holds their sha256).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{ModelError, ModelsDir, Progress};

/// The converter script (see its docstring for the formats and the network it rebuilds).
pub const VISION_SCRIPT: &str = include_str!("../convert/vision_onnx.py");
/// The full pinned closure of Python packages the script needs.
pub const REQUIREMENTS: &str = include_str!("../convert/requirements.txt");

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn python_error(step: &str, output: &std::process::Output) -> ModelError {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = last[last.len().saturating_sub(3)..].join(" | ");
    ModelError::Convert(format!("{step} failed: {tail}"))
}

/// Create (or reuse) the converter venv; returns its python.
pub fn ensure_venv(
    dir: &ModelsDir,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PathBuf, ModelError> {
    let venv = dir.root().join("convert-venv");
    let marker = venv.join("copilot-requirements.sha256");
    let want = hex::encode(Sha256::digest(REQUIREMENTS.as_bytes()));
    let python = venv_python(&venv);
    if python.is_file() && fs::read_to_string(&marker).is_ok_and(|m| m.trim() == want) {
        return Ok(python);
    }
    progress(&Progress::Downloading {
        package: "converter venv (onnx, numpy, h5py)".to_string(),
    });
    if venv.exists() {
        fs::remove_dir_all(&venv)
            .map_err(ModelError::io(format!("removing {}", venv.display())))?;
    }
    let output = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .map_err(|e| {
            ModelError::Convert(format!(
                "cannot run python3 ({e}): install Python 3 with the venv module"
            ))
        })?;
    if !output.status.success() {
        return Err(python_error(
            "`python3 -m venv` (install python3-venv)",
            &output,
        ));
    }
    let requirements = venv.join("requirements.txt");
    fs::write(&requirements, REQUIREMENTS).map_err(ModelError::io(format!(
        "writing {}",
        requirements.display()
    )))?;
    let output = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            "--no-deps",
            "-r",
        ])
        .arg(&requirements)
        .output()
        .map_err(|e| ModelError::Convert(format!("cannot run {} ({e})", python.display())))?;
    if !output.status.success() {
        return Err(ModelError::Download {
            package: "onnx, numpy, h5py (converter venv)".to_string(),
            detail: python_error("pip install", &output).to_string(),
        });
    }
    fs::write(&marker, &want).map_err(ModelError::io(format!("writing {}", marker.display())))?;
    Ok(python)
}

/// Run `vision_onnx.py <converter> <inputs...> <out>` in the converter venv.
pub fn convert(
    dir: &ModelsDir,
    converter: &str,
    inputs: &[PathBuf],
    out: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), ModelError> {
    let python = ensure_venv(dir, progress)?;
    let script = dir.root().join("convert-venv").join("vision_onnx.py");
    fs::write(&script, VISION_SCRIPT)
        .map_err(ModelError::io(format!("writing {}", script.display())))?;
    progress(&Progress::Converting { done: 0, total: 1 });
    let output = Command::new(&python)
        .arg(&script)
        .arg(converter)
        .args(inputs)
        .arg(out)
        .output()
        .map_err(|e| ModelError::Convert(format!("cannot run {} ({e})", python.display())))?;
    if !output.status.success() {
        return Err(python_error(
            &format!("vision_onnx.py {converter}"),
            &output,
        ));
    }
    progress(&Progress::Converting { done: 1, total: 1 });
    Ok(())
}
