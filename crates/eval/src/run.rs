//! Running the engine over a labelled interview: from its reference transcript (one segment per
//! sentence, synthetic speaking times) or from recognised segments of its recording (each placed
//! in the scripted turn it falls in, by the recording's timing file). Either way the result keeps,
//! per scripted turn, the engine events its segments caused and the engine turns it became.

use copilot_domain::{JobDefinition, Language};
use copilot_engine::{
    Engine, EngineConfig, EngineEvent, EngineInput, Speaker, TranscriptSegment, text,
};

use crate::fixture::{AudioTiming, Interview, Role};

/// What happened while one scripted turn was fed (its segments, its turn end).
#[derive(Debug, Clone)]
pub struct TurnRun {
    /// The scripted turn's index.
    pub index: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    pub events: Vec<EngineEvent>,
    /// The engine turns this scripted turn became (none when nothing of it was recognised).
    pub engine_turns: Vec<u32>,
}

/// An engine after a whole interview, with the events per scripted turn.
pub struct Run {
    pub engine: Engine,
    pub turns: Vec<TurnRun>,
    pub end_events: Vec<EngineEvent>,
}

impl Run {
    /// The scripted turn an engine turn belongs to.
    pub fn scripted_turn(&self, engine_turn: u32) -> Option<usize> {
        self.turns
            .iter()
            .position(|t| t.engine_turns.contains(&engine_turn))
    }
}

fn speaker(role: Role) -> Speaker {
    match role {
        Role::Interviewer => Speaker::Interviewer,
        Role::Candidate => Speaker::Candidate,
    }
}

/// Speaking time of a sentence: 150 words/min in English, 4 hanzi/s in Chinese.
fn speaking_ms(sentence: &str, language: Language) -> u64 {
    match language {
        Language::En => (text::en_words(&text::normalise(sentence)).len() as u64 * 400).max(400),
        Language::Zh => {
            let hanzi = sentence.chars().filter(|c| text::is_cjk(*c)).count() as u64;
            let latin = text::en_words(&text::normalise(sentence)).len() as u64;
            (hanzi * 250 + latin * 300).max(300)
        }
    }
}

/// Feeds segments scripted turn by scripted turn and keeps which events and engine turns belong to which.
struct Feeder {
    engine: Engine,
    turns: Vec<TurnRun>,
    /// The scripted turn being fed, and its speaker.
    current: Option<(usize, Speaker)>,
    /// The scripted turn the engine's open turn started in.
    pending: Option<usize>,
    now: u64,
}

impl Feeder {
    fn new(interview: &Interview, job: &JobDefinition) -> Feeder {
        let config = EngineConfig::for_minutes(interview.minutes());
        Feeder {
            engine: Engine::new(job, config),
            turns: interview
                .turns
                .iter()
                .map(|t| TurnRun {
                    index: t.index,
                    start_ms: 0,
                    end_ms: 0,
                    events: Vec::new(),
                    engine_turns: Vec::new(),
                })
                .collect(),
            current: None,
            pending: None,
            now: 0,
        }
    }

    /// Applies one input on behalf of scripted turn `turn`: events that close an engine turn belong
    /// to the scripted turn that engine turn started in.
    fn apply(&mut self, turn: usize, input: EngineInput) {
        let is_segment = matches!(input, EngineInput::Segment(_));
        let events = self.engine.apply(input);
        let mut owner = turn;
        for e in &events {
            if let EngineEvent::TurnClassified {
                turn: engine_turn, ..
            } = e
            {
                owner = self.pending.unwrap_or(turn);
                self.turns[owner].engine_turns.push(*engine_turn);
                self.pending = None;
            }
        }
        self.turns[owner].events.extend(events);
        if is_segment && self.pending.is_none() {
            self.pending = Some(turn);
        }
    }

    fn end_current(&mut self) {
        if let Some((turn, speaker)) = self.current.take() {
            let at_ms = self.now;
            self.apply(turn, EngineInput::TurnEnd { speaker, at_ms });
            self.turns[turn].end_ms = self.turns[turn].end_ms.max(at_ms);
        }
    }

    fn segment(&mut self, turn: usize, segment: TranscriptSegment) {
        if self.current.is_some_and(|(t, _)| t != turn) {
            self.end_current();
        }
        if self.current.is_none() {
            self.current = Some((turn, segment.speaker));
            if self.turns[turn].engine_turns.is_empty() && self.turns[turn].events.is_empty() {
                self.turns[turn].start_ms = segment.start_ms;
            }
        }
        self.now = self.now.max(segment.end_ms);
        self.turns[turn].end_ms = self.turns[turn].end_ms.max(segment.end_ms);
        self.apply(turn, EngineInput::Segment(segment));
    }

    fn finish(mut self, at_ms: u64) -> Run {
        self.end_current();
        let end_events = self.engine.apply(EngineInput::End { at_ms });
        Run {
            engine: self.engine,
            turns: self.turns,
            end_events,
        }
    }
}

/// Feeds the reference transcript: one segment per sentence (300 ms apart), 600 ms between turns,
/// each segment tagged with the interview's language.
pub fn run_transcript(interview: &Interview, job: &JobDefinition) -> Run {
    run_transcript_with(interview, job, Some(interview.language))
}

/// Like [`run_transcript`], with the segment language given (or `None` for the engine to detect it).
pub fn run_transcript_with(
    interview: &Interview,
    job: &JobDefinition,
    segment_language: Option<Language>,
) -> Run {
    let mut feeder = Feeder::new(interview, job);
    let mut now = 0u64;
    for t in &interview.turns {
        let speaker = speaker(t.speaker);
        feeder.turns[t.index].start_ms = now;
        for (i, s) in text::sentences(&t.text).iter().enumerate() {
            if i > 0 {
                now += 300;
            }
            let end = now + speaking_ms(&s.text, interview.language);
            feeder.segment(
                t.index,
                TranscriptSegment {
                    speaker,
                    start_ms: now,
                    end_ms: end,
                    text: s.text.clone(),
                    language: segment_language,
                },
            );
            now = end;
        }
        feeder.now = now;
        feeder.end_current();
        feeder.turns[t.index].end_ms = now;
        now += 600;
    }
    feeder.finish(now)
}

/// Feeds recognised segments of the interview's recording. Each segment goes to the scripted turn
/// of its speaker whose span (from `timing`) is nearest its midpoint; segments are fed in time order.
pub fn run_recognised(
    interview: &Interview,
    job: &JobDefinition,
    timing: &AudioTiming,
    mut segments: Vec<TranscriptSegment>,
) -> Run {
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    let spans: Vec<(usize, Speaker, u64, u64)> = timing
        .turns
        .iter()
        .map(|t| {
            (
                t.index,
                speaker(t.speaker),
                (t.start_s * 1000.0).round() as u64,
                (t.end_s * 1000.0).round() as u64,
            )
        })
        .collect();
    let mut feeder = Feeder::new(interview, job);
    let mut last_end = 0;
    for segment in segments {
        let mid = (segment.start_ms + segment.end_ms) / 2;
        let distance = |&(_, _, start, end): &(usize, Speaker, u64, u64)| {
            if mid < start {
                start - mid
            } else {
                mid.saturating_sub(end)
            }
        };
        let same_speaker = spans
            .iter()
            .filter(|s| s.1 == segment.speaker)
            .min_by_key(|s| distance(s));
        let Some(&(turn, ..)) = same_speaker.or_else(|| spans.iter().min_by_key(|s| distance(s)))
        else {
            continue;
        };
        last_end = last_end.max(segment.end_ms);
        feeder.segment(turn, segment);
    }
    let end = spans.iter().map(|s| s.3).max().unwrap_or(0).max(last_end) + 600;
    feeder.now = feeder.now.max(end - 600);
    feeder.finish(end)
}
