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

    /// A JPEG of the frame scaled so its longer side is at most `max_side` pixels: a preview for the
    /// interviewer's screen (never stored). Returns (width, height, bytes).
    pub fn preview_jpeg(
        &self,
        max_side: u32,
        quality: u8,
    ) -> Result<(u32, u32, Vec<u8>), VisionError> {
        let longer = self.width.max(self.height).max(1);
        let image = self.to_image();
        let image = if longer > max_side.max(1) {
            let scale = max_side.max(1) as f32 / longer as f32;
            let w = ((self.width as f32 * scale).round() as u32).max(1);
            let h = ((self.height as f32 * scale).round() as u32).max(1);
            image::imageops::resize(&image, w, h, image::imageops::FilterType::Triangle)
        } else {
            image
        };
        let (w, h) = image.dimensions();
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality.clamp(1, 100))
            .encode_image(&image)
            .map_err(|e| VisionError::Encode {
                detail: e.to_string(),
            })?;
        Ok((w, h, bytes))
    }

    /// An `image` buffer view (copies).
    pub fn to_image(&self) -> image::RgbImage {
        image::RgbImage::from_raw(self.width, self.height, self.rgb.clone())
            .unwrap_or_else(|| image::RgbImage::new(self.width, self.height))
    }
}
