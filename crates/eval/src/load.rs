//! Reading a folder in the fixtures' format: `jobs/*.json`, `sessions/*.json` and, optionally,
//! `audio/<session>/timing.json` beside its recording. Every problem names its file and the fix;
//! all problems of a folder are reported together, none is skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use copilot_domain::JobDefinition;

use crate::fixture::{AudioTiming, Interview, Role};

/// Why a folder cannot be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(
        "{path} is not a folder: pass a folder holding jobs/ and sessions/ (the format of tests/fixtures/interviews/README.md)"
    )]
    NotAFolder { path: PathBuf },
    #[error(
        "{path} is missing: put the competency models in jobs/<job_id>.json and the labelled interviews in sessions/<session_id>.json"
    )]
    MissingSubfolder { path: PathBuf },
    #[error("{path} holds no .json files: add at least one {what}")]
    Empty { path: PathBuf, what: &'static str },
    #[error("cannot read {path}: {source}; check the path and permissions")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid {what}: {source}; fix the file (format: {schema})")]
    Json {
        path: PathBuf,
        what: &'static str,
        schema: &'static str,
        source: serde_json::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{path}: job_id {job_id:?} has no job in {jobs_dir}: add {jobs_dir}/{job_id}.json or fix job_id (known jobs: {known})"
    )]
    UnknownJob {
        path: PathBuf,
        job_id: String,
        jobs_dir: String,
        known: String,
    },
    #[error("{} problems in the folder:\n  - {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  - "))]
    Many(Vec<EvalError>),
}

/// A labelled interview and the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedInterview {
    pub path: PathBuf,
    pub interview: Interview,
}

/// The recording of an interview and where its turns sit in it.
#[derive(Debug, Clone)]
pub struct AudioFixture {
    pub wav: PathBuf,
    pub timing: AudioTiming,
}

/// A whole evaluation folder, checked.
#[derive(Debug, Clone)]
pub struct Folder {
    pub root: PathBuf,
    /// By job id (the id inside the file).
    pub jobs: BTreeMap<String, JobDefinition>,
    /// By file name.
    pub interviews: Vec<LoadedInterview>,
}

const JOB_FORMAT: &str = "interview-copilot/job@1";
const SESSION_FORMAT: &str = "interview-copilot/scripted-interview@1";

fn json_files(dir: &Path, what: &'static str) -> Result<Vec<PathBuf>, EvalError> {
    if !dir.is_dir() {
        return Err(EvalError::MissingSubfolder {
            path: dir.to_path_buf(),
        });
    }
    let read_err = |source| EvalError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(EvalError::Empty {
            path: dir.to_path_buf(),
            what,
        });
    }
    Ok(files)
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &'static str,
    schema: &'static str,
) -> Result<T, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| EvalError::Json {
        path: path.to_path_buf(),
        what,
        schema,
        source,
    })
}

fn collect(mut problems: Vec<EvalError>) -> EvalError {
    if problems.len() == 1 {
        problems.remove(0)
    } else {
        EvalError::Many(problems)
    }
}

/// Loads and checks `root`: every job and every session must parse, every session must name a job
/// of this folder, and its labels must name that job's competencies.
pub fn load_folder(root: &Path) -> Result<Folder, EvalError> {
    if !root.is_dir() {
        return Err(EvalError::NotAFolder {
            path: root.to_path_buf(),
        });
    }
    let job_files = json_files(&root.join("jobs"), "job file (jobs/<job_id>.json)");
    let session_files = json_files(
        &root.join("sessions"),
        "labelled interview (sessions/<session_id>.json)",
    );
    let (job_files, session_files) = match (job_files, session_files) {
        (Ok(j), Ok(s)) => (j, s),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(a), Err(b)) => return Err(EvalError::Many(vec![a, b])),
    };
    let mut problems = Vec::new();
    let mut jobs: BTreeMap<String, JobDefinition> = BTreeMap::new();
    for path in &job_files {
        match read_json::<JobDefinition>(path, "job file", JOB_FORMAT) {
            Ok(job) => {
                let issues = job.validate();
                if !issues.is_empty() {
                    problems.push(EvalError::Invalid {
                        path: path.clone(),
                        message: format!(
                            "the job is not valid ({}); fix these fields",
                            issues
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    });
                } else if jobs.contains_key(&job.id) {
                    problems.push(EvalError::Invalid {
                        path: path.clone(),
                        message: format!(
                            "job id {:?} is used by another file in jobs/: give each job its own id",
                            job.id
                        ),
                    });
                } else {
                    jobs.insert(job.id.clone(), job);
                }
            }
            Err(e) => problems.push(e),
        }
    }
    let jobs_dir = root.join("jobs").display().to_string();
    let mut interviews = Vec::new();
    for path in &session_files {
        let interview = match read_json::<Interview>(path, "labelled interview", SESSION_FORMAT) {
            Ok(i) => i,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let Some(job) = jobs.get(&interview.job_id) else {
            // A job file that failed to parse is already reported: do not report it twice.
            let broken = job_files.iter().any(|f| {
                f.file_stem()
                    .is_some_and(|s| s == interview.job_id.as_str())
            });
            if !broken {
                problems.push(EvalError::UnknownJob {
                    path: path.clone(),
                    job_id: interview.job_id.clone(),
                    jobs_dir: jobs_dir.clone(),
                    known: jobs.keys().cloned().collect::<Vec<_>>().join(", "),
                });
            }
            continue;
        };
        match check_interview(&interview, job) {
            Ok(()) => interviews.push(LoadedInterview {
                path: path.clone(),
                interview,
            }),
            Err(message) => problems.push(EvalError::Invalid {
                path: path.clone(),
                message,
            }),
        }
    }
    if !problems.is_empty() {
        return Err(collect(problems));
    }
    Ok(Folder {
        root: root.to_path_buf(),
        jobs,
        interviews,
    })
}

/// Labels that the scoring could not make sense of.
fn check_interview(interview: &Interview, job: &JobDefinition) -> Result<(), String> {
    if interview.turns.is_empty() {
        return Err("the interview has no turns: add its turns[]".into());
    }
    if !(interview.planned_minutes.is_finite() && interview.planned_minutes > 0.0) {
        return Err(format!(
            "planned_minutes is {}: give the planned slot in minutes (> 0)",
            interview.planned_minutes
        ));
    }
    let known = |id: &str| job.competencies.iter().any(|c| c.id == id);
    for (i, t) in interview.turns.iter().enumerate() {
        if t.index != i {
            return Err(format!(
                "turns[{i}] has index {}: number the turns 0, 1, 2, ... in order",
                t.index
            ));
        }
        let named = t
            .labels
            .asks
            .iter()
            .map(String::as_str)
            .chain(t.labels.evidence.iter().map(|e| e.competency.as_str()));
        for id in named {
            if !known(id) {
                return Err(format!(
                    "turn {i} names competency {id:?}, which job {} does not have: use one of {}",
                    job.id,
                    job.competencies
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        if let Some(bad) = t
            .labels
            .star
            .iter()
            .find(|s| !matches!(s.as_str(), "S" | "T" | "A" | "R"))
        {
            return Err(format!("turn {i} has STAR part {bad:?}: use S, T, A or R"));
        }
    }
    if let Some(p) = interview
        .expected
        .prompts
        .iter()
        .find(|p| p.after_turn >= interview.turns.len())
    {
        return Err(format!(
            "expected.prompts names after_turn {} but the interview has {} turns: fix after_turn",
            p.after_turn,
            interview.turns.len()
        ));
    }
    Ok(())
}

impl Folder {
    /// The job an interview names (checked at load).
    pub fn job(&self, interview: &Interview) -> &JobDefinition {
        &self.jobs[&interview.job_id]
    }

    /// `audio/<session>/`: `None` when the folder has no recording for this interview; an error
    /// when it has one that cannot be used.
    pub fn audio(&self, interview: &Interview) -> Result<Option<AudioFixture>, EvalError> {
        let dir = self.root.join("audio").join(&interview.id);
        if !dir.is_dir() {
            return Ok(None);
        }
        let timing_path = dir.join("timing.json");
        if !timing_path.is_file() {
            return Err(EvalError::Invalid {
                path: timing_path,
                message: "missing: regenerate the recording with make_audio.sh (it writes stereo.wav and timing.json)".into(),
            });
        }
        let timing: AudioTiming = read_json(&timing_path, "audio timing file", "README \"Audio\"")?;
        let wav = dir.join(&timing.wav);
        if !wav.is_file() {
            return Err(EvalError::Invalid {
                path: wav,
                message: "the recording named by timing.json is missing: regenerate it with make_audio.sh".into(),
            });
        }
        for t in &timing.turns {
            let scripted = interview.turns.get(t.index);
            if scripted.is_none_or(|s| s.speaker != t.speaker) || t.end_s < t.start_s {
                return Err(EvalError::Invalid {
                    path: timing_path,
                    message: format!(
                        "turn {} does not match the session's turns (index, speaker or times): regenerate the audio with make_audio.sh {}",
                        t.index, interview.id
                    ),
                });
            }
        }
        if timing.turns.iter().any(|t| t.speaker == Role::Interviewer)
            != interview
                .turns
                .iter()
                .any(|t| t.speaker == Role::Interviewer)
        {
            return Err(EvalError::Invalid {
                path: timing_path,
                message: "its turns do not cover the session's speakers: regenerate the audio"
                    .into(),
            });
        }
        Ok(Some(AudioFixture { wav, timing }))
    }
}
