//! Frame sources behind one trait: a folder of images (tests, replay) and, with the `camera` feature, a
//! camera through `nokhwa` (see [`crate::camera`]).

use std::path::{Path, PathBuf};

use crate::{Frame, VisionError};

/// What a source produces. Device trouble is an event, so the interview carries on without cues.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    Frame(Frame),
    /// The operating system refused camera access.
    PermissionDenied {
        detail: String,
    },
    /// The device went away (unplugged, taken by another app, driver error).
    DeviceLost {
        detail: String,
    },
    /// A frame could not be decoded; the source goes on with the next one.
    BadFrame {
        detail: String,
    },
    /// No more frames (end of a folder).
    End,
}

/// Anything that yields frames. Not `Send`: platform camera handles must stay on the thread that opened
/// them, so open the source on the capture thread and hand frames over through a [`crate::FrameSlot`].
pub trait FrameSource {
    /// The next event; blocks for a camera, returns at once for files.
    fn next_event(&mut self) -> SourceEvent;
    /// A short human description ("folder frames/ (120 images)", "camera 0: ...").
    fn describe(&self) -> String;
}

/// A folder of PNG/JPEG frames, read in file-name order, stamped at `fps`.
pub struct FileSource {
    dir: PathBuf,
    files: Vec<PathBuf>,
    next: usize,
    fps: f64,
    repeat: bool,
}

impl FileSource {
    /// All `.png`, `.jpg` and `.jpeg` files of `dir`, sorted by name.
    pub fn open(dir: &Path, fps: f64) -> Result<FileSource, VisionError> {
        let folder = |detail: String| VisionError::Folder {
            path: dir.to_path_buf(),
            detail,
        };
        if !(fps.is_finite() && fps > 0.0) {
            return Err(folder(format!(
                "frame rate {fps} is not positive (give e.g. 10)"
            )));
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| folder(format!("cannot list it ({e}): check the path")))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg")
                })
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(folder("holds no .png, .jpg or .jpeg frames".to_string()));
        }
        Ok(FileSource {
            dir: dir.to_path_buf(),
            files,
            next: 0,
            fps,
            repeat: false,
        })
    }

    /// Starts again at the first file after the last one (times keep rising) until the caller
    /// stops: a replay that lasts, for demos.
    pub fn repeating(mut self) -> FileSource {
        self.repeat = true;
        self
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Decode one PNG/JPEG file into a frame.
pub fn load_frame(path: &Path, time_ms: u64, seq: u64) -> Result<Frame, VisionError> {
    let img = image::open(path).map_err(|e| VisionError::Decode {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    Ok(Frame::from_image(&img, time_ms, seq))
}

impl FrameSource for FileSource {
    fn next_event(&mut self) -> SourceEvent {
        let index = if self.repeat {
            self.next % self.files.len()
        } else {
            self.next
        };
        let Some(path) = self.files.get(index) else {
            return SourceEvent::End;
        };
        let seq = self.next as u64;
        self.next += 1;
        let time_ms = (seq as f64 * 1000.0 / self.fps).round() as u64;
        match load_frame(path, time_ms, seq) {
            Ok(frame) => SourceEvent::Frame(frame),
            Err(e) => SourceEvent::BadFrame {
                detail: e.to_string(),
            },
        }
    }

    fn describe(&self) -> String {
        format!(
            "folder {} ({} images at {} fps{})",
            self.dir.display(),
            self.files.len(),
            self.fps,
            if self.repeat { ", repeating" } else { "" }
        )
    }
}
