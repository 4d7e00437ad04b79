//! [`rerate`]: the interviewer confirms or changes one competency's rating on a stored report.
//! The suggestion stays as it was, the confirmed rating changes (with who and when), the change
//! is appended to [`Report::revisions`], and everything that follows from the confirmed ratings
//! (overall score and recommendation with the report's own thresholds, strengths, candidate
//! feedback) is computed again by the same code that built the report.

use copilot_domain::JobDefinition;
use copilot_engine::RecommendationThresholds;

use crate::assemble::{anchor, candidate_feedback, overall, strengths};
use crate::model::*;

/// Why a rating could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RerateError {
    #[error("rating {rating} is outside 1-5: give a rating from 1 to 5")]
    RatingOutOfRange { rating: u8 },
    #[error(
        "the report has no competency `{competency}`: use one of {known} (see `copilot report show`)"
    )]
    UnknownCompetency { competency: String, known: String },
    #[error(
        "the job given is `{given}` but the report is for `{report}`: pass the report's job at model version {version}"
    )]
    WrongJob {
        given: String,
        report: String,
        version: u32,
    },
}

/// One rating change on a stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingChange {
    pub competency: String,
    /// 1-5.
    pub rating: u8,
    /// Who rated.
    pub by: String,
    /// RFC 3339, from the caller's clock.
    pub at: String,
}

/// Applies `change` to `report` (whose job, at the report's model version, is `job`).
/// Confirming the rating a competency already has still records who confirmed it and when.
pub fn rerate(
    report: &mut Report,
    job: &JobDefinition,
    change: &RatingChange,
) -> Result<(), RerateError> {
    if job.id != report.job.id {
        return Err(RerateError::WrongJob {
            given: job.id.clone(),
            report: report.job.id.clone(),
            version: report.job.model_version,
        });
    }
    if !(1..=5).contains(&change.rating) {
        return Err(RerateError::RatingOutOfRange {
            rating: change.rating,
        });
    }
    let known = report
        .competencies
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let unknown = || RerateError::UnknownCompetency {
        competency: change.competency.clone(),
        known: known.clone(),
    };
    let definition = job.competency(&change.competency).ok_or_else(unknown)?;
    let at_ms = report.times.duration_ms;
    let entry = report
        .competencies
        .iter_mut()
        .find(|c| c.id == change.competency)
        .ok_or_else(unknown)?;
    let from = entry.confirmed.as_ref().map(|c| c.rating);
    entry.confirmed = Some(ConfirmedEntry {
        rating: change.rating,
        anchor: anchor(definition, change.rating),
        by: change.by.clone(),
        at_ms,
        at: crate::mmss(at_ms),
        comment: None,
        changed_suggestion: change.rating != entry.suggested.rating,
        revised_at: Some(change.at.clone()),
    });
    report.revisions.push(RatingRevision {
        competency: change.competency.clone(),
        from,
        to: change.rating,
        by: change.by.clone(),
        at: change.at.clone(),
    });
    let thresholds = RecommendationThresholds {
        advance: report.overall.advance_at,
        decline: report.overall.decline_below,
    };
    report.overall = overall(job, &report.competencies, &thresholds);
    report.strengths = strengths(&report.competencies);
    report.candidate_feedback =
        candidate_feedback(report.language, &report.strengths, &report.areas_to_probe);
    Ok(())
}
