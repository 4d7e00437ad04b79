//! Microphone input through cpal. Runs the stream on its own thread; the data callback converts to mono
//! f32, resamples to 16 kHz and only `try_send`s. Stream errors become [`AudioEvent`]s.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use serde::Serialize;
use ts_rs::TS;

use crate::{
    AudioError, AudioEvent, AudioFrame, AudioSource, Channel, FrameSender, Resampler, SourceHandle,
    TARGET_SAMPLE_RATE,
};

/// An input device as shown in the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InputDeviceInfo {
    pub name: String,
    pub is_default: bool,
    pub default_sample_rate: Option<u32>,
    pub default_channels: Option<u16>,
    /// The host's driver or PCM name when it reports one (ALSA: `null`, `default`, `hw`, `pulse`...).
    pub driver: Option<String>,
}

fn host_error(action: &str, e: impl std::fmt::Display) -> AudioError {
    AudioError::Host {
        action: action.to_string(),
        detail: e.to_string(),
    }
}

fn device_name(device: &cpal::Device) -> String {
    device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| device.to_string())
}

/// Every input device of the default host (may be empty; never panics).
pub fn list_input_devices() -> Result<Vec<InputDeviceInfo>, AudioError> {
    let host = cpal::default_host();
    let default_name = host.default_input_device().map(|d| device_name(&d));
    let devices = host
        .input_devices()
        .map_err(|e| host_error("listing input devices", e))?;
    Ok(devices
        .map(|d| {
            let name = device_name(&d);
            let config = d.default_input_config().ok();
            InputDeviceInfo {
                driver: d
                    .description()
                    .ok()
                    .and_then(|description| description.driver().map(str::to_string)),
                is_default: default_name.as_deref() == Some(name.as_str()),
                default_sample_rate: config.as_ref().map(|c| c.sample_rate()),
                default_channels: config.as_ref().map(|c| c.channels()),
                name,
            }
        })
        .collect())
}

/// A microphone. Its frames carry `channel` (usually [`Channel::Shared`], or one side of the interview
/// when each side has its own microphone).
pub struct CpalInputSource {
    device: cpal::Device,
    name: String,
    config: cpal::SupportedStreamConfig,
    channel: Channel,
    frame_ms: u32,
}

impl CpalInputSource {
    /// The system's default input device.
    pub fn default_input(channel: Channel) -> Result<CpalInputSource, AudioError> {
        let device = cpal::default_host()
            .default_input_device()
            .ok_or(AudioError::NoInputDevice)?;
        CpalInputSource::from_device(device, channel)
    }

    /// The input device called `name` (as listed by [`list_input_devices`]).
    pub fn by_name(name: &str, channel: Channel) -> Result<CpalInputSource, AudioError> {
        let host = cpal::default_host();
        let devices: Vec<cpal::Device> = host
            .input_devices()
            .map_err(|e| host_error("listing input devices", e))?
            .collect();
        let names: Vec<String> = devices.iter().map(device_name).collect();
        let index =
            names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| AudioError::DeviceNotFound {
                    name: name.to_string(),
                    available: if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    },
                })?;
        let device = devices
            .into_iter()
            .nth(index)
            .ok_or(AudioError::NoInputDevice)?;
        CpalInputSource::from_device(device, channel)
    }

    fn from_device(device: cpal::Device, channel: Channel) -> Result<CpalInputSource, AudioError> {
        let name = device_name(&device);
        let config = device
            .default_input_config()
            .map_err(|e| AudioError::OpenDevice {
                device: name.clone(),
                detail: e.to_string(),
            })?;
        Ok(CpalInputSource {
            device,
            name,
            config,
            channel,
            frame_ms: 20,
        })
    }
}

impl AudioSource for CpalInputSource {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn channels(&self) -> Vec<Channel> {
        vec![self.channel]
    }

    fn start(self: Box<Self>, sink: FrameSender) -> Result<SourceHandle, AudioError> {
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        // cpal streams are not Send on every platform: build, run and drop the stream on one thread and
        // report whether it opened.
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<Result<(), AudioError>>(1);
        let thread = std::thread::Builder::new()
            .name("cpal-source".into())
            .spawn(move || {
                let source = *self;
                let stream = match build_stream(&source, sink.clone()) {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                if let Err(e) = stream.play() {
                    let _ = ready_tx.send(Err(AudioError::OpenDevice {
                        device: source.name.clone(),
                        detail: e.to_string(),
                    }));
                    return;
                }
                let _ = ready_tx.send(Ok(()));
                while !stop_flag.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                drop(stream);
                sink.send_unless_stopped(AudioEvent::End, &AtomicBool::new(false));
            })
            .map_err(|e| AudioError::Thread(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(SourceHandle::new(stop, thread)),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(AudioError::Thread(
                    "the audio thread stopped before the stream opened".into(),
                ))
            }
        }
    }
}

fn build_stream(source: &CpalInputSource, sink: FrameSender) -> Result<cpal::Stream, AudioError> {
    let config = source.config.config();
    let channels = usize::from(config.channels.max(1));
    let rate = config.sample_rate;
    let channel = source.channel;
    let frame_len = (TARGET_SAMPLE_RATE * source.frame_ms / 1000) as usize;
    let mut resampler = Resampler::new(rate, TARGET_SAMPLE_RATE);
    let mut pending: Vec<f32> = Vec::with_capacity(frame_len * 2);
    let mut produced = 0u64;
    let data_sink = sink.clone();
    let mut on_samples = move |mono: Vec<f32>| {
        pending.extend(resampler.process(&mono));
        while pending.len() >= frame_len {
            let samples: Vec<f32> = pending.drain(..frame_len).collect();
            let start_us = produced * 1_000_000 / u64::from(TARGET_SAMPLE_RATE);
            produced += samples.len() as u64;
            data_sink.try_send(AudioEvent::Frame(AudioFrame {
                channel,
                start_us,
                sample_rate: TARGET_SAMPLE_RATE,
                samples,
            }));
        }
    };
    let device_label = source.name.clone();
    let error_sink = sink;
    let on_error = move |e: cpal::Error| {
        let event = if e.kind() == cpal::ErrorKind::DeviceNotAvailable {
            AudioEvent::DeviceLost {
                device: device_label.clone(),
                message: e.to_string(),
            }
        } else {
            AudioEvent::Warning {
                message: format!("{device_label}: {e}"),
            }
        };
        error_sink.try_send(event);
    };
    let open_error = |e: cpal::Error| AudioError::OpenDevice {
        device: source.name.clone(),
        detail: e.to_string(),
    };
    let mix = move |frame: &[f32]| frame.iter().sum::<f32>() / frame.len() as f32;
    match source.config.sample_format() {
        cpal::SampleFormat::F32 => source
            .device
            .build_input_stream::<f32, _, _>(
                config,
                move |data, _| on_samples(data.chunks(channels).map(mix).collect()),
                on_error,
                None,
            )
            .map_err(open_error),
        cpal::SampleFormat::I16 => source
            .device
            .build_input_stream::<i16, _, _>(
                config,
                move |data, _| {
                    on_samples(
                        data.chunks(channels)
                            .map(|f| {
                                f.iter().map(|&s| f32::from(s) / 32768.0).sum::<f32>()
                                    / f.len() as f32
                            })
                            .collect(),
                    )
                },
                on_error,
                None,
            )
            .map_err(open_error),
        cpal::SampleFormat::I32 => source
            .device
            .build_input_stream::<i32, _, _>(
                config,
                move |data, _| {
                    on_samples(
                        data.chunks(channels)
                            .map(|f| {
                                f.iter().map(|&s| s as f32 / 2_147_483_648.0).sum::<f32>()
                                    / f.len() as f32
                            })
                            .collect(),
                    )
                },
                on_error,
                None,
            )
            .map_err(open_error),
        other => Err(AudioError::OpenDevice {
            device: source.name.clone(),
            detail: format!("sample format {other:?} is not supported (use f32, i16 or i32)"),
        }),
    }
}
