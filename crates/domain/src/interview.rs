use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Bilingual, Language};

/// A candidate and the résumé text the plan is tailored to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub resume_text: String,
}

/// Where an interview is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

impl InterviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InterviewStatus::Planned => "planned",
            InterviewStatus::InProgress => "in_progress",
            InterviewStatus::Completed => "completed",
            InterviewStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<InterviewStatus> {
        match text {
            "planned" => Some(InterviewStatus::Planned),
            "in_progress" => Some(InterviewStatus::InProgress),
            "completed" => Some(InterviewStatus::Completed),
            "cancelled" => Some(InterviewStatus::Cancelled),
            _ => None,
        }
    }
}

/// An interview of one candidate for one job, pinned to the model version it was planned with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Interview {
    pub id: String,
    pub job_id: String,
    pub model_version: u32,
    pub candidate: Candidate,
    pub interviewers: Vec<String>,
    pub language: Language,
    pub status: InterviewStatus,
    pub plan: Plan,
    #[ts(type = "string")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[ts(type = "string | null")]
    pub scheduled_at: Option<chrono::DateTime<chrono::Utc>>,
    #[ts(type = "string | null")]
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    #[ts(type = "string | null")]
    pub ended_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What the planner read from a résumé.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ResumeFacts {
    /// Roles held ("Account executive at Tillpoint").
    pub roles: Vec<String>,
    /// Organisations named.
    pub organisations: Vec<String>,
    /// Projects, products or systems named.
    pub projects: Vec<String>,
    /// Skills and tools named.
    pub skills: Vec<String>,
    /// Quantified achievements ("122% of quota").
    pub achievements: Vec<String>,
}

/// Why the planner chose a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanReason {
    /// The bank question that best fits this competency's weight and the time left.
    BankQuestion { competency_weight: f64 },
    /// Chosen because the résumé mentions something this question can probe.
    ResumeMatch {
        competency_weight: f64,
        resume_mentions: Vec<String>,
        matched_keywords: Vec<String>,
    },
}

/// One question in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanItem {
    pub competency_id: String,
    pub competency_name: Bilingual,
    pub question_id: String,
    /// The bank question as written.
    pub question: Bilingual,
    /// The question personalised from the résumé, when it mentions something relevant.
    #[ts(optional)]
    pub personalised: Option<Bilingual>,
    pub minutes: f64,
    pub reason: PlanReason,
    /// The reason in words, in both languages, for the UI and the CLI.
    pub explanation: Bilingual,
}

/// A question left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SkippedQuestion {
    pub competency_id: String,
    pub question_id: String,
    pub explanation: Bilingual,
}

/// The questions chosen for an interview, in the order to ask them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Plan {
    pub job_id: String,
    pub model_version: u32,
    pub language: Language,
    pub budget_minutes: f64,
    pub planned_minutes: f64,
    pub items: Vec<PlanItem>,
    pub skipped: Vec<SkippedQuestion>,
    pub resume_facts: ResumeFacts,
}
