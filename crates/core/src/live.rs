//! Audio into a running interview: a recording (or the bundled demo) goes through the real speech
//! pipeline (Silero VAD, whisper.cpp) and every recognised segment into the session's engine. The
//! caller sees both streams as [`LiveEvent`]s, in order.

use std::path::{Path, PathBuf};

use copilot_audio::Pacing;
use copilot_domain::{Interview, Language};
use copilot_engine::{CoverageState, EngineEvent};
use copilot_speech::{
    LanguageChoice, PipelineConfig, ReplayOptions, SpeechEvent, initial_prompt_for_job, replay_file,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ipc::NewInterview;
use crate::{Copilot, CoreError, ErrorCode, InterviewSession};

/// One thing that happened during a live interview: the speech pipeline's events and the engine's.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "source", content = "event", rename_all = "snake_case")]
pub enum LiveEvent {
    Speech(SpeechEvent),
    Engine(EngineEvent),
}

/// How to run a recording through the pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplaySettings {
    /// `en`, `zh` or `auto`; `None` uses the interview's language.
    #[serde(default)]
    pub language: Option<String>,
    /// Pace the file like a live interview (frames can be dropped, like a microphone).
    #[serde(default)]
    pub realtime: bool,
    /// Whisper model from the manifest (`tiny.en`, `base`); `None` picks by language.
    #[serde(default)]
    pub model: Option<String>,
}

/// What a replay did, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReplayTotals {
    #[ts(type = "number")]
    pub utterances: u64,
    #[ts(type = "number")]
    pub segments: u64,
    #[ts(type = "number")]
    pub merged_utterances: u64,
    #[ts(type = "number")]
    pub dropped_frames: u64,
    #[ts(type = "number")]
    pub audio_ms: u64,
    #[ts(type = "number")]
    pub processing_ms: u64,
}

/// The environment variable naming the demo recording (`scripts/make-demo-audio.sh` writes it).
pub const DEMO_AUDIO_ENV: &str = "COPILOT_DEMO_AUDIO";

impl From<copilot_speech::SpeechError> for CoreError {
    fn from(error: copilot_speech::SpeechError) -> Self {
        CoreError::new(ErrorCode::Speech, error.to_string())
    }
}

impl InterviewSession {
    /// The live state the interview screen renders.
    pub fn state(&self) -> CoverageState {
        self.engine.state()
    }

    /// Runs `audio` (WAV: mono = one shared microphone, stereo = left interviewer, right candidate)
    /// through the real pipeline into this session. Blocking: call it from a worker thread.
    pub fn replay_audio(
        &mut self,
        audio: &Path,
        settings: &ReplaySettings,
        on_event: &mut (dyn FnMut(LiveEvent) + Send),
    ) -> Result<ReplayTotals, CoreError> {
        // No consent, no transcription (see `crate::consent` for when it is required).
        self.consent
            .require(copilot_consent::Purpose::Transcription)?;
        let options = self.replay_options(settings, settings.realtime)?;
        let mut sink = |event: SpeechEvent| {
            let engine_events = self.apply_speech(&event);
            on_event(LiveEvent::Speech(event));
            for engine_event in engine_events {
                on_event(LiveEvent::Engine(engine_event));
            }
        };
        let summary = replay_file(audio, &options, &mut sink)?;
        Ok(ReplayTotals::from(&summary))
    }

    /// The pipeline settings for this interview: its language (unless `settings` names one), an
    /// initial prompt from the job and the candidate's name; `live` paces like a microphone.
    pub(crate) fn replay_options(
        &self,
        settings: &ReplaySettings,
        live: bool,
    ) -> Result<ReplayOptions, CoreError> {
        let language = settings
            .language
            .clone()
            .unwrap_or_else(|| self.interview.language.code().to_string());
        let job_json = serde_json::to_value(&self.job)
            .map_err(|e| CoreError::new(ErrorCode::Internal, e.to_string()))?;
        let names = [self.interview.candidate.name.as_str()];
        Ok(ReplayOptions {
            language: LanguageChoice::parse(&language)?,
            model: settings.model.clone(),
            pacing: if live {
                Pacing::RealTime
            } else {
                Pacing::AsFastAsPossible
            },
            initial_prompt: Some(initial_prompt_for_job(&job_json, &language, &names)),
            pipeline: PipelineConfig {
                merge_when_behind: live,
                ..PipelineConfig::default()
            },
            ..ReplayOptions::default()
        })
    }

    /// Feeds a recognised segment to the engine; other speech events change nothing.
    pub(crate) fn apply_speech(&mut self, event: &SpeechEvent) -> Vec<EngineEvent> {
        match event {
            SpeechEvent::Segment {
                speaker,
                start_ms,
                end_ms,
                text,
                language,
                ..
            } => self.apply_transcript(speaker.as_str(), *start_ms, *end_ms, text, language),
            _ => Vec::new(),
        }
    }
}

impl From<&copilot_speech::PipelineSummary> for ReplayTotals {
    fn from(summary: &copilot_speech::PipelineSummary) -> Self {
        ReplayTotals {
            utterances: summary.utterances,
            segments: summary.segments,
            merged_utterances: summary.merged_utterances,
            dropped_frames: summary.dropped_frames,
            audio_ms: summary.audio_ms,
            processing_ms: summary.processing_ms,
        }
    }
}

impl Copilot {
    /// The demo recording: `COPILOT_DEMO_AUDIO`, else `demo/demo-sales-en.wav` in the data folder.
    pub fn demo_audio(&self) -> Result<PathBuf, CoreError> {
        let path = std::env::var_os(DEMO_AUDIO_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| self.data_dir().join("demo").join("demo-sales-en.wav"));
        if path.is_file() {
            Ok(path)
        } else {
            Err(CoreError::new(
                ErrorCode::NotFound,
                format!(
                    "the demo recording {} is missing: run `bash scripts/make-demo-audio.sh` (it needs espeak-ng and sox) or set {DEMO_AUDIO_ENV} to a WAV file",
                    path.display()
                ),
            ))
        }
    }

    /// A new interview for the demo: the bundled sales-representative job and a fictional candidate,
    /// whose scripted answers are in the demo recording.
    pub async fn create_demo_interview(&self) -> Result<Interview, CoreError> {
        self.create_interview(&NewInterview {
            job_id: "sales_rep".into(),
            candidate_name: "Alex Morgan (demo)".into(),
            candidate_contact: String::new(),
            resume_text: "Account executive at a regional software reseller for four years. \
                Grew territory revenue by 35 percent; led a team of three on enterprise renewals."
                .into(),
            interviewers: vec!["Demo interviewer".into()],
            language: Language::En,
            budget_minutes: 30.0,
            scheduled_at: None,
        })
        .await
    }
}
