//! Cameras through `nokhwa` (V4L2 on Linux, AVFoundation on macOS, Media Foundation on Windows).
//!
//! Listing and opening return clear errors (no camera, camera busy, access refused); once open, a failed
//! frame becomes a [`SourceEvent::DeviceLost`] or [`SourceEvent::PermissionDenied`] event, never a panic.

use std::time::Instant;

use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};
use nokhwa::{Camera, NokhwaError};
use serde::Serialize;

use crate::source::{FrameSource, SourceEvent};
use crate::{Frame, VisionError};

/// A camera the system reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CameraDevice {
    pub index: u32,
    pub name: String,
    pub description: String,
}

/// What the user asked for; the closest format the camera supports is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CameraRequest {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

impl Default for CameraRequest {
    fn default() -> Self {
        CameraRequest {
            width: 640,
            height: 480,
            fps: 15,
        }
    }
}

fn looks_like_permission(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    d.contains("permission") || d.contains("denied") || d.contains("not authorized")
}

/// The cameras of this machine; an error (never an empty success) when there is none.
pub fn list_devices() -> Result<Vec<CameraDevice>, VisionError> {
    let found = nokhwa::query(ApiBackend::Auto).map_err(|e| VisionError::NoCamera {
        detail: e.to_string(),
    })?;
    let devices: Vec<CameraDevice> = found
        .iter()
        .map(|info| CameraDevice {
            index: match info.index() {
                CameraIndex::Index(i) => *i,
                CameraIndex::String(_) => 0,
            },
            name: info.human_name(),
            description: info.description().to_string(),
        })
        .collect();
    if devices.is_empty() {
        return Err(VisionError::NoCamera {
            detail: "the system lists no video capture device".to_string(),
        });
    }
    Ok(devices)
}

/// An open camera stream.
pub struct CameraSource {
    camera: Camera,
    index: u32,
    started: Instant,
    seq: u64,
    lost: bool,
}

impl CameraSource {
    /// Open camera `index` with the format closest to `request` and start streaming.
    pub fn open(index: u32, request: CameraRequest) -> Result<CameraSource, VisionError> {
        let open_err = |e: NokhwaError| VisionError::CameraOpen {
            index,
            detail: e.to_string(),
        };
        let wanted = CameraFormat::new(
            Resolution::new(request.width, request.height),
            FrameFormat::MJPEG,
            request.fps,
        );
        let format = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
        let mut camera = Camera::new(CameraIndex::Index(index), format).map_err(open_err)?;
        camera.open_stream().map_err(open_err)?;
        Ok(CameraSource {
            camera,
            index,
            started: Instant::now(),
            seq: 0,
            lost: false,
        })
    }

    /// The format actually in use: (width, height, fps).
    pub fn format(&self) -> (u32, u32, u32) {
        let f = self.camera.camera_format();
        (f.width(), f.height(), f.frame_rate())
    }
}

impl FrameSource for CameraSource {
    fn next_event(&mut self) -> SourceEvent {
        if self.lost {
            return SourceEvent::End;
        }
        let buffer = match self.camera.frame() {
            Ok(b) => b,
            Err(e) => {
                self.lost = true;
                let detail = e.to_string();
                return if looks_like_permission(&detail) {
                    SourceEvent::PermissionDenied { detail }
                } else {
                    SourceEvent::DeviceLost { detail }
                };
            }
        };
        let time_ms = self.started.elapsed().as_millis() as u64;
        let seq = self.seq;
        self.seq += 1;
        match buffer.decode_image::<RgbFormat>() {
            Ok(img) => {
                let (w, h) = img.dimensions();
                match Frame::new(w, h, img.into_raw(), time_ms, seq) {
                    Ok(frame) => SourceEvent::Frame(frame),
                    Err(e) => SourceEvent::BadFrame {
                        detail: e.to_string(),
                    },
                }
            }
            Err(e) => SourceEvent::BadFrame {
                detail: e.to_string(),
            },
        }
    }

    fn describe(&self) -> String {
        let (w, h, fps) = self.format();
        format!("camera {}: {w}x{h} at {fps} fps", self.index)
    }
}

impl Drop for CameraSource {
    fn drop(&mut self) {
        let _ = self.camera.stop_stream();
    }
}
