//! Face detection and expression through ONNX Runtime on real images.

use anyhow::Result;
use copilot_vision::detect::{DetectorConfig, FaceDetector};
use copilot_vision::expression::{EmotionModel, Expression, MiniXception, face_input};
use copilot_vision::{Analyzer, Frame, VisionError};

use crate::{models, reference, test_image};

fn detector() -> Result<FaceDetector> {
    Ok(FaceDetector::from_models_dir(&models(&[
        "onnxruntime",
        "retinaface-mnet025",
    ])?)?)
}

fn emotion() -> Result<MiniXception> {
    Ok(MiniXception::from_models_dir(&models(&[
        "onnxruntime",
        "fer-mini-xception",
    ])?)?)
}

/// Two images side by side on a gray canvas (heights may differ).
fn side_by_side(a: &Frame, b: &Frame) -> Frame {
    let width = a.width + b.width;
    let height = a.height.max(b.height);
    let mut canvas = image::RgbImage::from_pixel(width, height, image::Rgb([128, 128, 128]));
    image::imageops::overlay(&mut canvas, &a.to_image(), 0, 0);
    image::imageops::overlay(&mut canvas, &b.to_image(), i64::from(a.width), 0);
    Frame::new(width, height, canvas.into_raw(), 0, 0).unwrap()
}

fn scaled(f: &Frame, w: u32, h: u32) -> Frame {
    let img = image::imageops::resize(&f.to_image(), w, h, image::imageops::FilterType::Triangle);
    Frame::new(w, h, img.into_raw(), 0, 0).unwrap()
}

#[test]
fn one_face_in_astronaut_and_camera_none_in_coffee() -> Result<()> {
    let mut det = detector()?;
    let astronaut = det.detect(&test_image("astronaut")?)?;
    assert_eq!(astronaut.len(), 1, "{astronaut:?}");
    let f = &astronaut[0];
    assert!(f.score > 0.95, "{f:?}");
    // Her face is in the upper middle of the 512x512 picture.
    let (cx, cy) = ((f.bbox[0] + f.bbox[2]) / 2.0, (f.bbox[1] + f.bbox[3]) / 2.0);
    assert!(
        (150.0..300.0).contains(&cx) && (50.0..200.0).contains(&cy),
        "{f:?}"
    );
    assert!(f.width() > 60.0 && f.width() < 200.0, "{f:?}");
    // Landmarks inside the box.
    for [x, y] in f.landmarks {
        assert!(x > f.bbox[0] && x < f.bbox[2] && y > f.bbox[1] && y < f.bbox[3]);
    }
    let camera = det.detect(&test_image("camera")?)?;
    assert_eq!(camera.len(), 1, "{camera:?}");
    assert!(camera[0].score > 0.9);
    let coffee = det.detect(&test_image("coffee")?)?;
    assert!(coffee.is_empty(), "{coffee:?}");
    Ok(())
}

#[test]
fn every_face_in_a_composite() -> Result<()> {
    let astronaut = test_image("astronaut")?;
    let camera = test_image("camera")?;
    let coffee = test_image("coffee")?;
    // astronaut | camera on the first row, a half-size astronaut next to the coffee on the second.
    let top = side_by_side(&astronaut, &camera);
    let bottom = side_by_side(&scaled(&astronaut, 256, 256), &coffee);
    let mut canvas = image::RgbImage::from_pixel(
        top.width,
        top.height + bottom.height,
        image::Rgb([128, 128, 128]),
    );
    image::imageops::overlay(&mut canvas, &top.to_image(), 0, 0);
    image::imageops::overlay(&mut canvas, &bottom.to_image(), 0, i64::from(top.height));
    let (w, h) = canvas.dimensions();
    let composite = Frame::new(w, h, canvas.into_raw(), 0, 0)?;
    let mut det = FaceDetector::new(
        &models(&["retinaface-mnet025"])?.locate("retinaface-mnet025")?,
        &models(&["onnxruntime"])?.locate("onnxruntime")?,
        DetectorConfig {
            max_side: 1024,
            ..DetectorConfig::default()
        },
    )?;
    let faces = det.detect(&composite)?;
    let mut tiles: Vec<&str> = faces
        .iter()
        .map(|f| {
            let (cx, cy) = ((f.bbox[0] + f.bbox[2]) / 2.0, (f.bbox[1] + f.bbox[3]) / 2.0);
            match (cx < 512.0, cy < 512.0) {
                (true, true) => "astronaut",
                (false, true) => "camera",
                (true, false) => "small astronaut",
                (false, false) => "coffee",
            }
        })
        .collect();
    tiles.sort();
    assert_eq!(
        tiles,
        ["astronaut", "camera", "small astronaut"],
        "{faces:?}"
    );
    Ok(())
}

#[test]
fn astronaut_is_happy_and_matches_the_reference_model() -> Result<()> {
    let mut det = detector()?;
    let mut model = emotion()?;
    let mut inputs = Vec::new();
    for name in ["astronaut", "camera"] {
        let frame = test_image(name)?;
        let faces = det.detect(&frame)?;
        inputs.push(face_input(&frame, &faces[0])?);
    }
    let astronaut: Expression = model.classify(&inputs[0])?;
    assert_eq!(astronaut.top().0, "happy", "{astronaut:?}");
    assert!(astronaut.happy() > 0.8, "{astronaut:?}");
    let sum: f32 = astronaut.probabilities.iter().sum();
    assert!((sum - 1.0).abs() < 1e-4);
    // Our conversion against the independent tf2onnx export: within 1e-4 per probability.
    if let Some(path) = reference("fer_mini_xception.onnx") {
        let lib = models(&["onnxruntime"])?.locate("onnxruntime")?;
        let mut reference = MiniXception::new(&path, &lib)?;
        // Plus a synthetic gradient input.
        inputs.push(
            (0..64 * 64)
                .map(|i| ((i % 64) as f32 / 32.0) - 1.0)
                .collect(),
        );
        for input in &inputs {
            let ours = model.classify(input)?;
            let theirs = reference.classify(input)?;
            for (a, b) in ours.probabilities.iter().zip(theirs.probabilities) {
                assert!((a - b).abs() < 1e-4, "{ours:?} vs {theirs:?}");
            }
        }
    }
    Ok(())
}

#[test]
fn detector_matches_the_reference_model() -> Result<()> {
    let Some(path) = reference("retinaface_mnet025.onnx") else {
        return Ok(());
    };
    let lib = models(&["onnxruntime"])?.locate("onnxruntime")?;
    let mut ours = detector()?;
    let mut theirs = FaceDetector::new(&path, &lib, DetectorConfig::default())?;
    for name in ["astronaut", "camera", "coffee"] {
        for frame in [test_image(name)?, scaled(&test_image(name)?, 333, 250)] {
            let a = ours.detect(&frame)?;
            let b = theirs.detect(&frame)?;
            assert_eq!(a.len(), b.len(), "{name}");
            for (fa, fb) in a.iter().zip(&b) {
                assert!((fa.score - fb.score).abs() < 1e-4);
                for (x, y) in fa.bbox.iter().zip(fb.bbox) {
                    assert!((x - y).abs() < 0.05, "{fa:?} vs {fb:?}");
                }
            }
        }
    }
    Ok(())
}

/// Counts calls, to prove the expression model is not run when the policy forbids it.
struct Counting<M: EmotionModel> {
    inner: M,
    calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl<M: EmotionModel> EmotionModel for Counting<M> {
    fn classify(&mut self, input: &[f32]) -> Result<Expression, VisionError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.classify(input)
    }
}

#[test]
fn expression_model_never_runs_when_not_allowed_and_stops_within_one_frame() -> Result<()> {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let model = Counting {
        inner: emotion()?,
        calls: calls.clone(),
    };
    let mut analyzer = Analyzer::new(detector()?, Some(Box::new(model)));
    let frame = test_image("astronaut")?;
    // Allowed, then withdrawn: the very next frame runs no expression model.
    let a = analyzer.analyze(&frame, true)?;
    assert!(a.faces[0].expression.is_some());
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    for _ in 0..3 {
        let b = analyzer.analyze(&frame, false)?;
        assert_eq!(b.faces.len(), 1);
        assert!(b.faces[0].expression.is_none());
        assert!(b.observation().face.unwrap().expression.is_none());
    }
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    Ok(())
}

#[test]
fn bad_inputs_give_clear_errors() -> Result<()> {
    let dir = models(&["onnxruntime"])?;
    let lib = dir.locate("onnxruntime")?;
    let tmp = tempfile::tempdir()?;
    let corrupt = tmp.path().join("corrupt.onnx");
    std::fs::write(&corrupt, b"this is not an onnx model")?;
    let err = FaceDetector::new(&corrupt, &lib, DetectorConfig::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("corrupt"), "{err}");
    let err = MiniXception::new(&tmp.path().join("missing.onnx"), &lib)
        .err()
        .unwrap();
    assert!(err.to_string().contains("missing"), "{err}");
    // A frame whose byte count does not match its size, and a tiny frame.
    assert!(Frame::new(10, 10, vec![0; 10], 0, 0).is_err());
    let mut det = detector()?;
    let bad = Frame {
        width: 64,
        height: 64,
        rgb: vec![0; 100],
        time_ms: 0,
        seq: 0,
    };
    assert!(matches!(
        det.detect(&bad),
        Err(VisionError::BadFrame { .. })
    ));
    let tiny = Frame::new(8, 8, vec![0; 8 * 8 * 3], 0, 0)?;
    assert!(matches!(
        det.detect(&tiny),
        Err(VisionError::FrameTooSmall { .. })
    ));
    // A black frame: no face, no panic.
    let black = Frame::new(320, 240, vec![0; 320 * 240 * 3], 0, 0)?;
    assert!(det.detect(&black)?.is_empty());
    Ok(())
}
