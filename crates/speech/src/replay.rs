//! Replaying a recording through the real pipeline: `copilot replay <audio> [--job J] [--language zh|en|auto]
//! [--realtime]`, one JSON event per line.

use std::io::Write;
use std::path::{Path, PathBuf};

use copilot_audio::{AudioSource, Pacing, WavFileSource};
use copilot_models::{ModelsDir, Progress, ensure};

use crate::pipeline::{PipelineConfig, PipelineSummary, run_pipeline};
use crate::transcriber::{LanguageChoice, WhisperConfig, WhisperTranscriber};
use crate::vad::SileroVad;
use crate::{SpeechError, SpeechEvent};

/// Settings for [`replay_file`].
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    pub language: LanguageChoice,
    /// Whisper model name from the manifest; default `tiny.en` for English, `base` otherwise.
    pub model: Option<String>,
    pub pacing: Pacing,
    pub initial_prompt: Option<String>,
    pub threads: u32,
    pub reduce_audio_ctx: bool,
    pub pipeline: PipelineConfig,
    pub models_dir: ModelsDir,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            language: LanguageChoice::Fixed("en".into()),
            model: None,
            pacing: Pacing::AsFastAsPossible,
            initial_prompt: None,
            threads: 1,
            reduce_audio_ctx: true,
            pipeline: PipelineConfig::default(),
            models_dir: ModelsDir::resolve(),
        }
    }
}

impl ReplayOptions {
    /// The Whisper model this replay uses.
    pub fn model_name(&self) -> String {
        self.model.clone().unwrap_or_else(|| match &self.language {
            LanguageChoice::Fixed(code) if code == "en" => "tiny.en".to_string(),
            _ => "base".to_string(),
        })
    }
}

/// An initial prompt from a job file (the fixture/domain job JSON): the job title and competency keywords
/// in `language` (`en` or `zh`), plus people's names; at most about 600 bytes.
pub fn initial_prompt_for_job(job: &serde_json::Value, language: &str, names: &[&str]) -> String {
    let lang = if language == "zh" { "zh" } else { "en" };
    let mut words: Vec<String> = Vec::new();
    if let Some(title) = job
        .pointer(&format!("/title/{lang}"))
        .and_then(|v| v.as_str())
    {
        words.push(title.to_string());
    }
    words.extend(names.iter().map(|n| n.to_string()));
    if let Some(competencies) = job.get("competencies").and_then(|c| c.as_array()) {
        for c in competencies {
            if let Some(keywords) = c
                .pointer(&format!("/keywords/{lang}"))
                .and_then(|k| k.as_array())
            {
                words.extend(
                    keywords
                        .iter()
                        .filter_map(|k| k.as_str())
                        .map(str::to_string),
                );
            }
        }
    }
    let separator = if lang == "zh" { "，" } else { ", " };
    let mut prompt = String::new();
    for w in words {
        if prompt.len() + w.len() > 600 {
            break;
        }
        if !prompt.is_empty() {
            prompt.push_str(separator);
        }
        prompt.push_str(&w);
    }
    if !prompt.is_empty() {
        prompt.push(if lang == "zh" { '。' } else { '.' });
    }
    prompt
}

/// Replay a WAV or FLAC file through the real models (fetched and converted on first use, progress on stderr).
pub fn replay_file(
    path: &Path,
    options: &ReplayOptions,
    sink: &mut (dyn FnMut(SpeechEvent) + Send),
) -> Result<PipelineSummary, SpeechError> {
    let source = WavFileSource::open(path, options.pacing)?;
    replay_source(Box::new(source), options, sink)
}

/// Run any audio source (a microphone, a file) through the real models until it ends; as
/// [`replay_file`], which calls it.
pub fn replay_source(
    source: Box<dyn AudioSource>,
    options: &ReplayOptions,
    sink: &mut (dyn FnMut(SpeechEvent) + Send),
) -> Result<PipelineSummary, SpeechError> {
    let mut progress = |p: &Progress| copilot_models::stderr_progress(p);
    let model = options.model_name();
    let whisper_path = ensure(&model, &options.models_dir, &mut progress)?;
    let ort_lib = ensure("onnxruntime", &options.models_dir, &mut progress)?;
    let vad_path = ensure("silero-vad", &options.models_dir, &mut progress)?;
    let vad = SileroVad::new(&vad_path, &ort_lib)?;
    let transcriber = WhisperTranscriber::new(
        &whisper_path,
        WhisperConfig {
            threads: options.threads,
            language: options.language.clone(),
            initial_prompt: options.initial_prompt.clone(),
            reduce_audio_ctx: options.reduce_audio_ctx,
        },
    )?;
    run_pipeline(source, &vad, Box::new(transcriber), &options.pipeline, sink)
}

/// Arguments of `copilot replay`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayArgs {
    pub audio: PathBuf,
    /// The job definition (JSON) whose title and keywords bias the transcription.
    pub job: Option<serde_json::Value>,
    /// `en`, `zh` or `auto`.
    pub language: String,
    /// Play at recording speed (frames can be dropped, like a live microphone).
    pub realtime: bool,
    /// Whisper model name (`tiny.en`, `base`); default by language.
    pub model: Option<String>,
}

/// `copilot replay`: print one JSON line per event on stdout, a summary on stderr.
pub fn replay_main(args: ReplayArgs) -> anyhow::Result<()> {
    let language = LanguageChoice::parse(&args.language)?;
    let initial_prompt = args
        .job
        .as_ref()
        .map(|job| initial_prompt_for_job(job, &args.language, &[]));
    let options = ReplayOptions {
        language,
        model: args.model.clone(),
        pacing: if args.realtime {
            Pacing::RealTime
        } else {
            Pacing::AsFastAsPossible
        },
        initial_prompt,
        // Merging only makes sense live; a file read as fast as possible would merge depending on CPU speed.
        pipeline: PipelineConfig {
            merge_when_behind: args.realtime,
            ..PipelineConfig::default()
        },
        ..ReplayOptions::default()
    };
    let stdout = std::io::stdout();
    let mut write_error: Option<String> = None;
    let mut sink = |event: SpeechEvent| {
        if write_error.is_some() {
            return;
        }
        let line = serde_json::to_string(&event)
            .unwrap_or_else(|e| format!("{{\"type\":\"warning\",\"message\":\"{e}\"}}"));
        let mut out = stdout.lock();
        if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
            write_error = Some(e.to_string());
        }
    };
    let summary = replay_file(&args.audio, &options, &mut sink)?;
    if let Some(e) = write_error {
        return Err(SpeechError::Output(e).into());
    }
    eprintln!(
        "[replay] {} utterances, {} segments, {} merged, {} frames dropped; {:.1} s of speech transcribed in {:.1} s",
        summary.utterances,
        summary.segments,
        summary.merged_utterances,
        summary.dropped_frames,
        summary.audio_ms as f64 / 1000.0,
        summary.processing_ms as f64 / 1000.0
    );
    Ok(())
}
