//! The report's types: everything serialises (JSON export), derives `TS` (the app renders it) and
//! `JsonSchema` (the published `schemas/report.schema.json`).

use copilot_domain::{Bilingual, Language};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The schema id written into every report.
pub const REPORT_SCHEMA_ID: &str = "interview-copilot/report@1";

/// How `Bilingual` (from copilot-domain) looks in JSON, for the schema.
#[derive(JsonSchema)]
#[schemars(rename = "Bilingual")]
#[allow(dead_code)]
pub(crate) struct BilingualSchema {
    en: String,
    zh: String,
}

/// How `Language` (from copilot-domain) looks in JSON, for the schema.
#[derive(JsonSchema)]
#[schemars(rename = "Language")]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum LanguageSchema {
    En,
    Zh,
}

/// The whole report of one interview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Report {
    /// Always [`REPORT_SCHEMA_ID`].
    pub schema: String,
    pub report_id: String,
    pub interview_id: String,
    /// RFC 3339, given by the caller (the report reads no clock).
    pub generated_at: String,
    #[schemars(with = "LanguageSchema")]
    pub language: Language,
    pub candidate: ReportCandidate,
    pub job: ReportJob,
    pub interviewers: Vec<String>,
    pub times: ReportTimes,
    pub overall: Overall,
    /// In weight order (heaviest first, then id).
    pub competencies: Vec<CompetencyReport>,
    pub key_facts: Vec<FactEntry>,
    pub timeline: Vec<TimelineEntry>,
    pub strengths: Vec<Strength>,
    pub areas_to_probe: Vec<ProbeArea>,
    pub consent: ConsentRecord,
    /// Information only: never used in any rating or score.
    pub delivery: DeliverySection,
    /// What the candidate may be shown: no notes, no recommendation, no scores.
    pub candidate_feedback: CandidateFeedback,
    /// Inputs the report could not use (ignored, listed here so nothing is lost silently).
    pub input_issues: Vec<String>,
    /// Ratings confirmed or changed after the report was stored, oldest first (empty for a
    /// report as first written).
    #[serde(default)]
    pub revisions: Vec<RatingRevision>,
}

impl Report {
    /// 1 for the report as first written, then one more per rating revision.
    pub fn revision(&self) -> u32 {
        self.revisions.len() as u32 + 1
    }
}

/// A rating confirmed or changed after the interview, on the stored report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RatingRevision {
    pub competency: String,
    /// The confirmed rating before (none when it had not been confirmed).
    pub from: Option<u8>,
    pub to: u8,
    pub by: String,
    /// RFC 3339, from the caller's clock.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReportCandidate {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReportJob {
    pub id: String,
    #[schemars(with = "BilingualSchema")]
    pub title: Bilingual,
    pub model_version: u32,
}

/// Wall-clock times are RFC 3339 strings from the interview record; durations are interview time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReportTimes {
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub scheduled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ended_at: Option<String>,
    pub planned_ms: u64,
    /// Interview time the engine saw (its clock at the end).
    pub duration_ms: u64,
    /// `duration_ms` as mm:ss.
    pub duration: String,
}

/// Whether every competency has a confirmed rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverallStatus {
    /// Every competency confirmed: the score is final.
    Complete,
    /// Some confirmed: the score covers only the confirmed weight.
    Partial,
    /// Nothing confirmed yet: no score.
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Advance,
    Hold,
    Decline,
}

impl From<copilot_engine::Recommendation> for Recommendation {
    fn from(value: copilot_engine::Recommendation) -> Self {
        match value {
            copilot_engine::Recommendation::Advance => Recommendation::Advance,
            copilot_engine::Recommendation::Hold => Recommendation::Hold,
            copilot_engine::Recommendation::Decline => Recommendation::Decline,
        }
    }
}

/// A weighted 0-100 score and the recommendation it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Score {
    pub score: f64,
    /// Share of the model's weight the score covers (1.0 = every competency).
    pub rated_weight: f64,
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Overall {
    pub status: OverallStatus,
    /// From the interviewer's confirmed ratings only; absent while nothing is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub confirmed: Option<Score>,
    /// From the engine's suggestions for every competency: provisional, not a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provisional: Option<Score>,
    pub confirmed_count: u32,
    pub competency_count: u32,
    /// Competency ids still without a confirmed rating.
    pub unconfirmed: Vec<String>,
    /// Score at or above which to advance.
    pub advance_at: f64,
    /// Score below which to decline; in between: hold.
    pub decline_below: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    Evidenced,
    AskedNotEvidenced,
    Uncovered,
}

impl From<copilot_engine::CoverageStatus> for Coverage {
    fn from(value: copilot_engine::CoverageStatus) -> Self {
        match value {
            copilot_engine::CoverageStatus::Evidenced => Coverage::Evidenced,
            copilot_engine::CoverageStatus::AskedNotEvidenced => Coverage::AskedNotEvidenced,
            copilot_engine::CoverageStatus::Uncovered => Coverage::Uncovered,
        }
    }
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Evidenced => "evidenced",
            Coverage::AskedNotEvidenced => "asked_not_evidenced",
            Coverage::Uncovered => "uncovered",
        }
    }
}

/// A STAR part (situation, task, action, result).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS, JsonSchema,
)]
pub enum Star {
    S,
    T,
    A,
    R,
}

impl Star {
    pub const ALL: [Star; 4] = [Star::S, Star::T, Star::A, Star::R];

    pub fn letter(self) -> char {
        match self {
            Star::S => 'S',
            Star::T => 'T',
            Star::A => 'A',
            Star::R => 'R',
        }
    }

    pub fn name(self) -> Bilingual {
        match self {
            Star::S => Bilingual::new("situation", "情境"),
            Star::T => Bilingual::new("task", "任务"),
            Star::A => Bilingual::new("action", "行动"),
            Star::R => Bilingual::new("result", "结果"),
        }
    }
}

impl From<copilot_engine::StarPart> for Star {
    fn from(value: copilot_engine::StarPart) -> Self {
        match value {
            copilot_engine::StarPart::S => Star::S,
            copilot_engine::StarPart::T => Star::T,
            copilot_engine::StarPart::A => Star::A,
            copilot_engine::StarPart::R => Star::R,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StarSummary {
    pub found: Vec<Star>,
    pub missing: Vec<Star>,
}

/// One quote supporting a competency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct EvidenceEntry {
    /// `<competency id>/e<n>`, unique in the report.
    pub id: String,
    pub turn: u32,
    pub start_ms: u64,
    pub end_ms: u64,
    /// mm:ss.
    pub start: String,
    pub end: String,
    pub quote: String,
    /// 0 (none) to 3 (a concrete episode with own actions and an outcome).
    pub strength: u8,
    /// The competency was not asked in the preceding question.
    pub unasked: bool,
    pub star: Vec<Star>,
}

/// The engine's suggestion, the anchor it corresponds to and the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SuggestedEntry {
    pub rating: u8,
    #[schemars(with = "BilingualSchema")]
    pub rationale: Bilingual,
    /// The job's behavioural anchor for this rating (empty when the model has none).
    #[schemars(with = "BilingualSchema")]
    pub anchor: Bilingual,
    /// Ids of [`EvidenceEntry`]s of this competency.
    pub evidence_ids: Vec<String>,
}

/// The interviewer's rating, kept beside the suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ConfirmedEntry {
    pub rating: u8,
    #[schemars(with = "BilingualSchema")]
    pub anchor: Bilingual,
    pub by: String,
    pub at_ms: u64,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comment: Option<String>,
    /// The interviewer chose another rating than the suggestion.
    pub changed_suggestion: bool,
    /// RFC 3339: when it was confirmed or changed after the interview (absent when confirmed
    /// during it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub revised_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CompetencyReport {
    pub id: String,
    #[schemars(with = "BilingualSchema")]
    pub name: Bilingual,
    pub weight: f64,
    pub status: Coverage,
    /// Interviewer turns that asked it.
    pub asked_in_turns: Vec<u32>,
    pub suggested: SuggestedEntry,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub confirmed: Option<ConfirmedEntry>,
    pub evidence: Vec<EvidenceEntry>,
    pub star: StarSummary,
    /// Candidate talk time spent on it.
    pub time_spent_ms: u64,
}

impl CompetencyReport {
    /// The confirmed rating when there is one, else the suggestion.
    pub fn effective_rating(&self) -> u8 {
        self.confirmed
            .as_ref()
            .map_or(self.suggested.rating, |c| c.rating)
    }
}

/// A quantity the candidate mentioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FactEntry {
    /// `percent`, `money`, `team_size`, `duration` or `number`.
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub fact_type: String,
    pub value: f64,
    pub unit: String,
    pub approx: bool,
    /// The words as said.
    pub quote: String,
    pub turn: u32,
    pub at_ms: u64,
    pub at: String,
}

/// One line of the timeline, in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum TimelineEntry {
    /// An interviewer turn.
    Question {
        turn: u32,
        at_ms: u64,
        at: String,
        /// `question`, `follow_up`, `redirect`, `closing`, `small_talk` or `other`.
        kind: String,
        text: String,
        /// Competency ids it asked.
        asks: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        bank_question_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        #[schemars(with = "Option<BilingualSchema>")]
        bank_question: Option<Bilingual>,
    },
    /// A candidate turn, summarised by its first ~120 characters.
    Answer {
        turn: u32,
        at_ms: u64,
        at: String,
        end_ms: u64,
        summary: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        quality: Option<String>,
        /// Competency ids this turn evidences.
        evidences: Vec<String>,
    },
    /// A prompt the copilot showed the interviewer.
    Prompt {
        id: u32,
        at_ms: u64,
        at: String,
        kind: String,
        competency: String,
        #[schemars(with = "BilingualSchema")]
        text: Bilingual,
        dismissed: bool,
    },
    /// An interviewer note (internal: never in the candidate feedback).
    Note {
        at_ms: u64,
        at: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        competency: Option<String>,
    },
}

impl TimelineEntry {
    pub fn at_ms(&self) -> u64 {
        match self {
            TimelineEntry::Question { at_ms, .. }
            | TimelineEntry::Answer { at_ms, .. }
            | TimelineEntry::Prompt { at_ms, .. }
            | TimelineEntry::Note { at_ms, .. } => *at_ms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Strength {
    pub competency: String,
    #[schemars(with = "BilingualSchema")]
    pub name: Bilingual,
    #[schemars(with = "BilingualSchema")]
    pub reason: Bilingual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// Asked, but the answers gave no usable evidence.
    NotEvidenced,
    /// Never asked.
    Uncovered,
    /// Evidenced, with STAR parts missing.
    MissingStar,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProbeArea {
    pub competency: String,
    #[schemars(with = "BilingualSchema")]
    pub name: Bilingual,
    pub kind: ProbeKind,
    /// The missing STAR parts (for `missing_star`).
    pub missing: Vec<Star>,
    #[schemars(with = "BilingualSchema")]
    pub text: Bilingual,
}

/// The candidate's consent, purpose by purpose (filled by the consent flow; empty by default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ConsentRecord {
    pub purposes: Vec<ConsentEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ConsentEntry {
    /// E.g. `recording`, `transcription`, `analysis`, `retention`.
    pub purpose: String,
    pub granted: bool,
    pub notice_version: String,
    /// sha256 of the notice text shown.
    pub text_hash: String,
    #[schemars(with = "LanguageSchema")]
    pub language: Language,
    /// RFC 3339.
    pub at: String,
    /// How it was given (e.g. `verbal_recorded`, `checkbox`).
    pub method: String,
    pub interviewer: String,
    /// RFC 3339: when the candidate withdrew it (that purpose stopped then).
    #[serde(default)]
    pub withdrawn_at: Option<String>,
}

/// Speaking figures: information only, never used in any rating or score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeliverySection {
    #[schemars(with = "BilingualSchema")]
    pub notice: Bilingual,
    pub interviewer_ms: u64,
    pub candidate_ms: u64,
    pub interviewer_to_candidate: f64,
    pub answers: Vec<DeliveryEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeliveryEntry {
    pub turn: u32,
    pub rate_per_minute: f64,
    pub rate_unit: String,
    pub pauses: u32,
    pub longest_pause_ms: u64,
    pub duration_ms: u64,
}

/// Neutral feedback the candidate may see, in the interview language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CandidateFeedback {
    #[schemars(with = "LanguageSchema")]
    pub language: Language,
    pub greeting: String,
    pub strengths: Vec<String>,
    pub development_areas: Vec<String>,
    pub closing: String,
}
