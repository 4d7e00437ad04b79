//! Live audio from the window: level meter, devices, and a recording run into a shared session that
//! takes notes while it listens and stops on request.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use copilot_audio::{Pacing, WavFileSource};
use copilot_core::engine::EngineInput;
use copilot_core::{
    AudioInput, ErrorCode, LevelMeter, LiveEvent, LiveSession, MeterEvent, ReplaySettings,
    StopSignal, signal_level,
};
use copilot_speech::SpeechEvent;

use super::open_fresh;

/// A 16 kHz mono WAV: `silent_ms` of silence, then `tone_ms` of a 440 Hz sine of `amplitude`.
fn tone_wav(path: &Path, silent_ms: u32, tone_ms: u32, amplitude: f32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for _ in 0..silent_ms * 16 {
        writer.write_sample(0i16).unwrap();
    }
    for n in 0..tone_ms * 16 {
        let t = n as f32 / 16_000.0;
        let sample = amplitude * (2.0 * std::f32::consts::PI * 440.0 * t).sin();
        writer.write_sample((sample * 32767.0) as i16).unwrap();
    }
    writer.finalize().unwrap();
}

/// Collects a meter's events until it reports that it stopped (or 10 s pass).
fn collect_until_stopped(events: &Arc<Mutex<Vec<MeterEvent>>>) -> Vec<MeterEvent> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        {
            let seen = events.lock().unwrap();
            if matches!(seen.last(), Some(MeterEvent::Stopped { .. })) || Instant::now() > deadline
            {
                return seen.clone();
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn signal_level_is_rms_and_peak() {
    assert_eq!(signal_level(&[]), (0.0, 0.0));
    let (rms, peak) = signal_level(&[0.5, -0.5, 0.5, -0.5]);
    assert!(
        (rms - 0.5).abs() < 1e-6 && (peak - 0.5).abs() < 1e-6,
        "{rms} {peak}"
    );
    let (rms, peak) = signal_level(&[0.0, 0.0, 0.0, -0.8]);
    assert!(
        (rms - 0.4).abs() < 1e-6 && (peak - 0.8).abs() < 1e-6,
        "{rms} {peak}"
    );
}

#[test]
fn the_level_meter_follows_the_loudness_of_a_recording() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("tone.wav");
    tone_wav(&wav, 500, 500, 0.5);
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let source = WavFileSource::open(&wav, Pacing::AsFastAsPossible).unwrap();
    let meter = LevelMeter::start(Box::new(source), 100, move |event| {
        sink.lock().unwrap().push(event)
    })
    .unwrap();
    let seen = collect_until_stopped(&events);
    meter.stop();
    let levels: Vec<(f32, f32)> = seen
        .iter()
        .filter_map(|e| match e {
            MeterEvent::Level { rms, peak } => Some((*rms, *peak)),
            MeterEvent::Stopped { .. } => None,
        })
        .collect();
    assert_eq!(
        levels.len(),
        10,
        "one level per 100 ms of a 1 s file: {levels:?}"
    );
    for (rms, peak) in &levels[..5] {
        assert!(
            *rms < 0.001 && *peak < 0.001,
            "silence reads as silence: {levels:?}"
        );
    }
    // A sine of amplitude 0.5 has an RMS of 0.5 / sqrt(2).
    for (rms, peak) in &levels[5..] {
        assert!((rms - 0.3536).abs() < 0.01, "tone rms: {levels:?}");
        assert!((peak - 0.5).abs() < 0.01, "tone peak: {levels:?}");
    }
    assert_eq!(
        seen.last(),
        Some(&MeterEvent::Stopped { reason: None }),
        "the end of the file stops the meter"
    );
}

#[test]
fn a_level_meter_stops_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("long.wav");
    tone_wav(&wav, 0, 10_000, 0.3);
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let source = WavFileSource::open(&wav, Pacing::RealTime).unwrap();
    let meter = LevelMeter::start(Box::new(source), 100, move |event| {
        sink.lock().unwrap().push(event)
    })
    .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    meter.stop();
    let seen = events.lock().unwrap().clone();
    let levels = seen
        .iter()
        .filter(|e| matches!(e, MeterEvent::Level { .. }))
        .count();
    assert!(
        levels < 50,
        "stopped long before the 10 s file ended: {levels} levels"
    );
    assert_eq!(seen.last(), Some(&MeterEvent::Stopped { reason: None }));
}

#[test]
fn unknown_devices_are_named_in_the_error() {
    // Without a sound card the list is empty or an error; either way nothing panics.
    match copilot_core::input_devices() {
        Ok(devices) => assert!(
            devices
                .iter()
                .all(|d| !d.name.is_empty() && d.driver.as_deref() != Some("null")),
            "{devices:?}"
        ),
        Err(error) => {
            assert_eq!(error.code, ErrorCode::Speech);
            assert!(!error.message.is_empty());
        }
    }
    let error = LevelMeter::for_device(Some("No Such Microphone 42"), |_| {})
        .err()
        .expect("no device has that name");
    assert_eq!(error.code, ErrorCode::Speech);
    assert!(
        error.message.contains("No Such Microphone 42"),
        "{}",
        error.message
    );
}

fn sales_recording() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interviews/audio/dev-sales-en-01/stereo.wav");
    assert!(
        path.is_file(),
        "{} is missing: run tests/fixtures/interviews/make_audio.sh",
        path.display()
    );
    path
}

/// The 400 s sales recording through the real pipeline into a shared session: notes are taken
/// while it listens, and a stop request after the first recognised answer ends it early with what
/// was heard kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_session_takes_notes_while_listening_and_stops_on_request() {
    let (dir, _secrets, copilot) = open_fresh().await;
    let interview = copilot.create_demo_interview().await.unwrap();
    let live = LiveSession::new(copilot.start_session(&interview.id).await.unwrap());
    assert_eq!(live.interview_id(), interview.id);
    let stop = StopSignal::new();
    let input = AudioInput::File {
        path: sales_recording().display().to_string(),
    };

    let (totals, segments, notes_taken) = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut segments = Vec::new();
            let totals = copilot.listen(
                &live,
                &input,
                &ReplaySettings::default(),
                &stop,
                &mut |event| {
                    if let LiveEvent::Speech(SpeechEvent::Segment {
                        speaker, end_ms, ..
                    }) = event
                    {
                        segments.push((speaker, end_ms));
                        if speaker == copilot_audio::Channel::Candidate {
                            stop.stop();
                        }
                    }
                },
            );
            (totals, segments)
        });
        let mut notes = 0u64;
        while !worker.is_finished() {
            live.apply(EngineInput::Note {
                at_ms: notes,
                text: format!("note {notes}"),
                competency: None,
            })
            .unwrap();
            notes += 1;
            std::thread::sleep(Duration::from_millis(20));
        }
        let (totals, segments) = worker.join().unwrap();
        (totals.unwrap(), segments, notes)
    });

    assert!(
        notes_taken >= 5,
        "notes went in while audio ran: {notes_taken}"
    );
    assert!(
        segments
            .iter()
            .any(|(s, _)| *s == copilot_audio::Channel::Interviewer)
            && segments
                .iter()
                .any(|(s, _)| *s == copilot_audio::Channel::Candidate),
        "both sides heard before the stop: {segments:?}"
    );
    let last_heard = segments.iter().map(|(_, end)| *end).max().unwrap();
    assert!(
        last_heard < 200_000,
        "stopped early, not at the end of the 404 s recording: last segment ends at {last_heard} ms"
    );
    assert_eq!(totals.segments as usize, segments.len(), "{totals:?}");
    let state = live.state().unwrap();
    // The end of the audio closed the last turn: the engine has every turn heard.
    let (last_speaker, last_end) = *segments.last().unwrap();
    let last_turn = state.turns.last().expect("the engine has the turns heard");
    assert_eq!(last_turn.end_ms, last_end, "{:?}", state.turns);
    let expected = match last_speaker {
        copilot_audio::Channel::Interviewer => copilot_core::engine::Speaker::Interviewer,
        _ => copilot_core::engine::Speaker::Candidate,
    };
    assert_eq!(last_turn.speaker, expected);

    // Finishing takes the session out: later input is refused, the report has the notes.
    let session = live.take().unwrap();
    let refused = live.apply(EngineInput::Tick { at_ms: 1 }).err().unwrap();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert!(
        refused.message.contains("already finished"),
        "{}",
        refused.message
    );
    let again = copilot
        .listen(
            &live,
            &input,
            &ReplaySettings::default(),
            &StopSignal::new(),
            &mut |_| {},
        )
        .err()
        .unwrap();
    assert_eq!(again.code, ErrorCode::InvalidInput);
    let report = copilot.finish_session(session).await.unwrap();
    let notes_in_timeline = report
        .timeline
        .iter()
        .filter(|e| matches!(e, copilot_core::report::TimelineEntry::Note { .. }))
        .count() as u64;
    assert_eq!(
        notes_in_timeline, notes_taken,
        "every note reached the report"
    );

    let html_path = dir.path().join("report.html");
    let written = copilot
        .export_report_to_path(
            &report.report_id,
            copilot_core::ReportFormat::Html,
            &html_path,
        )
        .await
        .unwrap();
    assert_eq!(written, html_path);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        html.contains("<html") && html.contains("Alex Morgan"),
        "{}",
        &html[..200.min(html.len())]
    );
    let nowhere = dir.path().join("no-such-folder/report.json");
    let error = copilot
        .export_report_to_path(
            &report.report_id,
            copilot_core::ReportFormat::Json,
            &nowhere,
        )
        .await
        .err()
        .unwrap();
    assert_eq!(error.code, ErrorCode::Storage);
    assert!(
        error.message.contains("no-such-folder"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_missing_recording_or_device_is_an_error_naming_it() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let interview = copilot.create_demo_interview().await.unwrap();
    let live = LiveSession::new(copilot.start_session(&interview.id).await.unwrap());
    let missing = copilot
        .listen(
            &live,
            &AudioInput::File {
                path: "/nonexistent/interview.wav".into(),
            },
            &ReplaySettings::default(),
            &StopSignal::new(),
            &mut |_| {},
        )
        .err()
        .unwrap();
    assert_eq!(missing.code, ErrorCode::Speech);
    assert!(
        missing.message.contains("/nonexistent/interview.wav"),
        "{}",
        missing.message
    );
    let device = copilot
        .listen(
            &live,
            &AudioInput::Device {
                name: Some("No Such Microphone 42".into()),
                role: copilot_core::MicRole::Shared,
            },
            &ReplaySettings::default(),
            &StopSignal::new(),
            &mut |_| {},
        )
        .err()
        .unwrap();
    assert!(
        device.message.contains("No Such Microphone 42"),
        "{}",
        device.message
    );
    // Two devices: the missing one is named, nothing starts.
    let two = copilot
        .listen(
            &live,
            &AudioInput::TwoDevices {
                interviewer: None,
                candidate: "Monitor of No Such Speakers".into(),
            },
            &ReplaySettings::default(),
            &StopSignal::new(),
            &mut |_| {},
        )
        .err()
        .unwrap();
    assert!(two.message.contains("No Such Speakers"), "{}", two.message);
    // The session is unharmed.
    assert!(live.state().unwrap().turns.is_empty());
}

/// The UI's view-model tests (ui/src/live.test.ts, ui/src/reportLogic.test.ts) run on a real stream:
/// the first turns of the scripted sales interview through a session, as the window would receive
/// them, with the engine's state before and after and the report. `UPDATE_BINDINGS=1` rewrites it.
#[tokio::test]
async fn the_ui_fixture_of_a_live_stream_matches_the_engine() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let script: serde_json::Value =
        serde_json::from_slice(&super::fixture("sessions/dev-sales-en-01.json")).unwrap();
    let interview = copilot.create_demo_interview().await.unwrap();
    let mut session = copilot.start_session(&interview.id).await.unwrap();
    let initial = session.state();
    let mut events: Vec<LiveEvent> = Vec::new();
    let mut at_ms = 0u64;
    for turn in script["turns"].as_array().unwrap().iter().take(8) {
        let text = turn["text"].as_str().unwrap();
        let speaker = match turn["speaker"].as_str().unwrap() {
            "interviewer" => copilot_audio::Channel::Interviewer,
            _ => copilot_audio::Channel::Candidate,
        };
        let end_ms = at_ms + 400 * text.split_whitespace().count() as u64;
        events.push(LiveEvent::Speech(SpeechEvent::UtteranceStarted {
            speaker,
            start_ms: at_ms,
        }));
        events.push(LiveEvent::Speech(SpeechEvent::UtteranceEnded {
            speaker,
            start_ms: at_ms,
            end_ms,
            kept: true,
        }));
        let segment = SpeechEvent::Segment {
            speaker,
            start_ms: at_ms,
            end_ms,
            text: text.to_string(),
            confidence: 0.9,
            language: "en".into(),
        };
        let engine = session.apply_transcript(speaker.as_str(), at_ms, end_ms, text, "en");
        events.push(LiveEvent::Speech(segment));
        events.extend(engine.into_iter().map(LiveEvent::Engine));
        at_ms = end_ms + 800;
    }
    let asked = session
        .state()
        .asked
        .first()
        .cloned()
        .expect("the first turns ask something");
    for input in [
        EngineInput::ManualRating {
            competency: asked.clone(),
            rating: 4,
            at_ms,
        },
        EngineInput::Note {
            at_ms,
            text: "Probe the team size".into(),
            competency: Some(asked),
        },
    ] {
        events.extend(session.apply(input).into_iter().map(LiveEvent::Engine));
    }
    let last = session.state();
    assert!(
        !last.evidenced.is_empty() && !last.key_facts.is_empty(),
        "the fixture exercises evidence and facts"
    );
    let report = copilot.finish_session(session).await.unwrap();
    let mut report_json = serde_json::to_value(&report).unwrap();
    // Ids and clock times differ per run; the UI tests do not depend on them.
    report_json["report_id"] = "fixture-report".into();
    report_json["interview_id"] = "fixture-interview".into();
    report_json["generated_at"] = "2026-11-22T10:00:00+00:00".into();
    for key in ["created_at", "scheduled_at", "started_at", "ended_at"] {
        if report_json["times"][key].is_string() {
            report_json["times"][key] = "2026-11-22T09:30:00+00:00".into();
        }
    }
    report_json["candidate"]["id"] = "fixture-candidate".into();
    let fixture = serde_json::json!({
        "initial": initial,
        "events": events,
        "final": last,
        "report": report_json,
    });
    let text = serde_json::to_string_pretty(&fixture).unwrap() + "\n";
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/fixtures/live-sales-en.json");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is out of date with the engine: run `UPDATE_BINDINGS=1 cargo test -p copilot-core --test it ui_fixture`",
        path.display()
    );
}
