//! Mel filterbank as librosa computes it (`librosa.filters.mel`, Slaney mel scale and Slaney area
//! normalisation), which is what Whisper's `mel_filters.npz` holds (to 2e-9).
//!
//! The arithmetic follows librosa/numpy step by step (float64, `linspace` as `i * step + start` with the
//! last point set to `stop`, weights stored as float32 before the normalisation multiply) so the bytes
//! written to the ggml file are reproducible.

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

/// Hertz to Slaney mels.
pub fn hz_to_mel(hz: f64) -> f64 {
    let min_log_mel = MIN_LOG_HZ / F_SP;
    if hz >= MIN_LOG_HZ {
        min_log_mel + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

/// Slaney mels to hertz.
pub fn mel_to_hz(mel: f64) -> f64 {
    let min_log_mel = MIN_LOG_HZ / F_SP;
    if mel >= min_log_mel {
        MIN_LOG_HZ * (log_step() * (mel - min_log_mel)).exp()
    } else {
        F_SP * mel
    }
}

fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let step = (stop - start) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    v[num - 1] = stop;
    v
}

/// `n_mels` x `(1 + n_fft / 2)` filter weights, row-major, for `fmin = 0` and `fmax = sample_rate / 2`.
pub fn mel_filterbank(sample_rate: u32, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let sr = f64::from(sample_rate);
    let n_freqs = 1 + n_fft / 2;
    // numpy.fft.rfftfreq(n_fft, d = 1 / sr)
    let val = 1.0 / (n_fft as f64 * (1.0 / sr));
    let fft_freqs: Vec<f64> = (0..n_freqs).map(|i| i as f64 * val).collect();
    let mel_points = linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2);
    let mel_f: Vec<f64> = mel_points.into_iter().map(mel_to_hz).collect();
    let fdiff: Vec<f64> = mel_f.windows(2).map(|w| w[1] - w[0]).collect();
    let mut weights = vec![0f32; n_mels * n_freqs];
    for i in 0..n_mels {
        let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let lower = -(mel_f[i] - f) / fdiff[i];
            let upper = (mel_f[i + 2] - f) / fdiff[i + 1];
            let w = 0f64.max(lower.min(upper)) as f32;
            weights[i * n_freqs + k] = (f64::from(w) * enorm) as f32;
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_scale_round_trips_and_matches_slaney_points() {
        assert_eq!(hz_to_mel(0.0), 0.0);
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        // librosa.hz_to_mel(8000) == 45.245640471924965
        assert!((hz_to_mel(8000.0) - 45.245_640_471_924_965).abs() < 1e-12);
        for hz in [10.0, 440.0, 999.0, 1000.0, 3000.0, 7999.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9, "{hz}");
        }
    }

    #[test]
    fn filterbank_matches_whisper_mel_filters() {
        let w = mel_filterbank(16_000, 400, 80);
        assert_eq!(w.len(), 80 * 201);
        let at = |m: usize, k: usize| w[m * 201 + k];
        // Exact float32 values computed with the librosa formulas in float64 (Python).
        assert_eq!(at(0, 0), 0.0);
        assert_eq!(at(0, 1), 0.024_862_595);
        assert_eq!(at(1, 1), 0.001_990_822);
        assert_eq!(at(1, 2), 0.022_871_772);
        assert_eq!(at(79, 190), 0.002_232_055);
        // Every filter is a triangle with a single peak; the top filter ends at Nyquist.
        for m in 0..80 {
            let row = &w[m * 201..(m + 1) * 201];
            assert!(row.iter().all(|&x| x >= 0.0));
            assert!(row.iter().any(|&x| x > 0.0), "filter {m} is empty");
        }
        // Slaney normalisation: each triangle's area (in Hz) is 1, so sum(weights) * 40 Hz is about 1
        // for the wide filters that span many FFT bins.
        let area_79: f32 = w[79 * 201..80 * 201].iter().sum::<f32>() * 40.0;
        assert!((area_79 - 1.0).abs() < 0.05, "{area_79}");
    }
}
