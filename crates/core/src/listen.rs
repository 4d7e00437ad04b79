//! Live audio for the window: a running interview shared between the window's commands and the audio
//! worker ([`LiveSession`]), audio from a recording, the demo or a microphone that can be stopped
//! ([`AudioInput`], [`StopSignal`]), the input devices and a level meter for the device picker.
//!
//! The audio worker holds the session's lock only while it applies one recognised segment, so notes,
//! ratings and the board stay responsive while audio is running.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use copilot_audio::{
    AudioError, AudioEvent, AudioSource, Channel, CombinedSource, CpalInputSource, FrameSender,
    InputDeviceInfo, Pacing, Received, SourceHandle, TARGET_SAMPLE_RATE, WavFileSource,
    frame_queue,
};
use copilot_domain::Interview;
use copilot_engine::{CoverageState, EngineEvent, EngineInput, Speaker};
use copilot_speech::{SpeechEvent, replay_source};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    Copilot, CoreError, ErrorCode, InterviewSession, LiveEvent, ReplaySettings, ReplayTotals,
};

/// Where a running interview's audio comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AudioInput {
    /// The bundled demo recording ([`Copilot::demo_audio`]).
    Demo,
    /// A WAV recording: mono = one shared microphone, stereo = left interviewer, right candidate.
    File { path: String },
    /// A microphone (`None`: the system's default input).
    Device {
        #[serde(default)]
        name: Option<String>,
        role: MicRole,
    },
    /// Two devices at once: the interviewer's microphone (`None`: the default input) and the
    /// candidate's side, a second microphone or the system audio of a remote call (on Linux the
    /// PulseAudio/PipeWire monitor source, on Windows a WASAPI loopback device when the host lists it).
    TwoDevices {
        #[serde(default)]
        interviewer: Option<String>,
        candidate: String,
    },
}

/// Who a microphone hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MicRole {
    /// Everybody on one microphone: transcribed and shown, but never attributed to the candidate.
    Shared,
    Interviewer,
    Candidate,
}

impl MicRole {
    fn channel(self) -> Channel {
        match self {
            MicRole::Shared => Channel::Shared,
            MicRole::Interviewer => Channel::Interviewer,
            MicRole::Candidate => Channel::Candidate,
        }
    }
}

/// Asks running audio (or a level meter) to stop; cloning shares the signal.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

fn audio_error(error: AudioError) -> CoreError {
    CoreError::new(ErrorCode::Speech, error.to_string())
}

/// A running interview shared by the window's commands and its audio worker. Cloning shares it.
#[derive(Clone)]
pub struct LiveSession {
    interview_id: String,
    slot: Arc<Mutex<Option<InterviewSession>>>,
}

impl LiveSession {
    pub fn new(session: InterviewSession) -> LiveSession {
        LiveSession {
            interview_id: session.interview().id.clone(),
            slot: Arc::new(Mutex::new(Some(session))),
        }
    }

    pub fn interview_id(&self) -> &str {
        &self.interview_id
    }

    fn lock(&self) -> MutexGuard<'_, Option<InterviewSession>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn finished(&self) -> CoreError {
        CoreError::new(
            ErrorCode::InvalidInput,
            format!(
                "interview {} has already finished: open its report, or create a new interview",
                self.interview_id
            ),
        )
    }

    fn with<T>(&self, f: impl FnOnce(&mut InterviewSession) -> T) -> Result<T, CoreError> {
        self.lock().as_mut().map(f).ok_or_else(|| self.finished())
    }

    pub fn interview(&self) -> Result<Interview, CoreError> {
        self.with(|session| session.interview().clone())
    }

    pub fn state(&self) -> Result<CoverageState, CoreError> {
        self.with(|session| session.state())
    }

    /// Applies a note, a rating, a dismissal or a tick (see [`InterviewSession::apply`]).
    pub fn apply(&self, input: EngineInput) -> Result<Vec<EngineEvent>, CoreError> {
        self.with(|session| session.apply(input))
    }

    /// Takes the session out to finish it; audio still running afterwards is ignored.
    pub fn take(&self) -> Result<InterviewSession, CoreError> {
        self.lock().take().ok_or_else(|| self.finished())
    }

    /// Runs `source` through the real pipeline into this session until it ends or `stop` is
    /// signalled; blocking (call it from a worker thread). Events go to `on_event` in order.
    pub fn listen_to(
        &self,
        source: Box<dyn AudioSource>,
        settings: &ReplaySettings,
        live: bool,
        stop: &StopSignal,
        on_event: &mut (dyn FnMut(LiveEvent) + Send),
    ) -> Result<ReplayTotals, CoreError> {
        let options = self.with(|session| session.replay_options(settings, live))??;
        // No consent, no transcription; a withdrawal stops the audio at once (`crate::consent`).
        let consent = self.with(|session| session.consent.clone())?;
        consent.require(copilot_consent::Purpose::Transcription)?;
        consent.stop_on_withdrawal(copilot_consent::Purpose::Transcription, stop.clone());
        let done = StopSignal::new();
        let _finished = SetOnDrop(done.clone());
        let source = Box::new(Stoppable {
            inner: source,
            stop: stop.clone(),
            done,
        });
        let mut last_heard: Option<(Channel, u64)> = None;
        let mut sink = |event: SpeechEvent| {
            if !consent.allows(copilot_consent::Purpose::Transcription) {
                return; // withdrawn: what was still queued is neither shown nor used
            }
            if let SpeechEvent::Segment {
                speaker, end_ms, ..
            } = &event
            {
                last_heard = Some((*speaker, *end_ms));
            }
            let engine_events = self
                .lock()
                .as_mut()
                .map(|session| session.apply_speech(&event))
                .unwrap_or_default();
            on_event(LiveEvent::Speech(event));
            for engine_event in engine_events {
                on_event(LiveEvent::Engine(engine_event));
            }
        };
        let summary = replay_source(source, &options, &mut sink)?;
        // The audio is over, so is the turn it ended on: the engine weighs that answer now.
        let speaker = match last_heard {
            Some((Channel::Interviewer, at_ms)) => Some((Speaker::Interviewer, at_ms)),
            Some((Channel::Candidate, at_ms)) => Some((Speaker::Candidate, at_ms)),
            Some((Channel::Shared, _)) | None => None,
        };
        if let Some((speaker, at_ms)) = speaker
            && let Ok(events) = self.apply(EngineInput::TurnEnd { speaker, at_ms })
        {
            for engine_event in events {
                on_event(LiveEvent::Engine(engine_event));
            }
        }
        Ok(ReplayTotals::from(&summary))
    }
}

impl Copilot {
    /// Runs `input` into the running interview until it ends or `stop` is signalled (see
    /// [`LiveSession::listen_to`]). A recording plays as fast as the machine allows unless
    /// `settings.realtime`; a microphone is always live.
    pub fn listen(
        &self,
        live: &LiveSession,
        input: &AudioInput,
        settings: &ReplaySettings,
        stop: &StopSignal,
        on_event: &mut (dyn FnMut(LiveEvent) + Send),
    ) -> Result<ReplayTotals, CoreError> {
        let pacing = if settings.realtime {
            Pacing::RealTime
        } else {
            Pacing::AsFastAsPossible
        };
        let (source, is_live): (Box<dyn AudioSource>, bool) = match input {
            AudioInput::Demo => (
                Box::new(WavFileSource::open(self.demo_audio()?, pacing).map_err(audio_error)?),
                settings.realtime,
            ),
            AudioInput::File { path } => (
                Box::new(WavFileSource::open(PathBuf::from(path), pacing).map_err(audio_error)?),
                settings.realtime,
            ),
            AudioInput::Device { name, role } => {
                let source = match name {
                    Some(name) => CpalInputSource::by_name(name, role.channel()),
                    None => CpalInputSource::default_input(role.channel()),
                };
                (Box::new(source.map_err(audio_error)?), true)
            }
            AudioInput::TwoDevices {
                interviewer,
                candidate,
            } => {
                // The named candidate device first: a wrong name is the likelier mistake.
                let candidate =
                    CpalInputSource::by_name(candidate, Channel::Candidate).map_err(audio_error)?;
                let interviewer = match interviewer {
                    Some(name) => CpalInputSource::by_name(name, Channel::Interviewer),
                    None => CpalInputSource::default_input(Channel::Interviewer),
                };
                let both = CombinedSource::new(vec![
                    Box::new(interviewer.map_err(audio_error)?),
                    Box::new(candidate),
                ]);
                (Box::new(both), true)
            }
        };
        live.listen_to(source, settings, is_live, stop, on_event)
    }
}

/// Sets a signal when dropped (on every way out of a function).
struct SetOnDrop(StopSignal);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// A source that ends (sends [`AudioEvent::End`]) as soon as `stop` is signalled. The pipeline then
/// finishes the speech it already has and drops the inner source's handle, which stops it.
struct Stoppable {
    inner: Box<dyn AudioSource>,
    stop: StopSignal,
    /// Set when the pipeline has returned: the watcher thread ends.
    done: StopSignal,
}

impl AudioSource for Stoppable {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn channels(&self) -> Vec<Channel> {
        self.inner.channels()
    }

    fn start(self: Box<Self>, sink: FrameSender) -> Result<SourceHandle, AudioError> {
        let Stoppable { inner, stop, done } = *self;
        let handle = inner.start(sink.clone())?;
        std::thread::Builder::new()
            .name("audio-stop".into())
            .spawn(move || {
                while !done.is_stopped() {
                    if stop.is_stopped() {
                        sink.send_unless_stopped(AudioEvent::End, &done.0);
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
            .map_err(|e| AudioError::Thread(e.to_string()))?;
        Ok(handle)
    }
}

/// The input devices a microphone can be picked from: empty (or an error naming the problem)
/// without a sound card. ALSA's `null` PCM is left out: it only ever produces silence.
pub fn input_devices() -> Result<Vec<InputDeviceInfo>, CoreError> {
    let devices = copilot_audio::list_input_devices().map_err(audio_error)?;
    Ok(devices.into_iter().filter(is_microphone).collect())
}

fn is_microphone(device: &InputDeviceInfo) -> bool {
    device.driver.as_deref() != Some("null")
}

/// What a level meter reports.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MeterEvent {
    /// The level over the last window: root mean square and peak of samples in -1..1.
    Level { rms: f32, peak: f32 },
    /// The source ended or was lost (`reason` says why when it was not asked to stop).
    Stopped {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        reason: Option<String>,
    },
}

/// RMS and peak of `samples`; (0, 0) when empty.
pub fn signal_level(samples: &[f32]) -> (f32, f32) {
    if samples.is_empty() {
        return (0.0, 0.0);
    }
    let (sum, peak) = samples.iter().fold((0.0f64, 0.0f32), |(sum, peak), &s| {
        (sum + f64::from(s) * f64::from(s), peak.max(s.abs()))
    });
    (((sum / samples.len() as f64).sqrt()) as f32, peak)
}

/// Shows how loud an input is, for the device picker: reads the source on its own thread and
/// reports a [`MeterEvent::Level`] per window. Stops when dropped.
pub struct LevelMeter {
    stop: StopSignal,
    thread: Option<JoinHandle<()>>,
}

impl LevelMeter {
    /// The meter of the input device `name` (`None`: the default input).
    pub fn for_device(
        name: Option<&str>,
        on_event: impl FnMut(MeterEvent) + Send + 'static,
    ) -> Result<LevelMeter, CoreError> {
        let source = match name {
            Some(name) => CpalInputSource::by_name(name, Channel::Shared),
            None => CpalInputSource::default_input(Channel::Shared),
        }
        .map_err(audio_error)?;
        LevelMeter::start(Box::new(source), 100, on_event)
    }

    /// Starts reading `source`, one level per `window_ms` of audio.
    pub fn start(
        source: Box<dyn AudioSource>,
        window_ms: u32,
        mut on_event: impl FnMut(MeterEvent) + Send + 'static,
    ) -> Result<LevelMeter, CoreError> {
        let (sender, receiver) = frame_queue(64);
        let handle = source.start(sender).map_err(audio_error)?;
        let stop = StopSignal::new();
        let stopped = stop.clone();
        let window = (TARGET_SAMPLE_RATE * window_ms.max(10) / 1000) as usize;
        let thread = std::thread::Builder::new()
            .name("level-meter".into())
            .spawn(move || {
                let mut pending: Vec<f32> = Vec::with_capacity(window * 2);
                let reason = loop {
                    if stopped.is_stopped() {
                        break None;
                    }
                    match receiver.recv_timeout(Duration::from_millis(100)) {
                        Received::Event(AudioEvent::Frame(frame)) => {
                            pending.extend_from_slice(&frame.samples);
                            while pending.len() >= window {
                                let (rms, peak) = signal_level(&pending[..window]);
                                pending.drain(..window);
                                on_event(MeterEvent::Level { rms, peak });
                            }
                        }
                        Received::Event(AudioEvent::Warning { .. }) | Received::Timeout => {}
                        Received::Event(AudioEvent::DeviceLost { device, message }) => {
                            break Some(format!("audio device {device} lost: {message}"));
                        }
                        Received::Event(AudioEvent::End) | Received::Closed => break None,
                    }
                };
                drop(receiver);
                drop(handle);
                on_event(MeterEvent::Stopped { reason });
            })
            .map_err(|e| {
                CoreError::new(
                    ErrorCode::Internal,
                    format!("cannot start the level meter: {e}"),
                )
            })?;
        Ok(LevelMeter {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the meter and waits for its thread (it sends a last [`MeterEvent::Stopped`]).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(name: &str, driver: Option<&str>) -> InputDeviceInfo {
        InputDeviceInfo {
            name: name.into(),
            is_default: false,
            default_sample_rate: Some(48_000),
            default_channels: Some(2),
            driver: driver.map(str::to_string),
        }
    }

    #[test]
    fn alsa_null_is_not_a_microphone() {
        let null = device(
            "Discard all samples (playback) or generate zero samples (capture)",
            Some("null"),
        );
        assert!(!is_microphone(&null));
        assert!(is_microphone(&device("USB Audio", Some("hw"))));
        assert!(is_microphone(&device(
            "PulseAudio Sound Server",
            Some("pulse")
        )));
        assert!(is_microphone(&device("Microphone Array", None)));
    }
}
