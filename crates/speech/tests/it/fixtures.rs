//! Fixture interviews: reference turns and their timing in the generated stereo audio.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use copilot_audio::Channel;
use copilot_models::ModelsDir;

static GENERATE: Mutex<()> = Mutex::new(());

pub fn interviews_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews")
}

/// The audio directory of `session`, generated with make_audio.sh if missing.
pub fn audio_dir(session: &str) -> Result<PathBuf> {
    let _guard = GENERATE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = interviews_dir().join("audio").join(session);
    if !dir.join("timing.json").is_file() || !dir.join("stereo.wav").is_file() {
        eprintln!("[fixtures] generating audio for {session} with make_audio.sh (espeak-ng + sox)");
        let status = Command::new("bash")
            .arg(interviews_dir().join("make_audio.sh"))
            .arg(session)
            .status()
            .context("running make_audio.sh")?;
        if !status.success() {
            bail!("make_audio.sh {session} failed: install espeak-ng, sox and jq");
        }
    }
    Ok(dir)
}

pub fn models_dir() -> ModelsDir {
    let dir = ModelsDir::resolve();
    eprintln!("[models] using {}", dir.root().display());
    dir
}

#[derive(Debug, Clone)]
pub struct Turn {
    pub speaker: Channel,
    /// What was spoken (tts_text when present, else the reference text).
    pub spoken: String,
    pub start_ms: u64,
    pub end_ms: u64,
    pub wav: PathBuf,
}

pub struct Interview {
    pub id: String,
    pub job: serde_json::Value,
    pub names: Vec<String>,
    pub turns: Vec<Turn>,
    pub stereo: PathBuf,
}

pub fn load(session: &str) -> Result<Interview> {
    let root = interviews_dir();
    let dir = audio_dir(session)?;
    let read = |p: PathBuf| -> Result<serde_json::Value> {
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        Ok(serde_json::from_str(&text)?)
    };
    let s = read(root.join("sessions").join(format!("{session}.json")))?;
    let timing = read(dir.join("timing.json"))?;
    let job_id = s["job_id"].as_str().context("job_id")?;
    let job = read(root.join("jobs").join(format!("{job_id}.json")))?;
    let names = [&s["interviewer"]["name"], &s["candidate"]["name"]]
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let mut turns = Vec::new();
    for (t, tm) in s["turns"]
        .as_array()
        .context("turns")?
        .iter()
        .zip(timing["turns"].as_array().context("timing")?)
    {
        let speaker = match tm["channel"].as_str() {
            Some("left") => Channel::Interviewer,
            Some("right") => Channel::Candidate,
            other => bail!("unknown channel {other:?}"),
        };
        let spoken = t
            .get("tts_text")
            .and_then(|v| v.as_str())
            .or_else(|| t["text"].as_str())
            .context("text")?;
        turns.push(Turn {
            speaker,
            spoken: spoken.to_string(),
            start_ms: (tm["start_s"].as_f64().context("start_s")? * 1000.0) as u64,
            end_ms: (tm["end_s"].as_f64().context("end_s")? * 1000.0) as u64,
            wav: dir.join(tm["wav"].as_str().context("wav")?),
        });
    }
    Ok(Interview {
        id: session.to_string(),
        job,
        names,
        turns,
        stereo: dir.join("stereo.wav"),
    })
}

impl Interview {
    /// The first turns that end before `max_ms`, with the stereo audio cut after them (written into `dir`).
    pub fn truncated(&self, max_ms: u64, dir: &std::path::Path) -> Result<Interview> {
        let turns: Vec<Turn> = self
            .turns
            .iter()
            .filter(|t| t.end_ms <= max_ms)
            .cloned()
            .collect();
        let cut_ms = turns.last().map(|t| t.end_ms + 300).unwrap_or(0);
        let mut reader = hound::WavReader::open(&self.stereo)?;
        let spec = reader.spec();
        let keep =
            (cut_ms * u64::from(spec.sample_rate) / 1000) as usize * usize::from(spec.channels);
        let path = dir.join(format!("{}-first-{}s.wav", self.id, cut_ms / 1000));
        let mut writer = hound::WavWriter::create(&path, spec)?;
        for s in reader.samples::<i16>().take(keep) {
            writer.write_sample(s?)?;
        }
        writer.finalize()?;
        Ok(Interview {
            id: self.id.clone(),
            job: self.job.clone(),
            names: self.names.clone(),
            turns,
            stereo: path,
        })
    }
}
