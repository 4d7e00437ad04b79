//! The scripted interviews of tests/fixtures/interviews, fed to the engine with synthetic times.

use std::path::PathBuf;

use copilot_domain::{JobDefinition, Language};
use copilot_engine::{
    Engine, EngineConfig, EngineEvent, EngineInput, Speaker, TranscriptSegment, text,
};
use serde_json::Value;

pub const SESSIONS: [&str; 4] = [
    "dev-sales-en-01",
    "dev-workshop-zh-01",
    "dev-pm-en-01",
    "dev-teacher-zh-01",
];

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews")
}

pub struct Session {
    pub id: String,
    pub raw: Value,
    pub job: JobDefinition,
    pub language: Language,
    pub planned_minutes: u32,
}

impl Session {
    pub fn load(id: &str) -> anyhow::Result<Session> {
        let dir = fixtures_dir();
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(
            dir.join("sessions").join(format!("{id}.json")),
        )?)?;
        let job_id = raw["job_id"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("{id}: no job_id"))?;
        let job: JobDefinition = serde_json::from_str(&std::fs::read_to_string(
            dir.join("jobs").join(format!("{job_id}.json")),
        )?)?;
        let language = Language::parse(raw["language"].as_str().unwrap_or("en"))
            .ok_or_else(|| anyhow::anyhow!("{id}: bad language"))?;
        let planned_minutes = raw["planned_minutes"].as_u64().unwrap_or(10) as u32;
        Ok(Session {
            id: id.to_string(),
            raw,
            job,
            language,
            planned_minutes,
        })
    }

    pub fn turns(&self) -> &Vec<Value> {
        self.raw["turns"]
            .as_array()
            .expect("fixture sessions have turns")
    }
}

/// What happened while one turn was fed (its segments, the turn end).
pub struct TurnRun {
    pub index: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    pub events: Vec<EngineEvent>,
}

pub struct Run {
    pub engine: Engine,
    pub turns: Vec<TurnRun>,
    pub end_events: Vec<EngineEvent>,
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

/// Feed a session turn by turn: one segment per sentence (300 ms apart), 600 ms between turns.
pub fn run(session: &Session) -> Run {
    run_with(session, Some(session.language))
}

/// Like [`run`], with the segment language given (or `None` for the engine to detect it).
pub fn run_with(session: &Session, segment_language: Option<Language>) -> Run {
    let config = EngineConfig::for_minutes(session.planned_minutes);
    let mut engine = Engine::new(&session.job, config);
    let mut now = 0u64;
    let mut turns = Vec::new();
    for (index, t) in session.turns().iter().enumerate() {
        let speaker = match t["speaker"].as_str() {
            Some("interviewer") => Speaker::Interviewer,
            _ => Speaker::Candidate,
        };
        let text_ = t["text"].as_str().unwrap_or_default();
        let start_ms = now;
        let mut events = Vec::new();
        for (i, s) in text::sentences(text_).iter().enumerate() {
            if i > 0 {
                now += 300;
            }
            let end = now + speaking_ms(&s.text, session.language);
            events.extend(engine.apply(EngineInput::Segment(TranscriptSegment {
                speaker,
                start_ms: now,
                end_ms: end,
                text: s.text.clone(),
                language: segment_language,
            })));
            now = end;
        }
        events.extend(engine.apply(EngineInput::TurnEnd {
            speaker,
            at_ms: now,
        }));
        turns.push(TurnRun {
            index,
            start_ms,
            end_ms: now,
            events,
        });
        now += 600;
    }
    let end_events = engine.apply(EngineInput::End { at_ms: now });
    Run {
        engine,
        turns,
        end_events,
    }
}
