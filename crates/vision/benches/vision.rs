//! Frames per second and per-frame latency of face detection and detection + expression, at 640x480
//! and 320x240, on one ONNX Runtime thread. Figures only (no pass/fail):
//!
//! ```sh
//! cargo bench -p copilot-vision --bench vision            # or scripts/bench-vision.sh: one core,
//!                                                          # alone and beside a speech replay
//! ```
//!
//! The frame is the scikit-image astronaut test image (one face), scaled to each size.

use std::time::Instant;

use copilot_models::{ModelsDir, ensure};
use copilot_vision::source::load_frame;
use copilot_vision::{Analyzer, FaceDetector, Frame, MiniXception};

const FRAMES: usize = 60;

fn main() -> anyhow::Result<()> {
    let dir = ModelsDir::resolve();
    for name in [
        "onnxruntime",
        "retinaface-mnet025",
        "fer-mini-xception",
        "testimage-astronaut",
    ] {
        ensure(name, &dir, &mut |p| eprintln!("[models] {p}"))?;
    }
    let astronaut = load_frame(&dir.locate("testimage-astronaut")?, 0, 0)?;
    let mut analyzer = Analyzer::new(
        FaceDetector::from_models_dir(&dir)?,
        Some(Box::new(MiniXception::from_models_dir(&dir)?)),
    );

    let label = std::env::var("BENCH_LABEL").unwrap_or_else(|_| "alone".into());
    println!(
        "{:<10} {:<9} {:<24} {:>8} {:>8} {:>8} {:>7}",
        "run", "size", "stage", "p50_ms", "p95_ms", "max_ms", "fps"
    );
    for (width, height) in [(640, 480), (320, 240)] {
        let frame = scaled(&astronaut, width, height);
        analyzer.analyze(&frame, true)?; // warm-up: first run allocates
        for (stage, expressions) in [("detection", false), ("detection + expression", true)] {
            let mut ms = Vec::with_capacity(FRAMES);
            for _ in 0..FRAMES {
                let start = Instant::now();
                let analysis = analyzer.analyze(&frame, expressions)?;
                ms.push(start.elapsed().as_secs_f64() * 1000.0);
                anyhow::ensure!(
                    analysis.faces.len() == 1,
                    "expected one face in the astronaut"
                );
            }
            ms.sort_by(f64::total_cmp);
            let mean = ms.iter().sum::<f64>() / ms.len() as f64;
            println!(
                "{:<10} {:<9} {:<24} {:>8.1} {:>8.1} {:>8.1} {:>7.1}",
                label,
                format!("{width}x{height}"),
                stage,
                percentile(&ms, 0.50),
                percentile(&ms, 0.95),
                ms[ms.len() - 1],
                1000.0 / mean
            );
        }
    }
    Ok(())
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}

fn scaled(frame: &Frame, width: u32, height: u32) -> Frame {
    let image = image::imageops::resize(
        &frame.to_image(),
        width,
        height,
        image::imageops::FilterType::Triangle,
    );
    Frame::new(width, height, image.into_raw(), 0, 0).expect("a resized RGB frame is valid")
}
