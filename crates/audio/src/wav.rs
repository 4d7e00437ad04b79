//! Audio file source: WAV (hound) or FLAC (claxon, see `flac.rs`), told apart by their first bytes, not
//! by the file name. Mono files are the `shared` channel; stereo files are left = interviewer, right =
//! candidate. Any sample rate is resampled to 16 kHz.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::flac::{FLAC_MAGIC, FlacDecoder};
use crate::{
    AudioError, AudioEvent, AudioFrame, AudioSource, Channel, FrameSender, Resampler, SourceHandle,
    TARGET_SAMPLE_RATE,
};

/// How fast a file is played into the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// At the speed of a live recording; frames that do not fit the queue are dropped and counted,
    /// exactly like a microphone.
    RealTime,
    /// As fast as the consumer takes them (waits for room, so nothing is dropped).
    AsFastAsPossible,
}

/// The container of an audio file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFileFormat {
    Wav,
    Flac,
}

impl AudioFileFormat {
    /// FLAC when the file starts with `fLaC`, else WAV (whose reader names what is wrong with a file
    /// that is neither).
    pub fn detect(path: &Path) -> Result<AudioFileFormat, AudioError> {
        let mut head = [0u8; 4];
        let mut file = File::open(path).map_err(|e| AudioError::OpenFile {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        let mut filled = 0;
        while filled < head.len() {
            match file.read(&mut head[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(AudioError::OpenFile {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    });
                }
            }
        }
        Ok(if filled == 4 && &head == FLAC_MAGIC {
            AudioFileFormat::Flac
        } else {
            AudioFileFormat::Wav
        })
    }
}

/// An open WAV or FLAC reader handing out interleaved `f32` samples.
enum FileDecoder {
    Wav(hound::WavReader<BufReader<File>>),
    Flac(Box<FlacDecoder>),
}

impl FileDecoder {
    fn open(path: &Path, format: AudioFileFormat) -> Result<FileDecoder, AudioError> {
        Ok(match format {
            AudioFileFormat::Wav => {
                FileDecoder::Wav(hound::WavReader::open(path).map_err(|e| {
                    AudioError::OpenFile {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    }
                })?)
            }
            AudioFileFormat::Flac => FileDecoder::Flac(Box::new(FlacDecoder::open(path)?)),
        })
    }

    /// (channels, sample rate, frames per channel).
    fn layout(&self) -> (u16, u32, u64) {
        match self {
            FileDecoder::Wav(r) => (
                r.spec().channels,
                r.spec().sample_rate,
                u64::from(r.duration()),
            ),
            FileDecoder::Flac(f) => (f.channels(), f.sample_rate(), f.total_frames()),
        }
    }

    /// Up to `max` interleaved samples; fewer only at the end of the file.
    fn read(&mut self, path: &Path, max: usize) -> Result<Vec<f32>, AudioError> {
        match self {
            FileDecoder::Wav(r) => read_f32(r, path, max),
            FileDecoder::Flac(f) => f.read(max),
        }
    }

    /// After a short read: the error that ended the file early, if one did.
    fn finish(&mut self) -> Result<(), AudioError> {
        match self {
            FileDecoder::Wav(_) => Ok(()),
            FileDecoder::Flac(f) => f.finish(),
        }
    }

    /// Every remaining sample; an error anywhere (even after samples that decoded) fails the whole read.
    fn read_to_end(&mut self, path: &Path) -> Result<Vec<f32>, AudioError> {
        let mut all = Vec::new();
        loop {
            let block = self.read(path, 1 << 16)?;
            if block.is_empty() {
                return Ok(all);
            }
            all.extend(block);
        }
    }
}

/// A WAV or FLAC file played as an audio source, resampled to 16 kHz.
pub struct WavFileSource {
    path: PathBuf,
    format: AudioFileFormat,
    pacing: Pacing,
    frame_ms: u32,
    channels: Vec<Channel>,
    sample_rate: u32,
    total_frames: u64,
}

/// The file source under a name that says it is not only WAV.
pub type AudioFileSource = WavFileSource;

impl WavFileSource {
    /// Open and check the file (WAV or FLAC, told apart by its first bytes; format and channel count)
    /// now, so errors show before anything starts.
    pub fn open(path: impl AsRef<Path>, pacing: Pacing) -> Result<WavFileSource, AudioError> {
        let path = path.as_ref().to_path_buf();
        let format = AudioFileFormat::detect(&path)?;
        let decoder = FileDecoder::open(&path, format)?;
        let (channel_count, sample_rate, total_frames) = decoder.layout();
        let channels = match channel_count {
            1 => vec![Channel::Shared],
            2 => vec![Channel::Interviewer, Channel::Candidate],
            n => {
                return Err(AudioError::UnsupportedChannels {
                    path: path.display().to_string(),
                    channels: n,
                });
            }
        };
        Ok(WavFileSource {
            path,
            format,
            pacing,
            frame_ms: 20,
            channels,
            sample_rate,
            total_frames,
        })
    }

    /// Frame length in milliseconds (default 20).
    pub fn with_frame_ms(mut self, frame_ms: u32) -> WavFileSource {
        self.frame_ms = frame_ms.max(1);
        self
    }

    /// The file's own sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// WAV or FLAC.
    pub fn format(&self) -> AudioFileFormat {
        self.format
    }

    /// Length in seconds (0 for a FLAC stream whose header does not say).
    pub fn duration_s(&self) -> f64 {
        self.total_frames as f64 / f64::from(self.sample_rate.max(1))
    }

    /// Read the whole file now as 16 kHz channels (for batch use and tests).
    pub fn read_all(&self) -> Result<Vec<(Channel, Vec<f32>)>, AudioError> {
        let mut decoder = FileDecoder::open(&self.path, self.format)?;
        let interleaved = decoder.read_to_end(&self.path)?;
        let n = self.channels.len();
        Ok(self
            .channels
            .iter()
            .enumerate()
            .map(|(c, &ch)| {
                let mono: Vec<f32> = interleaved.iter().skip(c).step_by(n).copied().collect();
                (
                    ch,
                    crate::resample_all(&mono, self.sample_rate, TARGET_SAMPLE_RATE),
                )
            })
            .collect())
    }
}

fn read_f32<R: std::io::Read>(
    reader: &mut hound::WavReader<R>,
    path: &Path,
    max: usize,
) -> Result<Vec<f32>, AudioError> {
    let spec = reader.spec();
    let mut out = Vec::new();
    let bad = |at: usize, e: hound::Error| AudioError::ReadFile {
        path: path.display().to_string(),
        at: at as u64,
        detail: e.to_string(),
    };
    match spec.sample_format {
        hound::SampleFormat::Float => {
            for s in reader.samples::<f32>().take(max) {
                out.push(s.map_err(|e| bad(out.len(), e))?);
            }
        }
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            for s in reader.samples::<i32>().take(max) {
                out.push(s.map_err(|e| bad(out.len(), e))? as f32 * scale);
            }
        }
    }
    Ok(out)
}

impl AudioSource for WavFileSource {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn channels(&self) -> Vec<Channel> {
        self.channels.clone()
    }

    fn start(self: Box<Self>, sink: FrameSender) -> Result<SourceHandle, AudioError> {
        let mut decoder = FileDecoder::open(&self.path, self.format)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wav-source".into())
            .spawn(move || {
                let source = *self;
                let n = source.channels.len();
                let frames_per_block =
                    (source.sample_rate as usize * source.frame_ms as usize / 1000).max(1);
                let mut resamplers: Vec<Resampler> = (0..n)
                    .map(|_| Resampler::new(source.sample_rate, TARGET_SAMPLE_RATE))
                    .collect();
                let mut produced = vec![0u64; n];
                let started = Instant::now();
                let mut input_frames_read = 0u64;
                let send = |event: AudioEvent| match source.pacing {
                    Pacing::RealTime => {
                        sink.try_send(event);
                        true
                    }
                    Pacing::AsFastAsPossible => sink.send_waiting(event),
                };
                loop {
                    if stop_flag.load(Ordering::SeqCst) {
                        break;
                    }
                    let block = match decoder.read(&source.path, frames_per_block * n) {
                        Ok(b) => b,
                        Err(e) => {
                            send(AudioEvent::Warning {
                                message: e.to_string(),
                            });
                            break;
                        }
                    };
                    let at_end = block.len() < frames_per_block * n;
                    input_frames_read += (block.len() / n) as u64;
                    for (c, resampler) in resamplers.iter_mut().enumerate() {
                        let mono: Vec<f32> = block.iter().skip(c).step_by(n).copied().collect();
                        let mut samples = resampler.process(&mono);
                        if at_end {
                            samples.extend(resampler.finish());
                        }
                        if samples.is_empty() {
                            continue;
                        }
                        let start_us = produced[c] * 1_000_000 / u64::from(TARGET_SAMPLE_RATE);
                        produced[c] += samples.len() as u64;
                        let frame = AudioFrame {
                            channel: source.channels[c],
                            start_us,
                            sample_rate: TARGET_SAMPLE_RATE,
                            samples,
                        };
                        if !send(AudioEvent::Frame(frame)) {
                            return;
                        }
                    }
                    if source.pacing == Pacing::RealTime {
                        let due = Duration::from_micros(
                            input_frames_read * 1_000_000 / u64::from(source.sample_rate.max(1)),
                        );
                        let elapsed = started.elapsed();
                        if due > elapsed {
                            std::thread::sleep(due - elapsed);
                        }
                    }
                    if at_end {
                        // A decoding error held back behind the samples before it.
                        if let Err(e) = decoder.finish() {
                            send(AudioEvent::Warning {
                                message: e.to_string(),
                            });
                        }
                        break;
                    }
                }
                // The end marker must arrive even when the queue is momentarily full.
                sink.send_unless_stopped(AudioEvent::End, &stop_flag);
            })
            .map_err(|e| AudioError::Thread(e.to_string()))?;
        Ok(SourceHandle::new(stop, thread))
    }
}
