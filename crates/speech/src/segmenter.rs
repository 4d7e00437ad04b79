//! Utterance segmentation from VAD probabilities: hysteresis (speech starts at `threshold`, silence counts
//! below `threshold - 0.15`), a minimum silence that ends an utterance, padding on both sides, and a maximum
//! length at which an utterance is split at its quietest window in the last 3 seconds.

use copilot_audio::Channel;

use crate::vad::VAD_WINDOW;

const RATE: u64 = 16_000;

/// Segmentation settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmenterConfig {
    pub threshold: f32,
    /// Silence this long ends an utterance.
    pub min_silence_ms: u32,
    /// Shorter speech is ignored (clicks, coughs).
    pub min_speech_ms: u32,
    /// Longer speech is split.
    pub max_utterance_ms: u32,
    /// Audio kept before the start and after the end of speech.
    pub pad_ms: u32,
}

impl Default for SegmenterConfig {
    fn default() -> Self {
        SegmenterConfig {
            threshold: 0.5,
            min_silence_ms: 500,
            min_speech_ms: 250,
            max_utterance_ms: 20_000,
            pad_ms: 100,
        }
    }
}

/// A stretch of one speaker's speech, 16 kHz mono.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    pub speaker: Channel,
    pub start_ms: u64,
    pub end_ms: u64,
    pub samples: Vec<f32>,
}

/// What one VAD window changed.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmenterOutput {
    Started {
        speaker: Channel,
        start_ms: u64,
    },
    Ended(Utterance),
    /// Speech that started but was too short to keep.
    Discarded {
        speaker: Channel,
        start_ms: u64,
        end_ms: u64,
    },
}

/// Segments one channel's stream of VAD windows into utterances.
pub struct Segmenter {
    speaker: Channel,
    config: SegmenterConfig,
    /// Absolute sample index of the next window.
    position: u64,
    preroll: Vec<f32>,
    in_speech: bool,
    start_sample: u64,
    samples: Vec<f32>,
    probabilities: Vec<f32>,
    silence_samples: usize,
}

fn ms(samples: u64) -> u64 {
    samples * 1000 / RATE
}

fn samples_for(ms: u32) -> usize {
    (u64::from(ms) * RATE / 1000) as usize
}

impl Segmenter {
    pub fn new(speaker: Channel, config: SegmenterConfig) -> Segmenter {
        Segmenter {
            speaker,
            config,
            position: 0,
            preroll: Vec::new(),
            in_speech: false,
            start_sample: 0,
            samples: Vec::new(),
            probabilities: Vec::new(),
            silence_samples: 0,
        }
    }

    pub fn in_speech(&self) -> bool {
        self.in_speech
    }

    /// Feed the next [`VAD_WINDOW`] samples and their speech probability.
    pub fn push(&mut self, window: &[f32], probability: f32) -> Vec<SegmenterOutput> {
        let mut out = Vec::new();
        let pad = samples_for(self.config.pad_ms);
        let window_start = self.position;
        self.position += window.len() as u64;
        if !self.in_speech {
            if probability >= self.config.threshold {
                self.in_speech = true;
                self.start_sample = window_start - self.preroll.len() as u64;
                self.samples = std::mem::take(&mut self.preroll);
                self.probabilities = vec![0.0; self.samples.len().div_ceil(VAD_WINDOW)];
                self.samples.extend_from_slice(window);
                self.probabilities.push(probability);
                self.silence_samples = 0;
                out.push(SegmenterOutput::Started {
                    speaker: self.speaker,
                    start_ms: ms(self.start_sample),
                });
            } else {
                self.preroll.extend_from_slice(window);
                if self.preroll.len() > pad {
                    let extra = self.preroll.len() - pad;
                    self.preroll.drain(..extra);
                }
            }
            return out;
        }
        self.samples.extend_from_slice(window);
        self.probabilities.push(probability);
        let negative = self.config.threshold - 0.15;
        if probability >= self.config.threshold {
            self.silence_samples = 0;
        } else if probability < negative || self.silence_samples > 0 {
            self.silence_samples += window.len();
        }
        if self.silence_samples >= samples_for(self.config.min_silence_ms) {
            let keep = (self.samples.len() - self.silence_samples + pad).min(self.samples.len());
            let tail = self.samples.split_off(keep);
            out.extend(self.close());
            // The trailing silence becomes the next utterance's pre-roll.
            self.preroll = tail;
            if self.preroll.len() > pad {
                let extra = self.preroll.len() - pad;
                self.preroll.drain(..extra);
            }
        } else if self.samples.len() >= samples_for(self.config.max_utterance_ms) {
            out.extend(self.split_at_quietest());
        }
        out
    }

    /// End of stream: close any open utterance.
    pub fn finish(&mut self) -> Vec<SegmenterOutput> {
        if self.in_speech {
            self.close()
        } else {
            Vec::new()
        }
    }

    fn close(&mut self) -> Vec<SegmenterOutput> {
        self.in_speech = false;
        self.silence_samples = 0;
        self.probabilities.clear();
        let samples = std::mem::take(&mut self.samples);
        let start_ms = ms(self.start_sample);
        let end_ms = ms(self.start_sample + samples.len() as u64);
        let speech = samples
            .len()
            .saturating_sub(2 * samples_for(self.config.pad_ms));
        if speech < samples_for(self.config.min_speech_ms) {
            return vec![SegmenterOutput::Discarded {
                speaker: self.speaker,
                start_ms,
                end_ms,
            }];
        }
        vec![SegmenterOutput::Ended(Utterance {
            speaker: self.speaker,
            start_ms,
            end_ms,
            samples,
        })]
    }

    fn split_at_quietest(&mut self) -> Vec<SegmenterOutput> {
        let windows = self.probabilities.len();
        let look_back = (3 * RATE as usize / VAD_WINDOW).min(windows.saturating_sub(1));
        let from = windows - look_back;
        let quietest = (from..windows)
            .min_by(|&a, &b| self.probabilities[a].total_cmp(&self.probabilities[b]))
            .unwrap_or(windows - 1);
        let split = (quietest * VAD_WINDOW)
            .min(self.samples.len())
            .max(VAD_WINDOW);
        let rest = self.samples.split_off(split);
        let rest_probabilities = self
            .probabilities
            .split_off(quietest.min(self.probabilities.len()));
        let first_start = self.start_sample;
        let mut out = self.close();
        self.in_speech = true;
        self.start_sample = first_start + split as u64;
        self.samples = rest;
        self.probabilities = rest_probabilities;
        out.push(SegmenterOutput::Started {
            speaker: self.speaker,
            start_ms: ms(self.start_sample),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(probabilities: &[f32], config: SegmenterConfig) -> Vec<SegmenterOutput> {
        let mut seg = Segmenter::new(Channel::Shared, config);
        let mut out = Vec::new();
        for &p in probabilities {
            out.extend(seg.push(&[p; VAD_WINDOW], p));
        }
        out.extend(seg.finish());
        out
    }

    fn spans(out: &[SegmenterOutput]) -> Vec<(u64, u64)> {
        out.iter()
            .filter_map(|o| match o {
                SegmenterOutput::Ended(u) => Some((u.start_ms, u.end_ms)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn short_pauses_stay_inside_an_utterance_and_long_ones_split_it() {
        // 32 ms windows: 1 s speech, 320 ms pause (< 500 ms), 1 s speech, 1 s silence, 1 s speech.
        let mut p = vec![0.0; 10];
        p.extend([0.9; 31]);
        p.extend([0.1; 10]);
        p.extend([0.9; 31]);
        p.extend([0.1; 31]);
        p.extend([0.9; 31]);
        let out = run(&p, SegmenterConfig::default());
        let s = spans(&out);
        assert_eq!(s.len(), 2, "{s:?}");
        // Starts 100 ms (pad) before the first speech window at 320 ms.
        assert_eq!(s[0].0, 220);
        assert_eq!(s[0].1, 2_724, "ends 100 ms after the last speech window");
        assert!(s[1].0 > 3_300, "{s:?}");
    }

    #[test]
    fn blips_are_discarded() {
        let mut p = vec![0.0; 10];
        p.extend([0.9; 2]);
        p.extend([0.0; 30]);
        let out = run(&p, SegmenterConfig::default());
        assert!(spans(&out).is_empty());
        assert!(matches!(
            out.last(),
            Some(SegmenterOutput::Discarded { .. })
        ));
    }

    #[test]
    fn long_speech_is_split_at_the_quietest_window() {
        let mut p = vec![0.9; 400];
        p[380] = 0.45; // a dip in the last 3 s before 15 s (window 469 = 15 s)
        p.extend(vec![0.9; 200]);
        let config = SegmenterConfig {
            max_utterance_ms: 15_000,
            ..SegmenterConfig::default()
        };
        let mut p2 = p.clone();
        p2.truncate(470);
        let out = run(&p2, config);
        let s = spans(&out);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].1, 380 * 32);
        assert_eq!(s[1].0, 380 * 32);
    }
}
