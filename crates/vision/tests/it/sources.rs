//! Frame sources: image folders, the latest-wins slot, and a camera on a machine without one.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use copilot_vision::{FileSource, Frame, FrameSlot, FrameSource, SourceEvent};

fn solid(w: u32, h: u32, v: u8) -> image::RgbImage {
    image::RgbImage::from_pixel(w, h, image::Rgb([v, v / 2, 255 - v]))
}

#[test]
fn folder_frames_come_in_name_order_with_times_and_bad_files_are_events() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    solid(40, 30, 10).save(tmp.path().join("frame_002.png"))?;
    solid(40, 30, 20).save(tmp.path().join("frame_001.jpg"))?;
    solid(40, 30, 30).save(tmp.path().join("frame_003.png"))?;
    std::fs::write(tmp.path().join("frame_004.png"), b"not a png")?;
    std::fs::write(tmp.path().join("notes.txt"), b"ignored")?;
    let mut src = FileSource::open(tmp.path(), 10.0)?;
    assert_eq!(src.len(), 4);
    let mut seen = Vec::new();
    loop {
        match src.next_event() {
            SourceEvent::Frame(f) => seen.push(format!(
                "{} {} {}x{} r={}",
                f.seq,
                f.time_ms,
                f.width,
                f.height,
                f.pixel(0, 0)[0]
            )),
            SourceEvent::BadFrame { detail } => {
                seen.push(format!("bad: {}", detail.contains("frame_004.png")))
            }
            SourceEvent::End => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    // The JPEG is lossy: compare its red value loosely.
    assert_eq!(seen.len(), 4);
    assert!(seen[0].starts_with("0 0 40x30 r="));
    assert_eq!(seen[1], "1 100 40x30 r=10");
    assert_eq!(seen[2], "2 200 40x30 r=30");
    assert_eq!(seen[3], "bad: true");
    assert!(src.describe().contains("4 images at 10 fps"));
    Ok(())
}

#[test]
fn a_repeating_folder_starts_again_with_rising_times() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    solid(40, 30, 10).save(tmp.path().join("a.png"))?;
    solid(40, 30, 200).save(tmp.path().join("b.png"))?;
    let mut src = FileSource::open(tmp.path(), 4.0)?.repeating();
    let mut seen = Vec::new();
    for _ in 0..5 {
        match src.next_event() {
            SourceEvent::Frame(f) => seen.push((f.seq, f.time_ms, f.pixel(0, 0)[0])),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            (0, 0, 10),
            (1, 250, 200),
            (2, 500, 10),
            (3, 750, 200),
            (4, 1000, 10)
        ]
    );
    assert!(src.describe().contains("repeating"), "{}", src.describe());
    Ok(())
}

#[test]
fn the_preview_is_a_downscaled_jpeg_of_the_frame() -> Result<()> {
    let frame = Frame::from_image(&image::DynamicImage::ImageRgb8(solid(640, 480, 90)), 0, 0);
    let (w, h, jpeg) = frame.preview_jpeg(320, 70)?;
    assert_eq!((w, h), (320, 240));
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    let back = image::load_from_memory(&jpeg)?.to_rgb8();
    assert_eq!(back.dimensions(), (320, 240));
    let px = back.get_pixel(160, 120).0;
    assert!((i32::from(px[0]) - 90).abs() <= 6, "{px:?}");
    // A frame already small enough keeps its size.
    let small = Frame::from_image(&image::DynamicImage::ImageRgb8(solid(100, 80, 90)), 0, 0);
    assert_eq!(small.preview_jpeg(320, 70)?.0, 100);
    Ok(())
}

#[test]
fn empty_or_missing_folders_are_clear_errors() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let err = FileSource::open(tmp.path(), 10.0).err().unwrap();
    assert!(err.to_string().contains("holds no .png"), "{err}");
    let err = FileSource::open(&tmp.path().join("nope"), 10.0)
        .err()
        .unwrap();
    assert!(err.to_string().contains("cannot list it"), "{err}");
    let err = FileSource::open(tmp.path(), 0.0).err().unwrap();
    assert!(err.to_string().contains("not positive"), "{err}");
    Ok(())
}

fn frame(seq: u64) -> Frame {
    Frame::new(2, 2, vec![0; 12], seq * 100, seq).unwrap()
}

#[test]
fn the_slot_keeps_only_the_newest_frame_and_counts_skips() {
    let slot = FrameSlot::new();
    assert!(slot.try_take().is_none());
    for seq in 0..5 {
        slot.put(frame(seq));
    }
    assert_eq!(slot.try_take().unwrap().seq, 4);
    assert_eq!(slot.skipped(), 4);
    assert!(slot.take(Duration::from_millis(10)).is_none());
    slot.put(frame(5));
    assert_eq!(slot.take(Duration::from_millis(10)).unwrap().seq, 5);
    assert_eq!(slot.delivered(), 2);
}

#[test]
fn a_slow_consumer_never_sees_stale_frames() {
    let slot = Arc::new(FrameSlot::new());
    let producer = {
        let slot = slot.clone();
        std::thread::spawn(move || {
            for seq in 0..200 {
                slot.put(frame(seq));
                std::thread::sleep(Duration::from_micros(200));
            }
            slot.close();
        })
    };
    let mut last = None;
    let mut got = 0u64;
    while let Some(f) = slot.take(Duration::from_secs(5)) {
        if let Some(prev) = last {
            assert!(f.seq > prev, "frames go forward only");
        }
        last = Some(f.seq);
        got += 1;
        std::thread::sleep(Duration::from_millis(3)); // a slow detector
    }
    producer.join().unwrap();
    assert_eq!(
        got + slot.skipped(),
        200,
        "every frame is delivered or counted as skipped"
    );
    assert!(slot.skipped() > 0);
}

#[cfg(feature = "camera")]
#[test]
fn without_a_camera_listing_and_opening_report_clear_errors() {
    use copilot_vision::camera::{CameraRequest, CameraSource, list_devices};
    match list_devices() {
        Ok(devices) => assert!(!devices.is_empty()),
        Err(e) => assert!(e.to_string().starts_with("no camera found"), "{e}"),
    }
    let err = CameraSource::open(97, CameraRequest::default())
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with("camera 97 cannot be opened"),
        "{err}"
    );
}
