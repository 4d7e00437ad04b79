//! The real pipeline (real Silero VAD, real whisper.cpp) on the fixture interviews.

use std::sync::Mutex;

use anyhow::Result;
use copilot_audio::{Channel, Pacing, WavFileSource};
use copilot_models::ensure;
use copilot_speech::{
    LanguageChoice, PipelineConfig, ReplayOptions, SpeechEvent, Transcriber, WhisperConfig,
    WhisperTranscriber, initial_prompt_for_job, replay_file,
};

use crate::fixtures::{self, Interview};
use crate::metrics::{error_rate, normalise_en, normalise_zh};

/// Heavy runs one at a time: the machine has two cores and whisper is set to one thread each.
static HEAVY: Mutex<()> = Mutex::new(());

struct Segment {
    speaker: Channel,
    start_ms: u64,
    end_ms: u64,
    text: String,
}

fn replay(interview: &Interview, language: &str) -> Result<(Vec<Segment>, Vec<SpeechEvent>)> {
    let names: Vec<&str> = interview.names.iter().map(String::as_str).collect();
    let options = ReplayOptions {
        language: LanguageChoice::parse(language)?,
        pacing: Pacing::AsFastAsPossible,
        initial_prompt: Some(initial_prompt_for_job(&interview.job, language, &names)),
        models_dir: fixtures::models_dir(),
        // Replaying faster than real time keeps the transcriber permanently "behind"; merging would then
        // depend on this machine's speed. Transcribe every utterance on its own so results are repeatable
        // (merging itself is tested in pipeline_logic).
        pipeline: PipelineConfig {
            merge_when_behind: false,
            ..PipelineConfig::default()
        },
        ..ReplayOptions::default()
    };
    let mut events = Vec::new();
    let started = std::time::Instant::now();
    let summary = replay_file(&interview.stereo, &options, &mut |e| events.push(e))?;
    eprintln!(
        "[{}] {} utterances, {} segments, {} merged, {} dropped; speech {:.1} s transcribed in {:.1} s; wall {:.1} s",
        interview.id,
        summary.utterances,
        summary.segments,
        summary.merged_utterances,
        summary.dropped_frames,
        summary.audio_ms as f64 / 1000.0,
        summary.processing_ms as f64 / 1000.0,
        started.elapsed().as_secs_f64()
    );
    let mut segments: Vec<Segment> = events
        .iter()
        .filter_map(|e| match e {
            SpeechEvent::Segment {
                speaker,
                start_ms,
                end_ms,
                text,
                ..
            } => Some(Segment {
                speaker: *speaker,
                start_ms: *start_ms,
                end_ms: *end_ms,
                text: text.clone(),
            }),
            _ => None,
        })
        .collect();
    segments.sort_by_key(|s| s.start_ms);
    for s in &segments {
        eprintln!("  {:>6} {:<11} {}", s.start_ms, s.speaker.as_str(), s.text);
    }
    Ok((segments, events))
}

/// Every segment must lie in a turn of its own speaker: the turn it overlaps most, or for a zero-length
/// segment the turn nearest to it.
fn misattributed(interview: &Interview, segments: &[Segment]) -> Vec<String> {
    let mut wrong = Vec::new();
    for s in segments {
        let distance = |t: &crate::fixtures::Turn| -> u64 {
            if s.start_ms > t.end_ms {
                s.start_ms - t.end_ms
            } else {
                t.start_ms.saturating_sub(s.end_ms)
            }
        };
        let best = interview.turns.iter().max_by_key(|t| {
            let overlap = s
                .end_ms
                .min(t.end_ms)
                .saturating_sub(s.start_ms.max(t.start_ms));
            (overlap, std::cmp::Reverse(distance(t)))
        });
        match best {
            Some(turn) if distance(turn) <= 1_000 => {
                if turn.speaker != s.speaker {
                    wrong.push(format!(
                        "{:?} {}..{} {:?} is in a {:?} turn",
                        s.speaker, s.start_ms, s.end_ms, s.text, turn.speaker
                    ));
                }
            }
            _ => wrong.push(format!(
                "{}..{} {:?} is not near any turn",
                s.start_ms, s.end_ms, s.text
            )),
        }
    }
    wrong
}

fn english_interview(session: &str, max_wer: f64) -> Result<()> {
    let interview = fixtures::load(session)?;
    let _heavy = HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (segments, events) = replay(&interview, "en")?;
    let reference: Vec<String> = interview
        .turns
        .iter()
        .flat_map(|t| normalise_en(&t.spoken))
        .collect();
    let hypothesis: Vec<String> = segments
        .iter()
        .flat_map(|s| normalise_en(&s.text))
        .collect();
    let wer = error_rate(&reference, &hypothesis);
    eprintln!(
        "[{session}] WER {:.2} % ({} reference words, {} hypothesis words)",
        wer * 100.0,
        reference.len(),
        hypothesis.len()
    );
    let wrong = misattributed(&interview, &segments);
    assert!(
        wrong.is_empty(),
        "misattributed segments:\n{}",
        wrong.join("\n")
    );
    assert!(wer < max_wer, "WER {wer} is above {max_wer}");
    // Every kept utterance was transcribed, in order of the events.
    let ended = events
        .iter()
        .filter(|e| matches!(e, SpeechEvent::UtteranceEnded { kept: true, .. }))
        .count();
    assert!(
        ended >= interview.turns.len(),
        "{ended} utterances for {} turns",
        interview.turns.len()
    );
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, SpeechEvent::Dropped { .. })),
        "frames dropped from a file"
    );
    Ok(())
}

/// Measured 10-12 % on these espeak-ng voices with tiny.en (the female candidate voice is the harder one;
/// most errors are acoustic: "Woggers great" for "Water's great"). A broken pipeline (lost or misordered
/// audio, wrong model) is far above this.
const MAX_WER: f64 = 0.14;

#[test]
fn sales_interview_english_wer_and_speakers() -> Result<()> {
    english_interview("dev-sales-en-01", MAX_WER)
}

#[test]
fn pm_interview_english_wer_and_speakers() -> Result<()> {
    english_interview("dev-pm-en-01", MAX_WER)
}

#[test]
fn chinese_interview_with_base_model() -> Result<()> {
    // The first ~150 s (about 7 turns) keep the test's run time reasonable on two cores.
    let tmp = tempfile::tempdir()?;
    let interview = fixtures::load("dev-workshop-zh-01")?.truncated(150_000, tmp.path())?;
    let _heavy = HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (segments, _) = replay(&interview, "zh")?;
    let reference: Vec<String> = interview
        .turns
        .iter()
        .flat_map(|t| normalise_zh(&t.spoken))
        .collect();
    let hypothesis: Vec<String> = segments
        .iter()
        .flat_map(|s| normalise_zh(&s.text))
        .collect();
    let cer = error_rate(&reference, &hypothesis);
    eprintln!(
        "[dev-workshop-zh-01] CER {:.1} % over {} turns (espeak-ng pinyin voice; {} reference characters)",
        cer * 100.0,
        interview.turns.len(),
        reference.len()
    );
    let wrong = misattributed(&interview, &segments);
    assert!(
        wrong.is_empty(),
        "misattributed segments:\n{}",
        wrong.join("\n")
    );
    assert!(
        cer < CHINESE_MAX_CER,
        "CER {cer} is above {CHINESE_MAX_CER}"
    );
    Ok(())
}

/// Set from the measurement on espeak-ng's robotic pinyin voice (see the report); catches a broken model or
/// language setting (which gives ~100 %), not fine regressions.
const CHINESE_MAX_CER: f64 = 0.85;

/// Shrinking whisper.cpp's encoder window to the utterance is the main speed-up. It does change a few words
/// (measured: on a 10.5 s turn "the water is great" became "waters great", closer to the reference; on a
/// 25.7 s turn the last words were garbled, hence the full window above 20 s), so this checks that it does
/// not make the transcript worse against the reference over turns from short to long.
#[test]
fn reduced_audio_context_does_not_hurt_accuracy() -> Result<()> {
    let interview = fixtures::load("dev-pm-en-01")?;
    let model = ensure("tiny.en", &fixtures::models_dir(), &mut |p| {
        copilot_models::stderr_progress(p)
    })?;
    let _heavy = HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut whisper = WhisperTranscriber::new(&model, WhisperConfig::default())?;
    // Six turns from short to long (each turn under 30 s, as utterances are).
    let mut turns: Vec<_> = interview
        .turns
        .iter()
        .filter(|t| t.end_ms - t.start_ms < 29_000)
        .cloned()
        .collect();
    turns.sort_by_key(|t| t.end_ms - t.start_ms);
    let picks: Vec<_> = (0..6)
        .map(|i| turns[i * (turns.len() - 1) / 5].clone())
        .collect();
    let (mut reference, mut reduced_all, mut full_all) = (Vec::new(), Vec::new(), Vec::new());
    let mut changed = 0;
    for turn in picks {
        let source = WavFileSource::open(&turn.wav, Pacing::AsFastAsPossible)?;
        let audio = source.read_all()?.remove(0).1;
        whisper.set_reduce_audio_ctx(true);
        let reduced: Vec<String> = whisper
            .transcribe(&audio)?
            .iter()
            .flat_map(|s| normalise_en(&s.text))
            .collect();
        whisper.set_reduce_audio_ctx(false);
        let full: Vec<String> = whisper
            .transcribe(&audio)?
            .iter()
            .flat_map(|s| normalise_en(&s.text))
            .collect();
        let words = normalise_en(&turn.spoken);
        eprintln!(
            "[audio_ctx] {:.1} s turn, ctx {}: WER reduced {:.1} %, full {:.1} %",
            audio.len() as f64 / 16_000.0,
            copilot_speech::audio_ctx_for(audio.len()),
            error_rate(&words, &reduced) * 100.0,
            error_rate(&words, &full) * 100.0
        );
        if reduced != full {
            changed += 1;
            eprintln!(
                "  reduced: {}\n  full:    {}",
                reduced.join(" "),
                full.join(" ")
            );
        }
        reference.extend(words);
        reduced_all.extend(reduced);
        full_all.extend(full);
    }
    let (r, f) = (
        error_rate(&reference, &reduced_all),
        error_rate(&reference, &full_all),
    );
    eprintln!(
        "[audio_ctx] {changed} of 6 turns changed; WER reduced {:.2} %, full {:.2} %",
        r * 100.0,
        f * 100.0
    );
    assert!(r <= f + 0.02, "reduced audio_ctx WER {r} vs full {f}");
    Ok(())
}

#[test]
fn missing_onnx_runtime_is_an_error_not_a_panic() {
    let missing = std::path::Path::new("/nonexistent/libonnxruntime.so.1.31.1");
    let err = copilot_speech::init_onnx_runtime(missing)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("is missing") && err.contains("copilot models fetch onnxruntime"),
        "{err:?}"
    );
}
