//! Speech to text: the [`Transcriber`] trait and its whisper.cpp implementation (whisper-rs).

use std::path::Path;

use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

use crate::SpeechError;
use crate::text::clean_segment_text;

/// One piece of transcript, times relative to the start of the audio given to the transcriber.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscribedSegment {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
    /// Mean probability of the segment's text tokens, 0..1.
    pub confidence: f32,
    pub language: String,
}

/// Turns 16 kHz mono audio into text segments.
pub trait Transcriber: Send {
    fn transcribe(&mut self, audio: &[f32]) -> Result<Vec<TranscribedSegment>, SpeechError>;
}

/// Which language to transcribe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LanguageChoice {
    /// An ISO 639-1 code such as `en` or `zh`.
    Fixed(String),
    /// Detect per utterance (multilingual models only).
    Auto,
}

impl LanguageChoice {
    /// `en`, `zh`, ... or `auto`.
    pub fn parse(text: &str) -> Result<LanguageChoice, SpeechError> {
        match text {
            "auto" => Ok(LanguageChoice::Auto),
            code if whisper_rs::get_lang_id(code).is_some() => {
                Ok(LanguageChoice::Fixed(code.to_string()))
            }
            other => Err(SpeechError::Config(format!(
                "unknown language {other:?}: use a Whisper language code such as en or zh, or auto"
            ))),
        }
    }
}

/// Settings of [`WhisperTranscriber`].
#[derive(Debug, Clone, PartialEq)]
pub struct WhisperConfig {
    /// 1 by default: on a busy 2-core machine ggml's spinning threads made 2 slower than 1.
    pub threads: u32,
    pub language: LanguageChoice,
    /// Names and job keywords that bias the spelling.
    pub initial_prompt: Option<String>,
    /// Shrink whisper.cpp's 30 s encoder window to the utterance (much faster on short utterances).
    pub reduce_audio_ctx: bool,
}

impl Default for WhisperConfig {
    fn default() -> Self {
        WhisperConfig {
            threads: 1,
            language: LanguageChoice::Fixed("en".into()),
            initial_prompt: None,
            reduce_audio_ctx: true,
        }
    }
}

/// Audio longer than this is encoded with the full 30 s window. Measured on the fixtures: a reduced window
/// garbled the last words of a 25.7 s English turn (tiny.en) and made the base model fall apart into
/// one-character segments on ~20 s Chinese utterances, while up to 15 s it kept the words.
pub const REDUCED_CTX_MAX_SAMPLES: usize = 15 * 16_000 + 3_200;

/// The encoder context for `samples` of 16 kHz audio: ceil(len / 30 s * 1500) plus 1 s of margin, rounded up
/// to a multiple of 64, at least 384; the full 1500 above [`REDUCED_CTX_MAX_SAMPLES`].
pub fn audio_ctx_for(samples: usize) -> i32 {
    if samples > REDUCED_CTX_MAX_SAMPLES {
        return 1500;
    }
    let frames = (samples as u64 * 1500).div_ceil(30 * 16_000) + 50;
    let rounded = frames.div_ceil(64) * 64;
    rounded.clamp(384, 1500) as i32
}

/// whisper.cpp needs at least 1 s of audio; shorter utterances are padded with silence to this length.
const MIN_SAMPLES: usize = 17_600;

/// whisper.cpp through whisper-rs, one reusable state.
pub struct WhisperTranscriber {
    state: WhisperState,
    multilingual: bool,
    config: WhisperConfig,
}

impl WhisperTranscriber {
    pub fn new(
        model_path: &Path,
        config: WhisperConfig,
    ) -> Result<WhisperTranscriber, SpeechError> {
        if !model_path.is_file() {
            return Err(SpeechError::ModelMissing {
                path: model_path.to_path_buf(),
                name: "tiny.en".into(),
            });
        }
        whisper_rs::install_logging_hooks();
        // Flash attention stays off (as in whisper-rs): whisper.cpp's CLI turns it on and is ~1.2x
        // faster here, but with our reduced audio context it raised the English WER of the PM
        // fixture from 10.2 % to 15.5 % (measured 2026-12-02).
        let context =
            WhisperContext::new_with_params(model_path, WhisperContextParameters::default())
                .map_err(|e| {
                    SpeechError::Whisper(format!("loading {}: {e}", model_path.display()))
                })?;
        let multilingual = context.is_multilingual();
        if let LanguageChoice::Fixed(code) = &config.language
            && !multilingual
            && code != "en"
        {
            return Err(SpeechError::Config(format!(
                "{} is an English-only model and cannot transcribe {code:?}: use the multilingual `base` model",
                model_path.display()
            )));
        }
        let state = context
            .create_state()
            .map_err(|e| SpeechError::Whisper(e.to_string()))?;
        Ok(WhisperTranscriber {
            state,
            multilingual,
            config,
        })
    }

    pub fn config(&self) -> &WhisperConfig {
        &self.config
    }

    /// Change the reduced-context setting (used to check it does not change the words).
    pub fn set_reduce_audio_ctx(&mut self, reduce: bool) {
        self.config.reduce_audio_ctx = reduce;
    }
}

impl Transcriber for WhisperTranscriber {
    fn transcribe(&mut self, audio: &[f32]) -> Result<Vec<TranscribedSegment>, SpeechError> {
        let mut padded;
        let audio = if audio.len() < MIN_SAMPLES {
            padded = audio.to_vec();
            padded.resize(MIN_SAMPLES, 0.0);
            &padded[..]
        } else {
            audio
        };
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.config.threads.max(1) as i32);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        params.set_no_context(true);
        // Keep timestamps: with them off whisper.cpp can lose a whole 30 s window.
        params.set_no_timestamps(false);
        params.set_suppress_blank(true);
        let language = match &self.config.language {
            LanguageChoice::Fixed(code) => Some(code.as_str()),
            LanguageChoice::Auto if self.multilingual => Some("auto"),
            LanguageChoice::Auto => Some("en"),
        };
        params.set_language(language);
        if let Some(prompt) = &self.config.initial_prompt
            && !prompt.is_empty()
        {
            params.set_initial_prompt(prompt);
        }
        if self.config.reduce_audio_ctx {
            params.set_audio_ctx(audio_ctx_for(audio.len()));
        }
        self.state
            .full(params, audio)
            .map_err(|e| SpeechError::Whisper(e.to_string()))?;
        let detected = whisper_rs::get_lang_str(self.state.full_lang_id_from_state())
            .unwrap_or("en")
            .to_string();
        let language = match &self.config.language {
            LanguageChoice::Fixed(code) => code.clone(),
            LanguageChoice::Auto => detected,
        };
        let chinese = language == "zh";
        let mut segments = Vec::new();
        // A multi-byte character can be split between two segments: carry incomplete bytes over.
        let mut carry: Vec<u8> = Vec::new();
        for segment in self.state.as_iter() {
            carry.extend_from_slice(
                segment
                    .to_bytes()
                    .map_err(|e| SpeechError::Whisper(e.to_string()))?,
            );
            let raw = take_complete_utf8(&mut carry);
            let text = clean_segment_text(&raw, chinese);
            if text.is_empty() {
                continue;
            }
            let mut probability_sum = 0.0f32;
            let mut count = 0u32;
            for i in 0..segment.n_tokens() {
                if let Some(token) = segment.get_token(i) {
                    let text = token.to_str_lossy().unwrap_or_default();
                    if text.starts_with("[_") || text.starts_with("<|") {
                        continue;
                    }
                    probability_sum += token.token_probability();
                    count += 1;
                }
            }
            segments.push(TranscribedSegment {
                // whisper.cpp timestamps are in 10 ms units.
                start_ms: segment.start_timestamp().max(0) as u64 * 10,
                end_ms: segment.end_timestamp().max(0) as u64 * 10,
                text,
                confidence: if count > 0 {
                    probability_sum / count as f32
                } else {
                    0.0
                },
                language: language.clone(),
            });
        }
        Ok(segments)
    }
}

/// The longest complete UTF-8 prefix of `bytes` as text (invalid bytes replaced); an incomplete character
/// at the end stays in `bytes`.
pub fn take_complete_utf8(bytes: &mut Vec<u8>) -> String {
    let cut = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => bytes.len(),
    };
    let rest = bytes.split_off(cut);
    let text = String::from_utf8_lossy(bytes).into_owned();
    *bytes = rest;
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_split_across_segments_are_rejoined() {
        let bytes = "车间".as_bytes();
        let mut carry = bytes[..4].to_vec();
        assert_eq!(take_complete_utf8(&mut carry), "车");
        assert_eq!(carry.len(), 1);
        carry.extend_from_slice(&bytes[4..]);
        assert_eq!(take_complete_utf8(&mut carry), "间");
        assert!(carry.is_empty());
    }

    #[test]
    fn audio_ctx_covers_the_utterance_in_steps_of_64() {
        assert_eq!(audio_ctx_for(16_000), 384); // 1 s -> floor
        assert_eq!(audio_ctx_for(5 * 16_000), 384); // 250 + 50 = 300 -> 320 -> floor 384
        assert_eq!(audio_ctx_for(10 * 16_000), 576); // 500 + 50 = 550 -> 576
        assert_eq!(audio_ctx_for(15 * 16_000), 832); // 750 + 50 = 800 -> 832
        assert_eq!(audio_ctx_for(15 * 16_000 + 3_200), 832); // 15.2 s (a 15 s utterance with padding)
        assert_eq!(audio_ctx_for(16 * 16_000), 1500); // longer: the full window
        assert_eq!(audio_ctx_for(40 * 16_000), 1500);
        for s in [1, 7, 13, 22, 29] {
            let ctx = audio_ctx_for(s * 16_000) as usize;
            assert!(
                ctx * 30 * 16_000 / 1500 >= s * 16_000,
                "{s} s does not fit in {ctx}"
            );
        }
    }

    #[test]
    fn languages_parse() {
        assert_eq!(
            LanguageChoice::parse("zh").ok(),
            Some(LanguageChoice::Fixed("zh".into()))
        );
        assert_eq!(
            LanguageChoice::parse("auto").ok(),
            Some(LanguageChoice::Auto)
        );
        assert!(LanguageChoice::parse("klingon").is_err());
    }
}
