//! Pipeline behaviour with test doubles (an energy detector and a scripted transcriber), so merging,
//! ordering and drop counting can be forced deterministically.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use anyhow::Result;
use copilot_audio::{Channel, Pacing, WavFileSource};
use copilot_speech::{
    PipelineConfig, SpeechError, SpeechEvent, TranscribedSegment, Transcriber, VoiceDetector,
    run_pipeline,
};

/// Speech = RMS above 0.01.
struct EnergyDetector {
    delay: std::time::Duration,
}

impl VoiceDetector for EnergyDetector {
    fn speech_probability(&mut self, window: &[f32]) -> Result<f32, SpeechError> {
        std::thread::sleep(self.delay);
        let rms = (window.iter().map(|x| x * x).sum::<f32>() / window.len() as f32).sqrt();
        Ok(if rms > 0.01 { 0.95 } else { 0.02 })
    }
    fn reset(&mut self) {}
    fn fresh(&self) -> Result<Box<dyn VoiceDetector>, SpeechError> {
        Ok(Box::new(EnergyDetector { delay: self.delay }))
    }
}

/// Returns one segment per call whose text is the audio length in ms; the first call waits for `go`.
struct GatedTranscriber {
    go: Option<Receiver<()>>,
    calls: Arc<Mutex<Vec<usize>>>,
}

impl Transcriber for GatedTranscriber {
    fn transcribe(&mut self, audio: &[f32]) -> Result<Vec<TranscribedSegment>, SpeechError> {
        if let Some(go) = self.go.take() {
            let _ = go.recv();
        }
        self.calls
            .lock()
            .map_err(|_| SpeechError::Whisper("poisoned".into()))?
            .push(audio.len());
        Ok(vec![TranscribedSegment {
            start_ms: 0,
            end_ms: audio.len() as u64 / 16,
            text: format!("{} ms", audio.len() / 16),
            confidence: 1.0,
            language: "en".into(),
        }])
    }
}

/// Mono 16 kHz WAV: `bursts` tones of 1 s separated by 1 s of silence.
fn burst_wav(dir: &std::path::Path, bursts: usize, channels: u16) -> Result<std::path::PathBuf> {
    let path = dir.join(format!("bursts_{channels}.wav"));
    let spec = hound::WavSpec {
        channels,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec)?;
    for b in 0..bursts {
        for i in 0..32_000 {
            let v = if i < 16_000 {
                (0.3 * (i as f32 * 0.2).sin() * 32767.0) as i16
            } else {
                0
            };
            for c in 0..channels {
                // In stereo, bursts alternate between left and right.
                let on = channels == 1 || usize::from(c) == b % 2;
                w.write_sample(if on { v } else { 0 })?;
            }
        }
    }
    w.finalize()?;
    Ok(path)
}

fn run(
    path: &std::path::Path,
    pacing: Pacing,
    config: &PipelineConfig,
    delay_ms: u64,
    release_after: usize,
) -> Result<(
    Vec<SpeechEvent>,
    Vec<usize>,
    copilot_speech::PipelineSummary,
)> {
    let (go_tx, go_rx): (SyncSender<()>, Receiver<()>) = sync_channel(1);
    let calls = Arc::new(Mutex::new(Vec::new()));
    let transcriber = GatedTranscriber {
        go: Some(go_rx),
        calls: calls.clone(),
    };
    let mut events = Vec::new();
    let mut ended = 0;
    let mut go = Some(go_tx);
    let mut sink = |e: SpeechEvent| {
        if matches!(e, SpeechEvent::UtteranceEnded { kept: true, .. }) {
            ended += 1;
        }
        if ended >= release_after
            && let Some(tx) = go.take()
        {
            let _ = tx.send(());
        }
        events.push(e);
    };
    let source = WavFileSource::open(path, pacing)?;
    let detector = EnergyDetector {
        delay: std::time::Duration::from_millis(delay_ms),
    };
    let summary = run_pipeline(
        Box::new(source),
        &detector,
        Box::new(transcriber),
        config,
        &mut sink,
    )?;
    let calls = calls.lock().map(|c| c.clone()).unwrap_or_default();
    Ok((events, calls, summary))
}

#[test]
fn a_busy_transcriber_gets_same_speaker_utterances_merged_not_dropped() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let wav = burst_wav(dir.path(), 8, 1)?;
    let config = PipelineConfig {
        utterance_queue: 2,
        ..PipelineConfig::default()
    };
    // The transcriber is held on its first call until all 8 utterances have ended.
    let (events, calls, summary) = run(&wav, Pacing::AsFastAsPossible, &config, 0, 8)?;
    let ended = events
        .iter()
        .filter(|e| matches!(e, SpeechEvent::UtteranceEnded { kept: true, .. }))
        .count();
    assert_eq!(ended, 8);
    let merges: Vec<&SpeechEvent> = events
        .iter()
        .filter(|e| matches!(e, SpeechEvent::Merged { .. }))
        .collect();
    assert!(!merges.is_empty(), "no merge event");
    assert!(calls.len() < 8, "{} calls: nothing was merged", calls.len());
    // No audio lost: every utterance's samples reached the transcriber (plus the silence put between merged ones).
    let utterance_samples: u64 = events
        .iter()
        .filter_map(|e| match e {
            SpeechEvent::UtteranceEnded {
                start_ms,
                end_ms,
                kept: true,
                ..
            } => Some((end_ms - start_ms) * 16),
            _ => None,
        })
        .sum();
    let gaps = (8 - calls.len()) as u64 * 300 * 16;
    let transcribed: u64 = calls.iter().map(|&n| n as u64).sum();
    assert!(
        transcribed.abs_diff(utterance_samples + gaps) <= 8 * 16,
        "{transcribed} vs {utterance_samples} + {gaps}"
    );
    assert_eq!(summary.utterances, 8);
    // Segments come out in time order and carry recording times.
    let starts: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            SpeechEvent::Segment { start_ms, .. } => Some(*start_ms),
            _ => None,
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    Ok(())
}

#[test]
fn different_speakers_are_never_merged_and_keep_their_channel() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let wav = burst_wav(dir.path(), 6, 2)?;
    let config = PipelineConfig {
        utterance_queue: 8,
        ..PipelineConfig::default()
    };
    let (events, calls, _) = run(&wav, Pacing::AsFastAsPossible, &config, 0, 6)?;
    assert_eq!(calls.len(), 6, "alternating speakers must not be merged");
    let speakers: Vec<Channel> = events
        .iter()
        .filter_map(|e| match e {
            SpeechEvent::Segment { speaker, .. } => Some(*speaker),
            _ => None,
        })
        .collect();
    assert_eq!(
        speakers,
        [Channel::Interviewer, Channel::Candidate].repeat(3)
    );
    // Segment times map back to where each burst is in the file (bursts every 2 s, 100 ms padding).
    let starts: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            SpeechEvent::Segment { start_ms, .. } => Some(*start_ms),
            _ => None,
        })
        .collect();
    for (i, s) in starts.iter().enumerate() {
        assert!(
            s.abs_diff(i as u64 * 2000) <= 150,
            "burst {i} starts at {s} ms"
        );
    }
    Ok(())
}

#[test]
fn a_slow_consumer_of_a_realtime_source_counts_dropped_frames() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let wav = burst_wav(dir.path(), 2, 2)?;
    // VAD slower than real time (40 ms per 32 ms window per channel) with a 4-frame queue.
    let config = PipelineConfig {
        frame_queue: 4,
        ..PipelineConfig::default()
    };
    let (events, _, summary) = run(&wav, Pacing::RealTime, &config, 40, 0)?;
    let reported: u64 = events
        .iter()
        .filter_map(|e| match e {
            SpeechEvent::Dropped { count, .. } => Some(*count),
            _ => None,
        })
        .sum();
    assert!(summary.dropped_frames > 0, "nothing dropped");
    assert!(
        reported > 0 && reported <= summary.dropped_frames,
        "{reported} reported of {}",
        summary.dropped_frames
    );
    Ok(())
}

/// Takes `delay` per call and returns one segment.
struct SlowTranscriber {
    delay: std::time::Duration,
}

impl Transcriber for SlowTranscriber {
    fn transcribe(&mut self, audio: &[f32]) -> Result<Vec<TranscribedSegment>, SpeechError> {
        std::thread::sleep(self.delay);
        Ok(vec![TranscribedSegment {
            start_ms: 0,
            end_ms: audio.len() as u64 / 16,
            text: "words".into(),
            confidence: 1.0,
            language: "en".into(),
        }])
    }
}

/// Kept utterance ends, and (end_ms, done_ms) of every Timing event.
struct Observed {
    ends: Vec<u64>,
    timings: Vec<(u64, u64)>,
}

#[test]
fn timing_events_carry_the_utterance_end_and_the_wall_clock_time_of_the_transcript() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let wav = burst_wav(dir.path(), 2, 1)?;
    let delay_ms = 400;
    let observe = |pacing: Pacing| -> Result<Observed> {
        let mut ends = Vec::new();
        let mut timings = Vec::new();
        let mut sink = |e: SpeechEvent| match e {
            SpeechEvent::UtteranceEnded {
                end_ms, kept: true, ..
            } => ends.push(end_ms),
            SpeechEvent::Timing {
                end_ms, done_ms, ..
            } => timings.push((end_ms, done_ms)),
            _ => {}
        };
        run_pipeline(
            Box::new(WavFileSource::open(&wav, pacing)?),
            &EnergyDetector {
                delay: std::time::Duration::ZERO,
            },
            Box::new(SlowTranscriber {
                delay: std::time::Duration::from_millis(delay_ms),
            }),
            &PipelineConfig::default(),
            &mut sink,
        )?;
        Ok(Observed { ends, timings })
    };

    // Paced like a live recording: each transcript comes after its utterance was heard, plus the call.
    let Observed {
        ends,
        timings: live,
    } = observe(Pacing::RealTime)?;
    assert_eq!(ends.len(), 2, "{ends:?}");
    assert_eq!(
        live.iter().map(|t| t.0).collect::<Vec<_>>(),
        ends,
        "Timing.end_ms must be the utterance's end"
    );
    for (end_ms, done_ms) in &live {
        let latency = done_ms.saturating_sub(*end_ms);
        assert!(
            done_ms >= end_ms && latency >= delay_ms && latency < delay_ms + 3_000,
            "utterance ending at {end_ms} ms transcribed at {done_ms} ms"
        );
    }

    // As fast as possible: wall-clock time, so both transcripts are ready long before the 4 s of audio
    // would have played.
    let fast = observe(Pacing::AsFastAsPossible)?.timings;
    let last_done = fast.last().map(|t| t.1).unwrap_or(u64::MAX);
    assert!(last_done < 2 * delay_ms + 1_500, "done at {last_done} ms");
    Ok(())
}
