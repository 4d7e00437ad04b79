//! The streaming pipeline: source -> bounded frame queue -> per-channel Silero VAD and segmentation ->
//! bounded utterance queue -> one transcription worker -> events.
//!
//! When the worker falls behind, queued utterances of the same speaker are merged (with a short silence
//! between them) into one transcription call rather than dropped, and a [`SpeechEvent::Merged`] says so.
//! Frames a real-time source could not queue are reported as [`SpeechEvent::Dropped`].

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use copilot_audio::{AudioEvent, AudioSource, Channel, Received, TARGET_SAMPLE_RATE, frame_queue};

use crate::segmenter::{Segmenter, SegmenterConfig, SegmenterOutput, Utterance};
use crate::transcriber::Transcriber;
use crate::vad::{VAD_WINDOW, VoiceDetector};
use crate::{SpeechError, SpeechEvent};

/// Pipeline settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineConfig {
    pub segmenter: SegmenterConfig,
    /// Frames (20 ms each) between the source and the VAD.
    pub frame_queue: usize,
    /// Utterances waiting for the transcriber.
    pub utterance_queue: usize,
    /// Merged utterances stay below this length (Whisper's window is 30 s).
    pub max_merged_ms: u32,
    /// Silence put between merged utterances.
    pub merge_gap_ms: u32,
    /// Merge queued utterances of one speaker when the transcriber is behind (off: each utterance is
    /// transcribed alone and the queue applies back-pressure).
    pub merge_when_behind: bool,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            segmenter: SegmenterConfig::default(),
            frame_queue: 500,
            utterance_queue: 4,
            max_merged_ms: 28_000,
            merge_gap_ms: 300,
            merge_when_behind: true,
        }
    }
}

/// Totals at the end of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PipelineSummary {
    pub utterances: u64,
    pub merged_utterances: u64,
    pub dropped_frames: u64,
    pub segments: u64,
    pub audio_ms: u64,
    pub processing_ms: u64,
}

/// Audio handed to the transcriber: one utterance, or several of one speaker merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub speaker: Channel,
    pub samples: Vec<f32>,
    /// (offset in `samples`, original start) of each utterance, in ms.
    pub pieces: Vec<(u64, u64)>,
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Batch {
    fn from_utterance(u: Utterance) -> Batch {
        Batch {
            speaker: u.speaker,
            pieces: vec![(0, u.start_ms)],
            start_ms: u.start_ms,
            end_ms: u.end_ms,
            samples: u.samples,
        }
    }

    fn len_ms(&self) -> u64 {
        self.samples.len() as u64 * 1000 / u64::from(TARGET_SAMPLE_RATE)
    }

    fn append(&mut self, other: Batch, gap_ms: u32) {
        let gap = (u64::from(gap_ms) * u64::from(TARGET_SAMPLE_RATE) / 1000) as usize;
        self.samples.extend(std::iter::repeat_n(0.0, gap));
        let offset = self.len_ms();
        for (o, start) in other.pieces {
            self.pieces.push((offset + o, start));
        }
        self.samples.extend(other.samples);
        self.end_ms = other.end_ms;
    }

    /// Map a time inside `samples` back to the recording's timeline.
    pub fn to_recording_ms(&self, ms: u64) -> u64 {
        let (offset, start) = self
            .pieces
            .iter()
            .rev()
            .find(|(o, _)| *o <= ms)
            .copied()
            .unwrap_or((0, self.start_ms));
        (start + (ms - offset)).min(self.end_ms)
    }
}

struct QueueState {
    items: VecDeque<Batch>,
    closed: bool,
}

/// Bounded queue of batches that merges instead of dropping.
struct UtteranceQueue {
    state: Mutex<QueueState>,
    changed: Condvar,
    capacity: usize,
    max_merged_ms: u64,
    gap_ms: u32,
    merge: bool,
}

/// What a merge did, for the event.
struct MergeNote {
    speaker: Channel,
    utterances: u32,
    start_ms: u64,
    end_ms: u64,
}

impl UtteranceQueue {
    fn new(config: &PipelineConfig) -> UtteranceQueue {
        UtteranceQueue {
            state: Mutex::new(QueueState {
                items: VecDeque::new(),
                closed: false,
            }),
            changed: Condvar::new(),
            capacity: config.utterance_queue.max(1),
            max_merged_ms: u64::from(config.max_merged_ms),
            gap_ms: config.merge_gap_ms,
            merge: config.merge_when_behind,
        }
    }

    /// Queue `batch`. When full, merge it into the last queued batch of the same speaker if that batch is
    /// the newest one (so order is kept) and the result fits; otherwise wait for room.
    fn push(&self, batch: Batch) -> Option<MergeNote> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if state.closed {
                // The worker stopped (its error is reported); nothing will take this batch.
                return None;
            }
            if state.items.len() < self.capacity {
                state.items.push_back(batch);
                self.changed.notify_all();
                return None;
            }
            if self.merge
                && let Some(last) = state.items.back_mut()
                && last.speaker == batch.speaker
                && last.len_ms() + u64::from(self.gap_ms) + batch.len_ms() <= self.max_merged_ms
            {
                last.append(batch, self.gap_ms);
                return Some(MergeNote {
                    speaker: last.speaker,
                    utterances: last.pieces.len() as u32,
                    start_ms: last.start_ms,
                    end_ms: last.end_ms,
                });
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The next batch; while more are waiting, following batches of the same speaker are merged into it.
    fn pop(&self) -> Option<(Batch, Option<MergeNote>)> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(mut first) = state.items.pop_front() {
                let before = first.pieces.len();
                while self.merge
                    && let Some(next) = state.items.front()
                    && next.speaker == first.speaker
                    && first.len_ms() + u64::from(self.gap_ms) + next.len_ms() <= self.max_merged_ms
                {
                    if let Some(next) = state.items.pop_front() {
                        first.append(next, self.gap_ms);
                    }
                }
                self.changed.notify_all();
                let note = (first.pieces.len() > before).then_some(MergeNote {
                    speaker: first.speaker,
                    utterances: first.pieces.len() as u32,
                    start_ms: first.start_ms,
                    end_ms: first.end_ms,
                });
                return Some((first, note));
            }
            if state.closed {
                return None;
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        self.changed.notify_all();
    }
}

fn merged_event(note: MergeNote) -> SpeechEvent {
    SpeechEvent::Merged {
        speaker: note.speaker,
        utterances: note.utterances,
        start_ms: note.start_ms,
        end_ms: note.end_ms,
    }
}

struct ChannelState {
    detector: Box<dyn VoiceDetector>,
    segmenter: Segmenter,
    pending: Vec<f32>,
}

/// Run `source` through VAD, segmentation and `transcriber` until the source ends, sending every event to
/// `sink` (called from this thread and the worker thread, never at the same time).
pub fn run_pipeline(
    source: Box<dyn AudioSource>,
    vad: &dyn VoiceDetector,
    transcriber: Box<dyn Transcriber>,
    config: &PipelineConfig,
    sink: &mut (dyn FnMut(SpeechEvent) + Send),
) -> Result<PipelineSummary, SpeechError> {
    let mut channels: BTreeMap<Channel, ChannelState> = BTreeMap::new();
    for channel in source.channels() {
        channels.insert(
            channel,
            ChannelState {
                detector: vad.fresh()?,
                segmenter: Segmenter::new(channel, config.segmenter.clone()),
                pending: Vec::with_capacity(VAD_WINDOW * 2),
            },
        );
    }
    let (frames_tx, frames_rx) = frame_queue(config.frame_queue);
    let queue = UtteranceQueue::new(config);
    let sink = Mutex::new(sink);
    let emit = |event: SpeechEvent| {
        let mut guard = sink.lock().unwrap_or_else(PoisonError::into_inner);
        (*guard)(event);
    };
    let summary = Mutex::new(PipelineSummary::default());
    // The clock of `Timing::done_ms`: a real-time source plays recording time t at about `started + t`.
    let started = Instant::now();
    let handle = source.start(frames_tx).map_err(SpeechError::Audio)?;

    std::thread::scope(|scope| -> Result<(), SpeechError> {
        let worker = scope.spawn(|| -> Result<(), SpeechError> {
            let mut transcriber = transcriber;
            let result = (|| -> Result<(), SpeechError> {
                while let Some((batch, note)) = queue.pop() {
                    if let Some(note) = note {
                        summary
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .merged_utterances += u64::from(note.utterances);
                        emit(merged_event(note));
                    }
                    let call_started = Instant::now();
                    let segments = transcriber.transcribe(&batch.samples)?;
                    let processing_ms = call_started.elapsed().as_millis() as u64;
                    let audio_ms = batch.len_ms();
                    {
                        let mut s = summary.lock().unwrap_or_else(PoisonError::into_inner);
                        s.segments += segments.len() as u64;
                        s.audio_ms += audio_ms;
                        s.processing_ms += processing_ms;
                    }
                    for seg in segments {
                        emit(SpeechEvent::Segment {
                            speaker: batch.speaker,
                            start_ms: batch.to_recording_ms(seg.start_ms),
                            end_ms: batch
                                .to_recording_ms(seg.end_ms)
                                .max(batch.to_recording_ms(seg.start_ms)),
                            text: seg.text,
                            confidence: seg.confidence,
                            language: seg.language,
                        });
                    }
                    emit(SpeechEvent::Timing {
                        speaker: batch.speaker,
                        start_ms: batch.start_ms,
                        audio_ms,
                        processing_ms,
                        end_ms: batch.end_ms,
                        done_ms: started.elapsed().as_millis() as u64,
                    });
                }
                Ok(())
            })();
            queue.close();
            result
        });

        let result = (|| -> Result<(), SpeechError> {
            let mut reported_drops = 0u64;
            let handle_outputs = |outputs: Vec<SegmenterOutput>| {
                for output in outputs {
                    match output {
                        SegmenterOutput::Started { speaker, start_ms } => {
                            emit(SpeechEvent::UtteranceStarted { speaker, start_ms })
                        }
                        SegmenterOutput::Discarded {
                            speaker,
                            start_ms,
                            end_ms,
                        } => emit(SpeechEvent::UtteranceEnded {
                            speaker,
                            start_ms,
                            end_ms,
                            kept: false,
                        }),
                        SegmenterOutput::Ended(u) => {
                            emit(SpeechEvent::UtteranceEnded {
                                speaker: u.speaker,
                                start_ms: u.start_ms,
                                end_ms: u.end_ms,
                                kept: true,
                            });
                            summary
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .utterances += 1;
                            if let Some(note) = queue.push(Batch::from_utterance(u)) {
                                summary
                                    .lock()
                                    .unwrap_or_else(PoisonError::into_inner)
                                    .merged_utterances += u64::from(note.utterances);
                                emit(merged_event(note));
                            }
                        }
                    }
                }
            };
            loop {
                let event = match frames_rx.recv_timeout(Duration::from_millis(200)) {
                    Received::Event(e) => e,
                    Received::Timeout => continue,
                    Received::Closed => break,
                };
                let dropped = frames_rx.dropped();
                if dropped > reported_drops {
                    emit(SpeechEvent::Dropped {
                        count: dropped - reported_drops,
                        total: dropped,
                    });
                    reported_drops = dropped;
                }
                match event {
                    AudioEvent::Frame(frame) => {
                        let Some(state) = channels.get_mut(&frame.channel) else {
                            continue;
                        };
                        state.pending.extend_from_slice(&frame.samples);
                        let mut consumed = 0;
                        while state.pending.len() - consumed >= VAD_WINDOW {
                            let window = &state.pending[consumed..consumed + VAD_WINDOW];
                            let p = state.detector.speech_probability(window)?;
                            let outputs = state.segmenter.push(window, p);
                            consumed += VAD_WINDOW;
                            handle_outputs(outputs);
                        }
                        state.pending.drain(..consumed);
                    }
                    AudioEvent::Warning { message } => emit(SpeechEvent::Warning { message }),
                    AudioEvent::DeviceLost { device, message } => {
                        emit(SpeechEvent::Warning {
                            message: format!("audio device {device} lost: {message}"),
                        });
                        break;
                    }
                    AudioEvent::End => break,
                }
            }
            for state in channels.values_mut() {
                let outputs = state.segmenter.finish();
                handle_outputs(outputs);
            }
            summary
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .dropped_frames = frames_rx.dropped();
            Ok(())
        })();
        queue.close();
        // Dropping the receiver first unblocks a source waiting for room, so stopping it cannot hang.
        drop(frames_rx);
        drop(handle);
        let worker_result = worker
            .join()
            .map_err(|_| SpeechError::Whisper("the transcription worker panicked".into()))?;
        result.and(worker_result)
    })?;
    Ok(summary.into_inner().unwrap_or_else(PoisonError::into_inner))
}
