//! Two (or more) sources as one: the interviewer's microphone and the candidate's device (a second
//! microphone, or the system audio of a remote call) feed one pipeline, each on its own channel.
//!
//! Every inner source writes into one bounded relay queue; a relay thread forwards to the pipeline's
//! sink. The stream ends when every inner source has ended. One device lost does not end the
//! interview: it is reported as a warning naming the device, and the other side keeps being
//! transcribed. Frames the inner sources drop are added to the sink's drop count, so they are shown.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::{
    AudioError, AudioEvent, AudioSource, Channel, FrameSender, Received, SourceHandle, frame_queue,
};

/// Room in the relay queue: about 4 s of 20 ms frames from two devices.
const RELAY_CAPACITY: usize = 400;

/// Several sources on distinct channels, heard as one.
pub struct CombinedSource {
    sources: Vec<Box<dyn AudioSource>>,
}

impl CombinedSource {
    /// Combine `sources`; each must produce channels the others do not (e.g. one interviewer
    /// microphone and one candidate device).
    pub fn new(sources: Vec<Box<dyn AudioSource>>) -> CombinedSource {
        CombinedSource { sources }
    }
}

impl AudioSource for CombinedSource {
    fn describe(&self) -> String {
        self.sources
            .iter()
            .map(|s| s.describe())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn channels(&self) -> Vec<Channel> {
        let mut channels: Vec<Channel> = self.sources.iter().flat_map(|s| s.channels()).collect();
        channels.sort();
        channels.dedup();
        channels
    }

    fn start(self: Box<Self>, sink: FrameSender) -> Result<SourceHandle, AudioError> {
        let (relay_tx, relay_rx) = frame_queue(RELAY_CAPACITY);
        let names: Vec<String> = self.sources.iter().map(|s| s.describe()).collect();
        // Start every source before the relay runs: if one cannot open, the ones already started are
        // stopped (their handles drop) and the caller gets that source's error.
        let mut handles = Vec::with_capacity(self.sources.len());
        for source in self.sources {
            match source.start(relay_tx.clone()) {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    drop(relay_rx); // sources still sending see a closed queue, then stop
                    drop(handles);
                    return Err(error);
                }
            }
        }
        drop(relay_tx);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("combined-source".into())
            .spawn(move || {
                let _inner = handles; // dropped (stopping every inner source) when the relay ends
                let mut running = names.len();
                let mut forwarded_drops = 0;
                while running > 0 && !stop_flag.load(Ordering::SeqCst) {
                    let event = match relay_rx.recv_timeout(Duration::from_millis(50)) {
                        Received::Event(event) => event,
                        Received::Timeout => continue,
                        Received::Closed => break,
                    };
                    let inner_drops = relay_rx.dropped();
                    if inner_drops > forwarded_drops {
                        sink.note_dropped(inner_drops - forwarded_drops);
                        forwarded_drops = inner_drops;
                    }
                    match event {
                        AudioEvent::End => running -= 1,
                        AudioEvent::DeviceLost { device, message } => {
                            running -= 1;
                            let event = if running == 0 {
                                AudioEvent::DeviceLost { device, message }
                            } else {
                                AudioEvent::Warning {
                                    message: format!(
                                        "{device} was lost ({message}); the other side is still transcribed: reconnect it and restart listening to hear both sides"
                                    ),
                                }
                            };
                            sink.send_unless_stopped(event, &stop_flag);
                            if running == 0 {
                                return;
                            }
                        }
                        other => {
                            sink.try_send(other);
                        }
                    }
                }
                sink.send_unless_stopped(AudioEvent::End, &stop_flag);
            })
            .map_err(|e| AudioError::Thread(e.to_string()))?;
        Ok(SourceHandle::new(stop, thread))
    }
}
