//! The scripted interviews of tests/fixtures/interviews run through the engine, and the report
//! inputs around them (interview record, confirmed ratings, notes).

use std::collections::BTreeMap;
use std::path::PathBuf;

use copilot_domain::{Interview, JobDefinition, Language};
use copilot_engine::{Engine, EngineConfig, EngineInput, Speaker, TranscriptSegment, text};
use copilot_report::{
    ConfirmedRating, ConsentRecord, Report, ReportInput, ReportNote, build_report,
};
use serde_json::{Value, json};

pub const SESSIONS: [&str; 4] = [
    "dev-sales-en-01",
    "dev-workshop-zh-01",
    "dev-pm-en-01",
    "dev-teacher-zh-01",
];

/// A note that must never reach the candidate.
pub const NOTE_CANARY: &str = "CANARY-7f3a internal remark";

fn fixtures_dir() -> PathBuf {
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

    /// The interview record the app would hold for this session.
    pub fn interview(&self) -> anyhow::Result<Interview> {
        let value = json!({
            "id": format!("iv-{}", self.id),
            "job_id": self.job.id,
            "model_version": 3,
            "candidate": {
                "id": format!("cand-{}", self.id),
                "name": self.raw["candidate"]["name"],
                "resume_text": self.raw["candidate"]["resume"],
            },
            "interviewers": [self.raw["interviewer"]["name"]],
            "language": self.language,
            "status": "completed",
            "plan": {
                "job_id": self.job.id,
                "model_version": 3,
                "language": self.language,
                "budget_minutes": self.planned_minutes,
                "planned_minutes": self.planned_minutes,
                "items": [],
                "skipped": [],
                "resume_facts": {"roles": [], "organisations": [], "projects": [], "skills": [], "achievements": []},
            },
            "created_at": "2026-11-20T08:30:00Z",
            "scheduled_at": "2026-11-20T09:00:00Z",
            "started_at": "2026-11-20T09:01:00Z",
            "ended_at": "2026-11-20T09:12:00Z",
        });
        Ok(serde_json::from_value(value)?)
    }

    pub fn interviewer(&self) -> String {
        self.raw["interviewer"]["name"]
            .as_str()
            .unwrap_or("interviewer")
            .to_string()
    }
}

/// How the transcript is timed: speaking speed and gaps vary, the words do not.
#[derive(Clone, Copy)]
pub struct Pacing {
    /// Speaking time multiplier (1.0 = 150 words/min, 4 hanzi/s).
    pub slowness: f64,
    /// Gap between the sentences of one turn.
    pub sentence_gap_ms: u64,
    pub turn_gap_ms: u64,
    /// Dismiss every active prompt after each turn.
    pub dismiss_prompts: bool,
}

pub const NORMAL: Pacing = Pacing {
    slowness: 1.0,
    sentence_gap_ms: 300,
    turn_gap_ms: 600,
    dismiss_prompts: false,
};

fn speaking_ms(sentence: &str, language: Language, slowness: f64) -> u64 {
    let base = match language {
        Language::En => (text::en_words(&text::normalise(sentence)).len() as u64 * 400).max(400),
        Language::Zh => {
            let hanzi = sentence.chars().filter(|c| text::is_cjk(*c)).count() as u64;
            let latin = text::en_words(&text::normalise(sentence)).len() as u64;
            (hanzi * 250 + latin * 300).max(300)
        }
    };
    (base as f64 * slowness).round() as u64
}

/// Feed the reference transcript, one segment per sentence, and end the interview.
pub fn run_engine(session: &Session, pacing: Pacing) -> Engine {
    let config = EngineConfig::for_minutes(session.planned_minutes);
    let mut engine = Engine::new(&session.job, config);
    let mut now = 0u64;
    let turns = session.raw["turns"].as_array().cloned().unwrap_or_default();
    for t in &turns {
        let speaker = match t["speaker"].as_str() {
            Some("interviewer") => Speaker::Interviewer,
            _ => Speaker::Candidate,
        };
        let turn_text = t["text"].as_str().unwrap_or_default();
        for (i, s) in text::sentences(turn_text).iter().enumerate() {
            if i > 0 {
                now += pacing.sentence_gap_ms;
            }
            let end = now + speaking_ms(&s.text, session.language, pacing.slowness);
            engine.apply(EngineInput::Segment(TranscriptSegment {
                speaker,
                start_ms: now,
                end_ms: end,
                text: s.text.clone(),
                language: Some(session.language),
            }));
            now = end;
        }
        engine.apply(EngineInput::TurnEnd {
            speaker,
            at_ms: now,
        });
        if pacing.dismiss_prompts {
            for prompt in engine.state().active_prompts {
                engine.apply(EngineInput::DismissPrompt {
                    prompt_id: prompt.id,
                    at_ms: now,
                });
            }
        }
        now += pacing.turn_gap_ms;
    }
    engine.apply(EngineInput::End { at_ms: now });
    engine
}

/// Two confirmed ratings: the heaviest competency as suggested, the second one point higher
/// (capped at 5, or one lower from 5) so it differs from the suggestion.
pub fn confirmed_ratings(session: &Session, engine: &Engine) -> BTreeMap<String, ConfirmedRating> {
    let state = engine.state();
    let by = session.interviewer();
    let mut confirmed = BTreeMap::new();
    if let Some(first) = state.competencies.first() {
        confirmed.insert(
            first.id.clone(),
            ConfirmedRating {
                rating: first.suggested.rating,
                by: by.clone(),
                at_ms: state.now_ms,
                comment: None,
            },
        );
    }
    if let Some(second) = state.competencies.get(1) {
        let suggested = second.suggested.rating;
        let rating = if suggested == 5 { 4 } else { suggested + 1 };
        confirmed.insert(
            second.id.clone(),
            ConfirmedRating {
                rating,
                by,
                at_ms: state.now_ms,
                comment: Some(format!("{NOTE_CANARY} (comment)")),
            },
        );
    }
    confirmed
}

pub fn notes(engine: &Engine) -> Vec<ReportNote> {
    let state = engine.state();
    let at = state.turns.get(3).map_or(0, |t| t.end_ms);
    vec![ReportNote {
        at_ms: at,
        text: NOTE_CANARY.to_string(),
        competency: state.competencies.first().map(|c| c.id.clone()),
    }]
}

/// Build a report for a run with the given confirmed ratings.
pub fn report_with(
    session: &Session,
    engine: &Engine,
    confirmed: &BTreeMap<String, ConfirmedRating>,
) -> anyhow::Result<Report> {
    let interview = session.interview()?;
    let notes = notes(engine);
    Ok(build_report(&ReportInput {
        report_id: format!("rep-{}", session.id),
        interview: &interview,
        job: &session.job,
        engine,
        confirmed_ratings: confirmed,
        notes: &notes,
        generated_at: "2026-11-20T10:00:00+00:00".to_string(),
        thresholds: Default::default(),
        consent: ConsentRecord::default(),
    }))
}

/// The standard report of a session: normal pacing, two confirmed ratings and a note.
pub fn standard_report(id: &str) -> anyhow::Result<(Session, Report)> {
    let session = Session::load(id)?;
    let engine = run_engine(&session, NORMAL);
    let confirmed = confirmed_ratings(&session, &engine);
    let report = report_with(&session, &engine, &confirmed)?;
    Ok((session, report))
}
