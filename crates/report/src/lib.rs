//! The interview report of Interview Copilot: pure, deterministic, no I/O and no clock.
//!
//! [`build_report`] turns the interview record, the job (at the interview's model version), the
//! live engine's final state and the interviewer's confirmed ratings into a [`Report`]: per
//! competency the evidence quotes with times, STAR parts found and missing, the suggested rating
//! with its anchor and the evidence ids it rests on, and the confirmed rating beside it; key facts;
//! a timeline of questions, answers, prompts and notes; strengths and areas to probe; the consent
//! record; delivery figures (information only); and neutral feedback the candidate may see.
//!
//! Architecture invariants:
//! - the overall score uses confirmed ratings only; the score from suggestions is kept apart and
//!   labelled provisional;
//! - every suggested rating above 1 lists evidence ids that exist in the report;
//! - delivery figures and prompts never enter a rating or score;
//! - the candidate feedback never carries notes, the recommendation or scores.
//!
//! Exports: [`report_json`] (pretty JSON, schema published at `schemas/report.schema.json`, see
//! [`report_schema_json`]), [`report_html`] (one self-contained printable page) and
//! [`report_text`] (a compact text rendering for the CLI and snapshots) and [`report_pdf`] (A4
//! pages with a subset of the caller's font embedded: a CJK font for Chinese text; finding one
//! on the machine is the caller's I/O).
//!
//! After the interview the interviewer may still confirm or change ratings: [`rerate`] applies
//! one change to a stored report (the suggestion stays, the change is listed in
//! [`Report::revisions`] with who and when) and recomputes the overall score, recommendation,
//! strengths and candidate feedback with the same code and the report's own thresholds.

mod assemble;
mod html;
mod model;
mod pdf;
mod rerate;
mod text;

pub use assemble::{
    ANSWER_SUMMARY_CHARS, ConfirmedRating, ReportInput, ReportNote, build_report, mmss, summarise,
};
pub use html::report_html;
pub use model::*;
pub use pdf::{PdfError, PdfFont, is_wide, missing_glyphs, report_cjk_chars, report_pdf};
pub use rerate::{RatingChange, RerateError, rerate};
pub use text::report_text;

/// The report as pretty-printed JSON (stable: the same report always gives the same bytes).
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report always serialises")
}

/// The JSON Schema of [`Report`] (draft 2020-12), pretty-printed, as published in `schemas/`.
pub fn report_schema_json() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}
