//! The domain of Interview Copilot, with no I/O: jobs and their competency models, question banks,
//! candidates, interviews and interview plans.
//!
//! A [`JobDefinition`] is what an HR admin edits and what bank files hold (the JSON format
//! `interview-copilot/job@1`, a superset of the fixture job files). The store versions it: every
//! change that alters [`JobDefinition::content_hash`] becomes a new [`ModelVersion`], and an
//! [`Interview`] keeps the version it was planned with.
//!
//! Every type that crosses the app's IPC boundary derives [`ts_rs::TS`]; the TypeScript bindings
//! in `ui/src/bindings/` are generated from these types by `cargo test -p copilot-domain`.

mod interview;
mod job;
mod language;
mod validate;

pub use interview::{
    Candidate, Interview, InterviewStatus, Plan, PlanItem, PlanReason, ResumeFacts, SkippedQuestion,
};
pub use job::{
    Anchor, Competency, Difficulty, JOB_SCHEMA_ID, JobDefinition, JobSummary, Keywords,
    ModelVersion, Question,
};
pub use language::{Bilingual, Language};
pub use validate::{ValidationIssue, WEIGHT_TOLERANCE};
