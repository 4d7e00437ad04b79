//! Re-rating a stored report: the suggestion stays, the confirmed rating changes with who and
//! when, and the overall score and recommendation follow with the report's thresholds.

use std::collections::BTreeMap;

use copilot_engine::{RecommendationThresholds, overall_score};
use copilot_report::{
    OverallStatus, RatingChange, Recommendation, RerateError, report_json, rerate,
};

use crate::fixtures::*;

fn change(competency: &str, rating: u8) -> RatingChange {
    RatingChange {
        competency: competency.to_string(),
        rating,
        by: "Li Wei".to_string(),
        at: "2026-11-21T08:00:00+00:00".to_string(),
    }
}

#[test]
fn a_changed_rating_recomputes_the_score_and_keeps_the_suggestion() -> anyhow::Result<()> {
    for id in SESSIONS {
        let (session, mut report) = standard_report(id)?;
        let before = report.clone();
        let target = report.competencies[1].clone();
        let old = target.confirmed.as_ref().map(|c| c.rating);
        let new_rating = if old == Some(1) { 5 } else { 1 };
        rerate(&mut report, &session.job, &change(&target.id, new_rating))?;

        let after = &report.competencies[1];
        assert_eq!(after.suggested, target.suggested, "{id}: suggestion kept");
        let confirmed = after.confirmed.as_ref().expect("confirmed");
        assert_eq!(confirmed.rating, new_rating);
        assert_eq!(confirmed.by, "Li Wei");
        assert_eq!(
            confirmed.revised_at.as_deref(),
            Some("2026-11-21T08:00:00+00:00")
        );
        assert_eq!(
            confirmed.changed_suggestion,
            new_rating != target.suggested.rating
        );
        assert_eq!(report.revision(), 2);
        assert_eq!(report.revisions[0].from, old);
        assert_eq!(report.revisions[0].to, new_rating);

        // The score is the engine's weighted score of the confirmed ratings.
        let confirmed: BTreeMap<String, u8> = report
            .competencies
            .iter()
            .filter_map(|c| c.confirmed.as_ref().map(|r| (c.id.clone(), r.rating)))
            .collect();
        let expected = overall_score(&session.job, &confirmed, &Default::default())
            .expect("rated")
            .score;
        let score = report.overall.confirmed.as_ref().expect("score").score;
        assert_eq!(score, expected, "{id}");
        assert_ne!(
            Some(score),
            before.overall.confirmed.as_ref().map(|s| s.score),
            "{id}: the score moved"
        );
        assert_eq!(report.overall.provisional, before.overall.provisional);
        // Everything else is untouched.
        assert_eq!(report.timeline, before.timeline);
        assert_eq!(report.key_facts, before.key_facts);
        assert_eq!(report.competencies[0], before.competencies[0]);
        // The HTML page lists the change.
        let html = copilot_report::report_html(&report);
        assert!(
            html.contains("2026-11-21T08:00:00+00:00") && html.contains("Li Wei"),
            "{id}"
        );
        // So does the text `copilot report show` prints.
        let from = old.map_or_else(|| "-".to_string(), |f| f.to_string());
        let line = format!(
            "- {} {from} -> {new_rating} by Li Wei at 2026-11-21T08:00:00+00:00",
            target.id
        );
        assert!(copilot_report::report_text(&report).contains(&line), "{id}");
        // And it round-trips through JSON.
        let back: copilot_report::Report = serde_json::from_str(&report_json(&report))?;
        assert_eq!(back, report);
    }
    Ok(())
}

#[test]
fn confirming_every_competency_completes_the_report_with_its_thresholds() -> anyhow::Result<()> {
    let (session, mut report) = standard_report("dev-sales-en-01")?;
    // Stored with stricter thresholds than the default: they are kept.
    report.overall.advance_at = 80.0;
    report.overall.decline_below = 40.0;
    let ids: Vec<String> = report.competencies.iter().map(|c| c.id.clone()).collect();
    for id in &ids {
        rerate(&mut report, &session.job, &change(id, 4))?;
    }
    assert_eq!(report.overall.status, OverallStatus::Complete);
    assert!(report.overall.unconfirmed.is_empty());
    let score = report.overall.confirmed.clone().expect("score");
    assert_eq!(score.score, 75.0);
    // 75 is below 80 (advance) and above 40 (decline): hold, not the default advance.
    assert_eq!(score.recommendation, Recommendation::Hold);
    let default = overall_score(
        &session.job,
        &ids.iter().map(|id| (id.clone(), 4)).collect(),
        &RecommendationThresholds::default(),
    )
    .expect("rated");
    assert_eq!(
        default.recommendation,
        copilot_engine::Recommendation::Advance
    );
    assert_eq!(report.revisions.len(), ids.len());
    // Rated 4 everywhere: evidenced competencies become strengths.
    assert!(!report.strengths.is_empty());
    Ok(())
}

#[test]
fn bad_changes_are_refused_with_the_fix() -> anyhow::Result<()> {
    let (session, mut report) = standard_report("dev-pm-en-01")?;
    let before = report.clone();
    let error = rerate(&mut report, &session.job, &change("no-such", 3)).expect_err("unknown");
    assert!(matches!(error, RerateError::UnknownCompetency { .. }));
    assert!(error.to_string().contains(&report.competencies[0].id));
    let id = report.competencies[0].id.clone();
    assert_eq!(
        rerate(&mut report, &session.job, &change(&id, 6)),
        Err(RerateError::RatingOutOfRange { rating: 6 })
    );
    let other = Session::load("dev-teacher-zh-01")?;
    assert!(matches!(
        rerate(&mut report, &other.job, &change(&id, 3)),
        Err(RerateError::WrongJob { .. })
    ));
    assert_eq!(report, before, "a refused change changes nothing");
    Ok(())
}
