//! The engine's public inputs, events and state: everything the UI renders derives `TS`.

use copilot_domain::{Bilingual, Language};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::facts::KeyFact;

/// Who spoke a segment. Unknown speech (diarisation not sure) is kept but never attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Interviewer,
    Candidate,
    Unknown,
}

/// One piece of transcript, times in milliseconds of interview time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TranscriptSegment {
    pub speaker: Speaker,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
    /// The language the recogniser reported; `None` lets the engine detect it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub language: Option<Language>,
}

/// What the engine is fed. Time always arrives in the input: the engine never reads a clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EngineInput {
    Segment(TranscriptSegment),
    /// The speaker finished a turn (optional: a change of speaker also ends a turn).
    TurnEnd {
        speaker: Speaker,
        at_ms: u64,
    },
    /// Time passes with nobody speaking (drives time warnings and coverage prompts).
    Tick {
        at_ms: u64,
    },
    /// A note typed by the interviewer, optionally tagged with a competency.
    Note {
        at_ms: u64,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        competency: Option<String>,
    },
    /// The interviewer's own rating (1-5) for a competency; kept beside the suggestion.
    ManualRating {
        competency: String,
        rating: u8,
        at_ms: u64,
    },
    DismissPrompt {
        prompt_id: u32,
        at_ms: u64,
    },
    /// The interview is over: the last turn is closed and end-of-interview prompts are raised.
    End {
        at_ms: u64,
    },
}

/// How an interviewer turn was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InterviewerTurnKind {
    SmallTalk,
    Other,
    Question,
    FollowUp,
    Redirect,
    Closing,
}

/// How a candidate turn was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CandidateTurnKind {
    SmallTalk,
    Other,
    Answer,
    QuestionToInterviewer,
}

/// The engine's judgement of an answer, which drives its follow-up prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnswerQuality {
    Strong,
    Partial,
    Vague,
    WeNotI,
    Evasive,
    OffTopic,
}

/// A classified turn (either speaker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "speaker", rename_all = "snake_case")]
pub enum TurnClass {
    Interviewer {
        kind: InterviewerTurnKind,
        asks: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        bank_question_id: Option<String>,
        similarity: f64,
    },
    Candidate {
        kind: CandidateTurnKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        quality: Option<AnswerQuality>,
    },
    /// Speech the diariser could not attribute: kept, never used as evidence.
    Unknown,
}

/// A STAR part (situation, task, action, result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub enum StarPart {
    S,
    T,
    A,
    R,
}

impl StarPart {
    pub const ALL: [StarPart; 4] = [StarPart::S, StarPart::T, StarPart::A, StarPart::R];

    pub fn letter(self) -> char {
        match self {
            StarPart::S => 'S',
            StarPart::T => 'T',
            StarPart::A => 'A',
            StarPart::R => 'R',
        }
    }
}

/// A quote from a candidate turn that supports a competency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EvidenceQuote {
    pub turn: u32,
    pub start_ms: u64,
    pub end_ms: u64,
    pub quote: String,
    /// 0 (none) to 3 (a concrete episode with own actions and an outcome).
    pub strength: u8,
    /// True when the competency was not asked in the preceding question.
    pub unasked: bool,
    /// The STAR parts this turn's own text shows.
    pub star: Vec<StarPart>,
}

/// An interviewer turn that asked a competency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AskedIn {
    pub turn: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bank_question_id: Option<String>,
    pub similarity: f64,
}

/// Where a competency stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    Evidenced,
    AskedNotEvidenced,
    Uncovered,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Evidenced => "evidenced",
            CoverageStatus::AskedNotEvidenced => "asked_not_evidenced",
            CoverageStatus::Uncovered => "uncovered",
        }
    }
}

/// How specific the candidate was, over the turns that evidence a competency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Specificity {
    pub numbers: u32,
    pub first_person_singular: u32,
    pub first_person_plural: u32,
    /// singular / (singular + plural); 0 when neither occurs.
    pub singular_ratio: f64,
}

/// A suggested rating on the 1-5 anchors and the quotes it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SuggestedRating {
    pub rating: u8,
    pub rationale: Bilingual,
    pub evidence_turns: Vec<u32>,
}

/// Everything the engine knows about one competency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompetencyCoverage {
    pub id: String,
    pub name: Bilingual,
    pub weight: f64,
    pub asked_in: Vec<AskedIn>,
    pub evidence: Vec<EvidenceQuote>,
    pub max_strength: u8,
    pub star: Vec<StarPart>,
    pub specificity: Specificity,
    /// Candidate talk time spent on this competency (answers attributed to it).
    pub time_spent_ms: u64,
    pub status: CoverageStatus,
    pub suggested: SuggestedRating,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub manual_rating: Option<u8>,
    pub notes: Vec<String>,
}

/// Information-only delivery figures for one candidate answer (never used in ratings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeliveryMetrics {
    pub turn: u32,
    /// Words per minute (English) or characters per minute (Chinese).
    pub rate_per_minute: f64,
    pub rate_unit: String,
    pub pauses: u32,
    pub longest_pause_ms: u64,
    pub duration_ms: u64,
}

/// Speaking time per side over the interview so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct TalkTime {
    pub interviewer_ms: u64,
    pub candidate_ms: u64,
    /// interviewer / candidate; 0 when the candidate has not spoken.
    pub interviewer_to_candidate: f64,
}

/// The whole live state, for the UI and for reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CoverageState {
    pub now_ms: u64,
    pub planned_ms: u64,
    pub ended: bool,
    /// By weight (heaviest first), then id.
    pub competencies: Vec<CompetencyCoverage>,
    pub asked: Vec<String>,
    pub evidenced: Vec<String>,
    pub asked_not_evidenced: Vec<String>,
    pub uncovered: Vec<String>,
    pub evidenced_weight: f64,
    pub active_prompts: Vec<crate::prompts::Prompt>,
    pub dismissed_prompts: Vec<u32>,
    pub key_facts: Vec<KeyFact>,
    pub delivery: Vec<DeliveryMetrics>,
    pub talk_time: TalkTime,
    pub turns: Vec<TurnRecord>,
    /// Notes not tied to a competency.
    pub notes: Vec<String>,
}

/// One turn as the engine closed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TurnRecord {
    pub index: u32,
    pub speaker: Speaker,
    pub start_ms: u64,
    pub end_ms: u64,
    pub language: Language,
    pub text: String,
    pub class: TurnClass,
}

/// What the engine tells the UI after an input (tagged `event`: key facts carry their own `type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EngineEvent {
    TurnClassified {
        turn: u32,
        class: TurnClass,
        at_ms: u64,
    },
    CompetencyAsked {
        competency: String,
        turn: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        bank_question_id: Option<String>,
        similarity: f64,
    },
    EvidenceAdded {
        competency: String,
        quote: EvidenceQuote,
    },
    StarUpdated {
        competency: String,
        star: Vec<StarPart>,
    },
    StatusChanged {
        competency: String,
        status: CoverageStatus,
    },
    Prompt(crate::prompts::Prompt),
    PromptRetired {
        prompt_id: u32,
        reason: crate::prompts::RetireReason,
        at_ms: u64,
    },
    KeyFact(KeyFact),
    Delivery(DeliveryMetrics),
    TimeWarning {
        minutes_left: u32,
        at_ms: u64,
        text: Bilingual,
    },
    SuggestedRatingChanged {
        competency: String,
        rating: u8,
    },
    ManualRatingRecorded {
        competency: String,
        rating: u8,
    },
    NoteRecorded {
        at_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        competency: Option<String>,
    },
    /// An input the engine could not use, with what to do about it (nothing is lost: the input is ignored).
    InputRejected {
        reason: String,
    },
    Ended {
        at_ms: u64,
    },
}
