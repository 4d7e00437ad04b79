//! Streaming windowed-sinc resampler (Blackman window, 16 zero crossings, low-pass at the lower Nyquist).

use std::f64::consts::PI;

/// Converts a stream of samples from one rate to another; keeps state between calls.
pub struct Resampler {
    from: u32,
    to: u32,
    /// Input samples not yet fully used, starting at absolute input index `base`.
    history: Vec<f32>,
    base: u64,
    /// Index of the next output sample.
    next_out: u64,
    cutoff: f64,
    half_width: f64,
}

const ZERO_CROSSINGS: f64 = 16.0;

impl Resampler {
    pub fn new(from: u32, to: u32) -> Resampler {
        let cutoff = if to < from {
            f64::from(to) / f64::from(from)
        } else {
            1.0
        } * 0.97;
        Resampler {
            from: from.max(1),
            to: to.max(1),
            history: Vec::new(),
            base: 0,
            next_out: 0,
            cutoff,
            half_width: ZERO_CROSSINGS / cutoff,
        }
    }

    pub fn is_passthrough(&self) -> bool {
        self.from == self.to
    }

    /// Feed `input`; returns the output samples that can be computed so far.
    pub fn process(&mut self, input: &[f32]) -> Vec<f32> {
        if self.is_passthrough() {
            return input.to_vec();
        }
        self.history.extend_from_slice(input);
        let available_end = self.base + self.history.len() as u64;
        let mut out = Vec::with_capacity(input.len() * self.to as usize / self.from as usize + 1);
        loop {
            let center = self.next_out as f64 * f64::from(self.from) / f64::from(self.to);
            let last_needed = (center + self.half_width).floor() as u64;
            if last_needed >= available_end {
                break;
            }
            out.push(self.sample_at(center));
            self.next_out += 1;
        }
        // Drop input that no future output needs.
        let next_center = self.next_out as f64 * f64::from(self.from) / f64::from(self.to);
        let first_needed = (next_center - self.half_width).floor().max(0.0) as u64;
        if first_needed > self.base {
            let drop = ((first_needed - self.base) as usize).min(self.history.len());
            self.history.drain(..drop);
            self.base += drop as u64;
        }
        out
    }

    /// Flush the tail (pads with silence) at the end of a stream.
    pub fn finish(&mut self) -> Vec<f32> {
        if self.is_passthrough() {
            return Vec::new();
        }
        let total_in = self.base + self.history.len() as u64;
        let total_out = total_in * u64::from(self.to) / u64::from(self.from);
        let pad = vec![0.0; self.half_width.ceil() as usize + 2];
        let mut out = self.process(&pad);
        let already = self.next_out - out.len() as u64;
        out.truncate(total_out.saturating_sub(already) as usize);
        out
    }

    fn sample_at(&self, center: f64) -> f32 {
        let lo = (center - self.half_width).ceil().max(0.0) as u64;
        let hi = (center + self.half_width).floor() as u64;
        let mut acc = 0.0f64;
        for k in lo..=hi {
            let Some(&x) = k
                .checked_sub(self.base)
                .and_then(|i| self.history.get(i as usize))
            else {
                continue;
            };
            let t = k as f64 - center;
            acc += f64::from(x) * self.kernel(t);
        }
        acc as f32
    }

    fn kernel(&self, t: f64) -> f64 {
        let x = t * self.cutoff;
        let sinc = if x.abs() < 1e-12 {
            1.0
        } else {
            (PI * x).sin() / (PI * x)
        };
        // Blackman window over [-half_width, half_width].
        let n = (t / self.half_width + 1.0) / 2.0;
        if !(0.0..=1.0).contains(&n) {
            return 0.0;
        }
        let w = 0.42 - 0.5 * (2.0 * PI * n).cos() + 0.08 * (4.0 * PI * n).cos();
        self.cutoff * sinc * w
    }
}

/// Resample a whole buffer.
pub fn resample_all(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    let mut r = Resampler::new(from, to);
    let mut out = r.process(samples);
    out.extend(r.finish());
    out
}
