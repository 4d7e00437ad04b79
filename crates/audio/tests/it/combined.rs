//! The interviewer's microphone and the candidate's device heard as one stream (simulated devices
//! through the source trait).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use copilot_audio::{
    AudioError, AudioEvent, AudioFrame, AudioSource, Channel, CombinedSource, FrameSender,
    Received, SourceHandle, frame_queue,
};

/// A simulated device: `frames` frames of 20 ms on `channel`, `gap` apart, then `ending`.
struct ScriptedDevice {
    name: &'static str,
    channel: Channel,
    frames: u64,
    gap: Duration,
    ending: AudioEvent,
}

impl AudioSource for ScriptedDevice {
    fn describe(&self) -> String {
        self.name.into()
    }

    fn channels(&self) -> Vec<Channel> {
        vec![self.channel]
    }

    fn start(self: Box<Self>, sink: FrameSender) -> Result<SourceHandle, AudioError> {
        // A real device runs on its own thread and stops when its handle is dropped.
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for i in 0..self.frames {
                if stop_flag.load(Ordering::SeqCst) {
                    return;
                }
                sink.try_send(AudioEvent::Frame(AudioFrame {
                    channel: self.channel,
                    start_us: i * 20_000,
                    sample_rate: 16_000,
                    samples: vec![0.1; 320],
                }));
                std::thread::sleep(self.gap);
            }
            sink.send_unless_stopped(self.ending.clone(), &stop_flag);
        });
        Ok(SourceHandle::new(stop, thread))
    }
}

struct Unopenable;

impl AudioSource for Unopenable {
    fn describe(&self) -> String {
        "USB headset".into()
    }
    fn channels(&self) -> Vec<Channel> {
        vec![Channel::Candidate]
    }
    fn start(self: Box<Self>, _sink: FrameSender) -> Result<SourceHandle, AudioError> {
        Err(AudioError::OpenDevice {
            device: "USB headset".into(),
            detail: "busy".into(),
        })
    }
}

fn drain(
    source: CombinedSource,
    capacity: usize,
    read_gap: Duration,
) -> Result<(Vec<AudioEvent>, u64)> {
    let (tx, rx) = frame_queue(capacity);
    let handle = Box::new(source).start(tx)?;
    let mut events = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Received::Event(e) => {
                let last = matches!(e, AudioEvent::End | AudioEvent::DeviceLost { .. });
                events.push(e);
                if last {
                    break;
                }
                std::thread::sleep(read_gap);
            }
            Received::Timeout => anyhow::bail!("the combined source never ended"),
            Received::Closed => break,
        }
    }
    handle.join();
    Ok((events, rx.dropped()))
}

fn frames_of(events: &[AudioEvent], channel: Channel) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, AudioEvent::Frame(f) if f.channel == channel))
        .count()
}

#[test]
fn both_devices_reach_the_pipeline_on_their_own_channels() -> Result<()> {
    let source = CombinedSource::new(vec![
        Box::new(ScriptedDevice {
            name: "Laptop mic",
            channel: Channel::Interviewer,
            frames: 30,
            gap: Duration::from_millis(1),
            ending: AudioEvent::End,
        }),
        Box::new(ScriptedDevice {
            name: "Monitor of speakers",
            channel: Channel::Candidate,
            frames: 20,
            gap: Duration::from_millis(1),
            ending: AudioEvent::End,
        }),
    ]);
    assert_eq!(source.describe(), "Laptop mic + Monitor of speakers");
    assert_eq!(
        source.channels(),
        vec![Channel::Interviewer, Channel::Candidate]
    );
    let (events, dropped) = drain(source, 256, Duration::ZERO)?;
    assert_eq!(dropped, 0);
    assert_eq!(frames_of(&events, Channel::Interviewer), 30);
    assert_eq!(frames_of(&events, Channel::Candidate), 20);
    assert_eq!(events.last(), Some(&AudioEvent::End), "one end, after both");
    assert_eq!(events.iter().filter(|e| **e == AudioEvent::End).count(), 1);
    Ok(())
}

#[test]
fn one_device_lost_is_a_warning_and_the_other_side_goes_on() -> Result<()> {
    let source = CombinedSource::new(vec![
        Box::new(ScriptedDevice {
            name: "Laptop mic",
            channel: Channel::Interviewer,
            frames: 40,
            gap: Duration::from_millis(2),
            ending: AudioEvent::End,
        }),
        Box::new(ScriptedDevice {
            name: "USB headset",
            channel: Channel::Candidate,
            frames: 5,
            gap: Duration::from_millis(1),
            ending: AudioEvent::DeviceLost {
                device: "USB headset".into(),
                message: "unplugged".into(),
            },
        }),
    ]);
    let (events, _) = drain(source, 256, Duration::ZERO)?;
    let warning = events
        .iter()
        .find_map(|e| match e {
            AudioEvent::Warning { message } => Some(message.clone()),
            _ => None,
        })
        .expect("a warning for the lost headset");
    assert!(
        warning.contains("USB headset was lost (unplugged)"),
        "{warning}"
    );
    assert_eq!(
        frames_of(&events, Channel::Interviewer),
        40,
        "the interviewer side continued"
    );
    assert_eq!(events.last(), Some(&AudioEvent::End));
    Ok(())
}

#[test]
fn every_dropped_frame_is_counted_at_the_sink() -> Result<()> {
    let sent = 2_000;
    let source = CombinedSource::new(vec![
        Box::new(ScriptedDevice {
            name: "a",
            channel: Channel::Interviewer,
            frames: sent,
            gap: Duration::ZERO,
            ending: AudioEvent::End,
        }),
        Box::new(ScriptedDevice {
            name: "b",
            channel: Channel::Candidate,
            frames: sent,
            gap: Duration::ZERO,
            ending: AudioEvent::End,
        }),
    ]);
    // A slow consumer with a tiny queue: frames are dropped in the relay and at the sink.
    let (events, dropped) = drain(source, 4, Duration::from_micros(200))?;
    let received =
        (frames_of(&events, Channel::Interviewer) + frames_of(&events, Channel::Candidate)) as u64;
    assert!(dropped > 0, "the test must overflow the queues");
    assert_eq!(
        received + dropped,
        2 * sent,
        "received {received} + dropped {dropped}"
    );
    Ok(())
}

#[test]
fn a_device_that_cannot_open_names_itself() {
    let source = CombinedSource::new(vec![
        Box::new(ScriptedDevice {
            name: "Laptop mic",
            channel: Channel::Interviewer,
            frames: 1_000,
            gap: Duration::from_millis(1),
            ending: AudioEvent::End,
        }),
        Box::new(Unopenable),
    ]);
    let (tx, _rx) = frame_queue(8);
    let error = Box::new(source)
        .start(tx)
        .err()
        .expect("the headset is busy");
    assert!(error.to_string().contains("USB headset"), "{error}");
}
