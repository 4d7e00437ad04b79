//! Pure cue smoothing: per-frame [`Observation`]s in, sustained [`Cue`]s out. No I/O, no clock: time
//! arrives in the observations.
//!
//! Each cue kind has a per-frame signal (for example 1 when no face is seen, or the probability mass of
//! negative expressions). The tracker averages each signal over a sliding window of
//! [`CueConfig::window_ms`] (a few seconds). A cue starts only when the window is full, the signal applies
//! to enough of its frames ([`CueConfig::min_coverage`]) and the average reaches the kind's `on` level; it
//! ends when the average falls below the lower `off` level (hysteresis, so cues do not flicker) or the
//! signal no longer applies. A cue's confidence is the mean windowed level while it was active.
//!
//! Expression cues (tension, ease) come from a weak model: they are hints for the interviewer, shown
//! only, never stored in ratings or scores. With `expression_cues` off they are never produced, even if
//! expression signals were fed in.

use std::collections::VecDeque;

use serde::Serialize;

/// The expression part of a frame's main face.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExpressionSignal {
    /// angry + disgust + fear + sad probability.
    pub negative: f32,
    pub happy: f32,
}

/// The main face of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FaceSignal {
    /// Face box height / frame height.
    pub height_fraction: f32,
    /// Yaw proxy, -1..1 (0 looks at the camera).
    pub turn: f32,
    pub expression: Option<ExpressionSignal>,
}

/// What one frame showed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    pub time_ms: u64,
    /// Mean luma 0-255.
    pub mean_luma: f32,
    pub face: Option<FaceSignal>,
}

/// The cues the interviewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    FaceAbsent,
    TurnedAway,
    Tension,
    Ease,
    TooDark,
    FaceTooSmall,
}

impl CueKind {
    pub const ALL: [CueKind; 6] = [
        CueKind::FaceAbsent,
        CueKind::TurnedAway,
        CueKind::Tension,
        CueKind::Ease,
        CueKind::TooDark,
        CueKind::FaceTooSmall,
    ];

    /// Tension and ease come from the expression model.
    pub fn is_expression(self) -> bool {
        matches!(self, CueKind::Tension | CueKind::Ease)
    }

    /// Presence cues (face absent, turned away).
    pub fn is_presence(self) -> bool {
        matches!(self, CueKind::FaceAbsent | CueKind::TurnedAway)
    }

    /// Frame-quality cues (too dark, face too small).
    pub fn is_quality(self) -> bool {
        matches!(self, CueKind::TooDark | CueKind::FaceTooSmall)
    }

    pub fn name(self) -> &'static str {
        match self {
            CueKind::FaceAbsent => "face_absent",
            CueKind::TurnedAway => "turned_away",
            CueKind::Tension => "tension",
            CueKind::Ease => "ease",
            CueKind::TooDark => "too_dark",
            CueKind::FaceTooSmall => "face_too_small",
        }
    }

    /// This frame's signal for the kind, or `None` when it does not apply (no face, no expression).
    fn signal(self, obs: &Observation, config: &CueConfig) -> Option<f32> {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            CueKind::FaceAbsent => Some(flag(obs.face.is_none())),
            CueKind::TooDark => Some(flag(obs.mean_luma < config.dark_luma)),
            CueKind::TurnedAway => obs.face.map(|f| flag(f.turn.abs() > config.turn_limit)),
            CueKind::FaceTooSmall => obs
                .face
                .map(|f| flag(f.height_fraction < config.small_face_fraction)),
            CueKind::Tension => obs.face.and_then(|f| f.expression).map(|e| e.negative),
            CueKind::Ease => obs.face.and_then(|f| f.expression).map(|e| e.happy),
        }
    }

    /// (on, off) levels of the windowed signal.
    fn levels(self) -> (f32, f32) {
        match self {
            CueKind::FaceAbsent | CueKind::TooDark | CueKind::FaceTooSmall => (0.8, 0.4),
            CueKind::TurnedAway => (0.7, 0.3),
            CueKind::Tension => (0.55, 0.35),
            CueKind::Ease => (0.6, 0.35),
        }
    }
}

/// A sustained cue with its time span (ms from the source start) and confidence 0-1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cue {
    pub kind: CueKind,
    pub start_ms: u64,
    pub end_ms: u64,
    pub confidence: f32,
}

/// A change the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CueEvent {
    Started(Cue),
    Ended(Cue),
}

/// Tuning. The defaults suit 5-15 fps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CueConfig {
    pub window_ms: u64,
    /// Share of the window's frames the signal must apply to.
    pub min_coverage: f32,
    /// Mean luma below this is "too dark".
    pub dark_luma: f32,
    /// Face height below this share of the frame is "too small".
    pub small_face_fraction: f32,
    /// |turn| above this is "turned away".
    pub turn_limit: f32,
    /// Produce tension/ease cues at all (off under the EU profile or without consent).
    pub expression_cues: bool,
    /// Upper bound on the frames kept in the window (bounded memory at any frame rate).
    pub max_window_frames: usize,
}

impl Default for CueConfig {
    fn default() -> Self {
        CueConfig {
            window_ms: 3000,
            min_coverage: 0.6,
            dark_luma: 45.0,
            small_face_fraction: 0.1,
            turn_limit: 0.5,
            expression_cues: true,
            max_window_frames: 256,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Active {
    start_ms: u64,
    last_ms: u64,
    level_sum: f32,
    level_count: u32,
}

/// Turns observations into cue events.
#[derive(Debug, Clone)]
pub struct CueTracker {
    config: CueConfig,
    window: VecDeque<Observation>,
    active: Vec<(CueKind, Active)>,
    finished: Vec<Cue>,
}

impl CueTracker {
    pub fn new(config: CueConfig) -> CueTracker {
        CueTracker {
            config,
            window: VecDeque::with_capacity(config.max_window_frames),
            active: Vec::new(),
            finished: Vec::new(),
        }
    }

    /// Expression cues on or off from now on (policy change or consent withdrawal): turning them off ends
    /// any active expression cue at once.
    pub fn set_expression_cues(&mut self, on: bool) -> Vec<CueEvent> {
        self.config.expression_cues = on;
        if on {
            return Vec::new();
        }
        let ending: Vec<CueKind> = self
            .active
            .iter()
            .filter(|(k, _)| k.is_expression())
            .map(|(k, _)| *k)
            .collect();
        ending.into_iter().map(|k| self.end(k)).collect()
    }

    /// Feed one frame's observation (times must not go backwards; an older one is ignored).
    pub fn push(&mut self, obs: Observation) -> Vec<CueEvent> {
        if self
            .window
            .back()
            .is_some_and(|last| obs.time_ms < last.time_ms)
        {
            return Vec::new();
        }
        self.window.push_back(obs);
        while self.window.len() > self.config.max_window_frames
            || self
                .window
                .front()
                .is_some_and(|f| obs.time_ms.saturating_sub(f.time_ms) > self.config.window_ms)
        {
            self.window.pop_front();
        }
        let oldest = self.window.front().map_or(obs.time_ms, |f| f.time_ms);
        let full = obs.time_ms.saturating_sub(oldest) * 10 >= self.config.window_ms * 9;
        let mut events = Vec::new();
        for kind in CueKind::ALL {
            if kind.is_expression() && !self.config.expression_cues {
                continue;
            }
            let (sum, applies) = self
                .window
                .iter()
                .filter_map(|o| kind.signal(o, &self.config))
                .fold((0.0f32, 0usize), |(s, n), v| (s + v, n + 1));
            let coverage = applies as f32 / self.window.len() as f32;
            let level = if applies > 0 {
                sum / applies as f32
            } else {
                0.0
            };
            let (on, off) = kind.levels();
            let covered = coverage >= self.config.min_coverage;
            let holds_now = kind.signal(&obs, &self.config).is_some_and(|v| v >= off);
            match self.active.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, a)) => {
                    if !covered || level < off {
                        events.push(self.end(kind));
                    } else {
                        if holds_now {
                            a.last_ms = obs.time_ms;
                        }
                        a.level_sum += level;
                        a.level_count += 1;
                    }
                }
                None => {
                    if full && covered && level >= on {
                        let start_ms = self
                            .window
                            .iter()
                            .find(|o| kind.signal(o, &self.config).is_some_and(|v| v >= off))
                            .map_or(oldest, |o| o.time_ms);
                        let a = Active {
                            start_ms,
                            last_ms: obs.time_ms,
                            level_sum: level,
                            level_count: 1,
                        };
                        self.active.push((kind, a));
                        events.push(CueEvent::Started(cue_of(kind, &a)));
                    }
                }
            }
        }
        events
    }

    fn end(&mut self, kind: CueKind) -> CueEvent {
        let pos = self
            .active
            .iter()
            .position(|(k, _)| *k == kind)
            .unwrap_or(0);
        let (_, a) = self.active.remove(pos);
        let cue = cue_of(kind, &a);
        self.finished.push(cue);
        CueEvent::Ended(cue)
    }

    /// The cues active now.
    pub fn active(&self) -> Vec<Cue> {
        self.active.iter().map(|(k, a)| cue_of(*k, a)).collect()
    }

    /// End of the source: close every active cue.
    pub fn finish(&mut self) -> Vec<CueEvent> {
        let kinds: Vec<CueKind> = self.active.iter().map(|(k, _)| *k).collect();
        kinds.into_iter().map(|k| self.end(k)).collect()
    }

    /// Every cue that has ended, in order (the cue timeline).
    pub fn timeline(&self) -> &[Cue] {
        &self.finished
    }
}

fn cue_of(kind: CueKind, a: &Active) -> Cue {
    Cue {
        kind,
        start_ms: a.start_ms,
        end_ms: a.last_ms,
        confidence: (a.level_sum / a.level_count.max(1) as f32).clamp(0.0, 1.0),
    }
}
