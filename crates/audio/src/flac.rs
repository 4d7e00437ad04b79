//! FLAC decoding (claxon, pure Rust) for the file source: 8- to 24-bit integer FLAC, any rate, interleaved
//! `f32` samples scaled like the WAV path (a 16-bit FLAC gives exactly the samples of the same 16-bit WAV).
//!
//! A file that ends early is an error, never a silent short read: a cut inside a frame fails the frame's
//! read, and a cut between frames is caught by comparing with the length the stream header announces.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::AudioError;

/// The first four bytes of every FLAC stream.
pub(crate) const FLAC_MAGIC: &[u8; 4] = b"fLaC";

/// An open FLAC file, read block by block.
pub(crate) struct FlacDecoder {
    path: PathBuf,
    reader: claxon::FlacReader<File>,
    channels: u16,
    sample_rate: u32,
    /// Scale from the integer samples to [-1, 1).
    scale: f32,
    /// Frames (one sample per channel) the header announces, if it does.
    total_frames: Option<u64>,
    /// Frames decoded so far.
    decoded_frames: u64,
    /// Decoded interleaved samples not handed out yet.
    pending: Vec<f32>,
    /// Reused decode buffer.
    buffer: Vec<i32>,
    at_end: bool,
    /// A decoding error held back until the samples decoded before it have been handed out.
    error: Option<AudioError>,
}

impl FlacDecoder {
    /// Open `path` and read its stream header.
    pub(crate) fn open(path: &Path) -> Result<FlacDecoder, AudioError> {
        let open_error = |detail: String| AudioError::OpenFile {
            path: path.display().to_string(),
            detail,
        };
        let file = File::open(path).map_err(|e| open_error(e.to_string()))?;
        let reader = claxon::FlacReader::new(file)
            .map_err(|e| open_error(format!("not a readable FLAC stream: {e}")))?;
        let info = reader.streaminfo();
        if info.bits_per_sample == 0 || info.bits_per_sample > 32 {
            return Err(open_error(format!(
                "FLAC with {} bits per sample",
                info.bits_per_sample
            )));
        }
        if info.sample_rate == 0 {
            return Err(open_error("FLAC with a sample rate of 0 Hz".into()));
        }
        Ok(FlacDecoder {
            path: path.to_path_buf(),
            channels: u16::try_from(info.channels).unwrap_or(u16::MAX),
            sample_rate: info.sample_rate,
            scale: 1.0 / (1u64 << (info.bits_per_sample - 1)) as f32,
            total_frames: info.samples.filter(|&n| n > 0),
            decoded_frames: 0,
            pending: Vec::new(),
            buffer: Vec::new(),
            at_end: false,
            error: None,
            reader,
        })
    }

    pub(crate) fn channels(&self) -> u16 {
        self.channels
    }

    pub(crate) fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Frames (samples per channel) the header announces; 0 when it does not say.
    pub(crate) fn total_frames(&self) -> u64 {
        self.total_frames.unwrap_or(0)
    }

    /// Up to `max` interleaved samples; fewer only at the end of the stream. After a decoding error, the
    /// samples decoded before it come first; the error is returned by the call after.
    pub(crate) fn read(&mut self, max: usize) -> Result<Vec<f32>, AudioError> {
        while self.pending.len() < max && !self.at_end {
            if let Err(e) = self.decode_block() {
                self.error = Some(e);
            }
        }
        if self.pending.is_empty()
            && let Some(e) = self.error.take()
        {
            return Err(e);
        }
        let n = max.min(self.pending.len());
        Ok(self.pending.drain(..n).collect())
    }

    /// The error held back by [`FlacDecoder::read`], if any.
    pub(crate) fn finish(&mut self) -> Result<(), AudioError> {
        self.error.take().map_or(Ok(()), Err)
    }

    fn damaged(&self, detail: String) -> AudioError {
        AudioError::ReadFile {
            path: self.path.display().to_string(),
            at: self.decoded_frames * u64::from(self.channels),
            detail,
        }
    }

    fn decode_block(&mut self) -> Result<(), AudioError> {
        let buffer = std::mem::take(&mut self.buffer);
        let block = match self.reader.blocks().read_next_or_eof(buffer) {
            Ok(Some(block)) => block,
            Ok(None) => {
                self.at_end = true;
                return match self.total_frames {
                    Some(total) if self.decoded_frames < total => Err(self.damaged(format!(
                        "the FLAC stream ends after {} of the {total} samples per channel its header announces (the file is truncated)",
                        self.decoded_frames
                    ))),
                    _ => Ok(()),
                };
            }
            Err(e) => {
                self.at_end = true;
                let detail = match e {
                    claxon::Error::IoError(io)
                        if io.kind() == std::io::ErrorKind::UnexpectedEof =>
                    {
                        "the FLAC stream ends in the middle of a frame (the file is truncated)"
                            .to_string()
                    }
                    other => format!("FLAC decoding failed: {other}"),
                };
                return Err(self.damaged(detail));
            }
        };
        if block.channels() != u32::from(self.channels) {
            self.at_end = true;
            return Err(self.damaged(format!(
                "a FLAC frame has {} channels where the stream header says {}",
                block.channels(),
                self.channels
            )));
        }
        let frames = block.duration();
        self.pending
            .reserve(frames as usize * usize::from(self.channels));
        for i in 0..frames {
            for c in 0..block.channels() {
                self.pending.push(block.sample(c, i) as f32 * self.scale);
            }
        }
        self.decoded_frames += u64::from(frames);
        self.buffer = block.into_buffer();
        Ok(())
    }
}
