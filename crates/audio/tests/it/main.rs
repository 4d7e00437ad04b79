//! Integration tests of copilot-audio: WAV sources (channel labels, timestamps, pacing, errors), the
//! bounded queue, the resampler, and cpal's device listing and error paths (this machine has no sound card).

mod combined;
mod flac;

use std::path::{Path, PathBuf};

use anyhow::Result;
use copilot_audio::{
    AudioError, AudioEvent, AudioSource, Channel, CpalInputSource, Pacing, WavFileSource,
    frame_queue, list_input_devices, resample_all,
};

fn write_wav(
    dir: &Path,
    name: &str,
    rate: u32,
    channels: u16,
    seconds: f32,
    tone_hz: [f32; 2],
) -> Result<PathBuf> {
    let path = dir.join(name);
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec)?;
    for i in 0..(rate as f32 * seconds) as usize {
        for c in 0..channels as usize {
            let t = i as f32 / rate as f32;
            let v = 0.5 * (2.0 * std::f32::consts::PI * tone_hz[c % 2] * t).sin();
            w.write_sample((v * 32767.0) as i16)?;
        }
    }
    w.finalize()?;
    Ok(path)
}

fn collect(source: WavFileSource, capacity: usize) -> Result<Vec<AudioEvent>> {
    let (tx, rx) = frame_queue(capacity);
    let handle = Box::new(source).start(tx)?;
    let mut events = Vec::new();
    while let Some(e) = rx.recv() {
        let end = e == AudioEvent::End;
        events.push(e);
        if end {
            break;
        }
    }
    handle.join();
    Ok(events)
}

/// Frequency estimated from zero crossings.
fn dominant_hz(samples: &[f32], rate: u32) -> f32 {
    let crossings = samples
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    crossings as f32 / 2.0 / (samples.len() as f32 / rate as f32)
}

#[test]
fn stereo_wav_is_split_into_interviewer_and_candidate_at_16_khz() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = write_wav(dir.path(), "s.wav", 44_100, 2, 1.0, [300.0, 1200.0])?;
    let source = WavFileSource::open(&path, Pacing::AsFastAsPossible)?;
    assert_eq!(
        source.channels(),
        vec![Channel::Interviewer, Channel::Candidate]
    );
    let events = collect(source, 8)?;
    assert_eq!(events.last(), Some(&AudioEvent::End));
    for channel in [Channel::Interviewer, Channel::Candidate] {
        let frames: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                AudioEvent::Frame(f) if f.channel == channel => Some(f),
                _ => None,
            })
            .collect();
        // Timestamps are contiguous: each frame starts where the previous one ended.
        let mut expected = 0;
        for f in &frames {
            assert_eq!(f.sample_rate, 16_000);
            assert!(
                f.start_us.abs_diff(expected) <= 1,
                "{} vs {expected}",
                f.start_us
            );
            expected = f.start_us + f.duration_us();
        }
        let samples: Vec<f32> = frames
            .iter()
            .flat_map(|f| f.samples.iter().copied())
            .collect();
        assert!(
            samples.len().abs_diff(16_000) <= 1,
            "{} samples",
            samples.len()
        );
        let hz = dominant_hz(&samples[800..15_200], 16_000);
        let want = if channel == Channel::Interviewer {
            300.0
        } else {
            1200.0
        };
        assert!((hz - want).abs() < want * 0.02, "{channel:?}: {hz} Hz");
    }
    Ok(())
}

#[test]
fn mono_wav_is_the_shared_channel() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = write_wav(dir.path(), "m.wav", 16_000, 1, 0.5, [440.0, 0.0])?;
    let source = WavFileSource::open(&path, Pacing::AsFastAsPossible)?;
    assert_eq!(source.channels(), vec![Channel::Shared]);
    let all = source.read_all()?;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1.len(), 8_000);
    let events = collect(source, 2)?;
    assert!(events.iter().all(|e| match e {
        AudioEvent::Frame(f) => f.channel == Channel::Shared,
        other => *other == AudioEvent::End,
    }));
    Ok(())
}

#[test]
fn realtime_pacing_into_a_full_queue_drops_and_counts_instead_of_blocking() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = write_wav(dir.path(), "r.wav", 16_000, 2, 0.5, [440.0, 880.0])?;
    let source = WavFileSource::open(&path, Pacing::RealTime)?;
    let (tx, rx) = frame_queue(3);
    let handle = Box::new(source).start(tx)?;
    // Nobody reads while the source plays: a real-time producer must drop and count, not wait.
    // 0.5 s of 20 ms frames on two channels = 50 frames; 3 fit in the queue.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while rx.dropped() < 47 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut frames = 0;
    loop {
        match rx.recv() {
            Some(AudioEvent::Frame(_)) => frames += 1,
            Some(AudioEvent::End) | None => break,
            Some(_) => {}
        }
    }
    handle.join();
    assert_eq!(frames, 3);
    assert_eq!(rx.dropped(), 47);
    Ok(())
}

#[test]
fn bad_files_get_errors_that_say_what_to_do() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let missing = WavFileSource::open(dir.path().join("nope.wav"), Pacing::RealTime)
        .err()
        .map(|e| e.to_string());
    assert!(missing.is_some_and(|m| m.contains("nope.wav") && m.contains("check the path")));
    let not_wav = dir.path().join("x.flac");
    std::fs::write(&not_wav, b"fLaC\0\0\0\"not really")?;
    assert!(matches!(
        WavFileSource::open(&not_wav, Pacing::RealTime),
        Err(AudioError::OpenFile { .. })
    ));
    let three = write_wav(dir.path(), "3.wav", 16_000, 3, 0.1, [100.0, 200.0])?;
    let err = WavFileSource::open(&three, Pacing::RealTime)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("3 channels") && err.contains("stereo"),
        "{err}"
    );
    Ok(())
}

#[test]
fn resampling_keeps_the_frequency_and_the_duration() {
    for (rate, hz) in [
        (48_000u32, 1_000.0f32),
        (44_100, 440.0),
        (8_000, 500.0),
        (22_050, 3_000.0),
    ] {
        let input: Vec<f32> = (0..rate as usize)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
            .collect();
        let out = resample_all(&input, rate, 16_000);
        assert!(
            out.len().abs_diff(16_000) <= 1,
            "{rate}: {} samples",
            out.len()
        );
        let measured = dominant_hz(&out[400..15_600], 16_000);
        assert!(
            (measured - hz).abs() < hz * 0.01,
            "{rate} Hz input: {measured} Hz, want {hz}"
        );
        let peak = out[400..15_600].iter().fold(0f32, |m, x| m.max(x.abs()));
        assert!((peak - 1.0).abs() < 0.02, "{rate}: amplitude {peak}");
    }
    // Above the new Nyquist frequency (8 kHz) is filtered out, not aliased.
    let input: Vec<f32> = (0..48_000)
        .map(|i| (2.0 * std::f32::consts::PI * 12_000.0 * i as f32 / 48_000.0).sin())
        .collect();
    let out = resample_all(&input, 48_000, 16_000);
    let peak = out[400..15_600].iter().fold(0f32, |m, x| m.max(x.abs()));
    assert!(peak < 0.01, "12 kHz leaked through at {peak}");
}

#[test]
fn device_listing_never_panics_and_unknown_devices_name_the_alternatives() {
    match list_input_devices() {
        Ok(devices) => {
            eprintln!("input devices: {devices:?}");
            let err = CpalInputSource::by_name("no such microphone", Channel::Shared)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.is_some_and(|e| e.contains("no such microphone") && e.contains("pick one of"))
            );
        }
        Err(e) => assert!(e.to_string().contains("sound server"), "{e}"),
    }
    // No sound card here: opening the default input either fails with a clear error or (with an ALSA null
    // device configured) opens; either way it does not panic.
    match CpalInputSource::default_input(Channel::Shared) {
        Ok(source) => {
            let (tx, _rx) = frame_queue(4);
            match Box::new(source).start(tx) {
                Ok(handle) => handle.stop(),
                Err(e) => assert!(e.to_string().contains("cannot be opened"), "{e}"),
            }
        }
        Err(e) => eprintln!("default input: {e}"),
    }
}
