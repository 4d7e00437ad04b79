//! FLAC input: files that `sox` encodes from the committed `tests/data/two-voices-22k.wav` (1 s, 22,050 Hz,
//! 16-bit, left and right voices from espeak-ng) must give exactly the samples of the same audio as WAV, in
//! batch and streamed, whatever the file is called; damaged FLAC files give errors, never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use copilot_audio::{
    AudioError, AudioEvent, AudioFileFormat, AudioFrame, AudioSource, Channel, Pacing,
    WavFileSource, frame_queue,
};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/two-voices-22k.wav")
}

/// Run `sox <args>`; sox is installed by scripts/install-system-deps.sh.
fn sox(args: &[&str]) -> Result<()> {
    let out = Command::new("sox")
        .args(args)
        .output()
        .context("cannot run sox: install it (scripts/install-system-deps.sh)")?;
    if !out.status.success() {
        bail!(
            "sox {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().context("non-UTF-8 temp path")
}

/// Samples per channel, in the source's channel order.
type PerChannel = Vec<(Channel, Vec<f32>)>;

/// All frames of `path` streamed as fast as possible, grouped per channel, and the warnings.
fn stream(path: &Path) -> Result<(PerChannel, Vec<String>)> {
    let source = WavFileSource::open(path, Pacing::AsFastAsPossible)?;
    let channels = source.channels();
    let (tx, rx) = frame_queue(64);
    let handle = Box::new(source).start(tx)?;
    let mut per_channel: PerChannel = channels.iter().map(|&c| (c, Vec::new())).collect();
    let mut warnings = Vec::new();
    while let Some(event) = rx.recv() {
        match event {
            AudioEvent::Frame(AudioFrame {
                channel, samples, ..
            }) => {
                if let Some((_, all)) = per_channel.iter_mut().find(|(c, _)| *c == channel) {
                    all.extend(samples);
                }
            }
            AudioEvent::Warning { message } => warnings.push(message),
            AudioEvent::End => break,
            AudioEvent::DeviceLost { .. } => bail!("a file source reported a lost device"),
        }
    }
    handle.join();
    Ok((per_channel, warnings))
}

#[test]
fn flac_encoded_by_sox_gives_the_samples_of_the_wav_streamed_and_in_batch() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let d = |name: &str| dir.path().join(name);
    let src = fixture();
    // (name, sox effects and options for the reference WAV, FLAC bit depth, expected channels)
    let cases: [(&str, &[&str], &str, &[Channel]); 4] = [
        (
            "stereo16",
            &[],
            "16",
            &[Channel::Interviewer, Channel::Candidate],
        ),
        (
            "stereo24",
            &[],
            "24",
            &[Channel::Interviewer, Channel::Candidate],
        ),
        ("mono16", &["remix", "1"], "16", &[Channel::Shared]),
        // Another rate: resampled to 16 kHz exactly like the WAV at that rate.
        (
            "mono24-44k",
            &["remix", "2", "rate", "44100"],
            "24",
            &[Channel::Shared],
        ),
    ];
    for (name, effects, bits, channels) in cases {
        let wav = d(&format!("{name}.wav"));
        let mut args = vec![path_str(&src)?, "-b", "16", path_str(&wav)?];
        args.extend_from_slice(effects);
        sox(&args)?;
        // Named .wav on purpose: the format comes from the first bytes, not from the name.
        let flac = d(&format!("{name}-really-flac.wav"));
        sox(&[path_str(&wav)?, "-t", "flac", "-b", bits, path_str(&flac)?])?;
        assert_eq!(&std::fs::read(&flac)?[..4], b"fLaC");

        let from_wav = WavFileSource::open(&wav, Pacing::AsFastAsPossible)?;
        let from_flac = WavFileSource::open(&flac, Pacing::AsFastAsPossible)?;
        assert_eq!(from_wav.format(), AudioFileFormat::Wav);
        assert_eq!(from_flac.format(), AudioFileFormat::Flac, "{name}");
        assert_eq!(from_flac.channels(), channels, "{name}");
        assert_eq!(from_flac.sample_rate(), from_wav.sample_rate(), "{name}");
        assert!(
            (from_flac.duration_s() - 1.0).abs() < 1e-3,
            "{name}: {} s",
            from_flac.duration_s()
        );

        let batch_wav = from_wav.read_all()?;
        let batch_flac = from_flac.read_all()?;
        assert_eq!(batch_flac.len(), channels.len());
        for ((cw, w), (cf, f)) in batch_wav.iter().zip(&batch_flac) {
            assert_eq!(cw, cf);
            // 1 s at 16 kHz, and not silence.
            assert!(f.len().abs_diff(16_000) <= 2, "{name}: {} samples", f.len());
            assert!(f.iter().any(|s| s.abs() > 0.05), "{name}: {cf:?} is silent");
            assert!(w == f, "{name} {cf:?}: FLAC samples differ from the WAV's");
        }

        let (streamed_wav, warnings_wav) = stream(&wav)?;
        let (streamed_flac, warnings_flac) = stream(&flac)?;
        assert!(warnings_wav.is_empty() && warnings_flac.is_empty());
        assert!(
            streamed_wav == streamed_flac,
            "{name}: streamed FLAC differs from streamed WAV"
        );
    }
    Ok(())
}

#[test]
fn damaged_flac_files_give_errors_naming_the_file_and_the_fix() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let good = dir.path().join("good.flac");
    sox(&[path_str(&fixture())?, "-b", "16", path_str(&good)?])?;
    let bytes = std::fs::read(&good)?;
    assert!(bytes.len() > 20_000, "{} bytes", bytes.len());

    // Cut in the middle of the audio frames: opening works (the header is intact), reading fails with a
    // clear error after handing out what decoded.
    let truncated = dir.path().join("truncated.flac");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2])?;
    let source = WavFileSource::open(&truncated, Pacing::AsFastAsPossible)?;
    let err = source.read_all().err().map(|e| e.to_string());
    let Some(err) = err else {
        bail!("a truncated FLAC file read without error")
    };
    assert!(
        err.contains("truncated.flac") && err.contains("truncated") && err.contains("re-encode"),
        "{err}"
    );
    let (streamed, warnings) = stream(&truncated)?;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("truncated.flac"), "{}", warnings[0]);
    // The decodable first part still arrives (a little under half a second per channel).
    for (channel, samples) in &streamed {
        assert!(
            (4_000..8_000).contains(&samples.len()),
            "{channel:?}: {} samples kept",
            samples.len()
        );
    }

    // Damaged audio data (bytes overwritten after the header): a CRC or format error, not garbage.
    let mut flipped = bytes.clone();
    let middle = bytes.len() / 2;
    for b in &mut flipped[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let corrupt = dir.path().join("corrupt.flac");
    std::fs::write(&corrupt, &flipped)?;
    let err = WavFileSource::open(&corrupt, Pacing::AsFastAsPossible)?
        .read_all()
        .err();
    assert!(
        matches!(&err, Some(AudioError::ReadFile { path, .. }) if path.ends_with("corrupt.flac")),
        "{err:?}"
    );

    // Cut inside the stream header: the file does not open.
    let stub = dir.path().join("stub.flac");
    std::fs::write(&stub, &bytes[..20])?;
    let err = WavFileSource::open(&stub, Pacing::RealTime)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("stub.flac") && err.contains("FLAC") && err.contains("check the path"),
        "{err}"
    );
    Ok(())
}
