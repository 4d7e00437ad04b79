//! The bounded frame queue between a source and its consumer.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use crate::AudioEvent;

/// Producer side. [`FrameSender::try_send`] never blocks; what does not fit is counted in
/// [`FrameSender::dropped`].
#[derive(Clone)]
pub struct FrameSender {
    tx: SyncSender<AudioEvent>,
    dropped: Arc<AtomicU64>,
}

/// Result of [`FrameReceiver::recv_timeout`].
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Event(AudioEvent),
    Timeout,
    /// Every sender is gone.
    Closed,
}

/// Consumer side.
pub struct FrameReceiver {
    rx: Receiver<AudioEvent>,
    dropped: Arc<AtomicU64>,
}

/// A queue holding at most `capacity` events.
pub fn frame_queue(capacity: usize) -> (FrameSender, FrameReceiver) {
    let (tx, rx) = sync_channel(capacity.max(1));
    let dropped = Arc::new(AtomicU64::new(0));
    (
        FrameSender {
            tx,
            dropped: dropped.clone(),
        },
        FrameReceiver { rx, dropped },
    )
}

impl FrameSender {
    /// Queue `event` if there is room; otherwise drop it and count it. Returns whether it was queued.
    /// Returns false too when the consumer is gone.
    pub fn try_send(&self, event: AudioEvent) -> bool {
        match self.tx.try_send(event) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Queue `event`, waiting for room: only for producers that can wait (a file read as fast as
    /// possible). Returns false when the consumer is gone.
    pub fn send_waiting(&self, event: AudioEvent) -> bool {
        self.tx.send(event).is_ok()
    }

    /// Queue `event` (an end marker that must not be lost), retrying every 5 ms while the queue is full,
    /// until it fits, the consumer is gone, or `stop` is set. Returns whether it was queued.
    pub fn send_unless_stopped(
        &self,
        event: AudioEvent,
        stop: &std::sync::atomic::AtomicBool,
    ) -> bool {
        let mut event = event;
        loop {
            match self.tx.try_send(event) {
                Ok(()) => return true,
                Err(TrySendError::Disconnected(_)) => return false,
                Err(TrySendError::Full(back)) => {
                    if stop.load(Ordering::SeqCst) {
                        return false;
                    }
                    event = back;
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
    }

    /// Events dropped so far because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Count `count` events dropped upstream (by a source relaying into this queue), so the consumer
    /// sees every drop.
    pub fn note_dropped(&self, count: u64) {
        self.dropped.fetch_add(count, Ordering::Relaxed);
    }
}

impl FrameReceiver {
    /// The next event; `None` when every sender is gone.
    pub fn recv(&self) -> Option<AudioEvent> {
        self.rx.recv().ok()
    }

    /// The next event within `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Received {
        match self.rx.recv_timeout(timeout) {
            Ok(e) => Received::Event(e),
            Err(RecvTimeoutError::Timeout) => Received::Timeout,
            Err(RecvTimeoutError::Disconnected) => Received::Closed,
        }
    }

    /// Events the producers dropped so far because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
