//! A decoded video frame: 8-bit RGB, row-major, with its capture time.

use crate::VisionError;

/// One frame. `time_ms` is milliseconds since the start of the source (the caller's clock, not read here).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    /// `width * height * 3` bytes, RGB.
    pub rgb: Vec<u8>,
    pub time_ms: u64,
    /// Position in the source's sequence (gaps show frames skipped by the latest-wins slot).
    pub seq: u64,
}

impl Frame {
    /// A frame after checking that `rgb` holds exactly `width * height` RGB pixels.
    pub fn new(
        width: u32,
        height: u32,
        rgb: Vec<u8>,
        time_ms: u64,
        seq: u64,
    ) -> Result<Frame, VisionError> {
        let expected = width as usize * height as usize * 3;
        if rgb.len() != expected || width == 0 || height == 0 {
            return Err(VisionError::BadFrame {
                width,
                height,
                bytes: rgb.len(),
                expected,
            });
        }
        Ok(Frame {
            width,
            height,
            rgb,
            time_ms,
            seq,
        })
    }

    /// From any image the `image` crate decoded.
    pub fn from_image(img: &image::DynamicImage, time_ms: u64, seq: u64) -> Frame {
        let rgb = img.to_rgb8();
        let (width, height) = rgb.dimensions();
        Frame {
            width,
            height,
            rgb: rgb.into_raw(),
            time_ms,
            seq,
        }
    }

    /// The pixel at (x, y) as RGB.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Mean luma (BT.601) over the frame, 0-255: the "too dark" check uses it.
    pub fn mean_luma(&self) -> f32 {
        let n = (self.width as usize * self.height as usize).max(1);
        let sum: f64 = self
            .rgb
            .chunks_exact(3)
            .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
            .sum();
        (sum / n as f64) as f32
    }

    /// An `image` buffer view (copies).
    pub fn to_image(&self) -> image::RgbImage {
        image::RgbImage::from_raw(self.width, self.height, self.rgb.clone())
            .unwrap_or_else(|| image::RgbImage::new(self.width, self.height))
    }
}
