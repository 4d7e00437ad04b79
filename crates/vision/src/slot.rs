//! Latest-wins hand-over between a frame source and the analysis: a slot of capacity one.
//!
//! A new frame replaces an unread one (which is counted as skipped), so the detector always works on the
//! newest frame and never on a backlog. This is the bounded queue of the camera path.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::Frame;

#[derive(Default)]
struct Inner {
    frame: Option<Frame>,
    skipped: u64,
    delivered: u64,
    closed: bool,
}

/// A one-frame slot shared by a producer and a consumer.
#[derive(Default)]
pub struct FrameSlot {
    inner: Mutex<Inner>,
    ready: Condvar,
}

impl FrameSlot {
    pub fn new() -> FrameSlot {
        FrameSlot::default()
    }

    /// Put the newest frame; an unread older frame is dropped and counted.
    pub fn put(&self, frame: Frame) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.frame.replace(frame).is_some() {
            inner.skipped += 1;
        }
        drop(inner);
        self.ready.notify_one();
    }

    /// Take the newest frame without waiting.
    pub fn try_take(&self) -> Option<Frame> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let frame = inner.frame.take();
        if frame.is_some() {
            inner.delivered += 1;
        }
        frame
    }

    /// Wait up to `timeout` for a frame; `None` on timeout or when the slot is closed and empty.
    pub fn take(&self, timeout: Duration) -> Option<Frame> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut inner, _) = self
            .ready
            .wait_timeout_while(inner, timeout, |i| i.frame.is_none() && !i.closed)
            .unwrap_or_else(PoisonError::into_inner);
        let frame = inner.frame.take();
        if frame.is_some() {
            inner.delivered += 1;
        }
        frame
    }

    /// No more frames will come: wakes a waiting consumer.
    pub fn close(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.ready.notify_all();
    }

    /// Frames replaced before anyone read them.
    pub fn skipped(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .skipped
    }

    /// Frames handed to the consumer.
    pub fn delivered(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .delivered
    }
}
