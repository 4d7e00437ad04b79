//! Integration tests of copilot-report over the scripted fixture interviews: snapshots of the text
//! and HTML renderings, the report's invariants, the published JSON Schema.

mod fixtures;
mod pdf;
mod rerate;

use std::collections::{BTreeMap, BTreeSet};

use copilot_engine::overall_score;
use copilot_report::{
    ConfirmedRating, ConsentEntry, ConsentRecord, OverallStatus, Report, TimelineEntry,
    report_html, report_json, report_schema_json, report_text,
};
use fixtures::*;

#[test]
fn text_rendering_of_each_fixture_report() -> anyhow::Result<()> {
    for id in SESSIONS {
        let (_, report) = standard_report(id)?;
        insta::assert_snapshot!(format!("text-{id}"), report_text(&report));
    }
    Ok(())
}

#[test]
fn every_suggested_rating_above_one_rests_on_evidence_in_the_report() -> anyhow::Result<()> {
    for id in SESSIONS {
        let (_, report) = standard_report(id)?;
        let mut all_ids = BTreeSet::new();
        for c in &report.competencies {
            for e in &c.evidence {
                assert!(
                    all_ids.insert(e.id.clone()),
                    "{id}: duplicate evidence id {}",
                    e.id
                );
            }
        }
        let mut rated_above_one = 0;
        for c in &report.competencies {
            let own: BTreeSet<&str> = c.evidence.iter().map(|e| e.id.as_str()).collect();
            if c.suggested.rating > 1 {
                rated_above_one += 1;
                assert!(
                    !c.suggested.evidence_ids.is_empty(),
                    "{id}/{}: suggested {} without evidence ids",
                    c.id,
                    c.suggested.rating
                );
            }
            for e in &c.suggested.evidence_ids {
                assert!(
                    own.contains(e.as_str()),
                    "{id}/{}: {e} is not its evidence",
                    c.id
                );
            }
            assert!(
                !c.suggested.anchor.en.is_empty() && !c.suggested.anchor.zh.is_empty(),
                "{id}/{}: no anchor text for rating {}",
                c.id,
                c.suggested.rating
            );
        }
        assert!(
            rated_above_one >= 2,
            "{id}: the fixture evidences competencies"
        );
    }
    Ok(())
}

#[test]
fn the_overall_score_uses_confirmed_ratings_only() -> anyhow::Result<()> {
    for id in SESSIONS {
        let session = Session::load(id)?;
        let engine = run_engine(&session, NORMAL);

        let none = report_with(&session, &engine, &BTreeMap::new())?;
        assert_eq!(none.overall.status, OverallStatus::Pending, "{id}");
        assert_eq!(
            none.overall.confirmed, None,
            "{id}: no confirmed score without ratings"
        );
        assert!(
            none.overall.provisional.is_some(),
            "{id}: provisional score from suggestions"
        );

        let two = confirmed_ratings(&session, &engine);
        let partial = report_with(&session, &engine, &two)?;
        assert_eq!(partial.overall.status, OverallStatus::Partial, "{id}");
        let expected = overall_score(
            &session.job,
            &two.iter().map(|(k, v)| (k.clone(), v.rating)).collect(),
            &Default::default(),
        )
        .map(|s| s.score);
        assert_eq!(
            partial.overall.confirmed.as_ref().map(|s| s.score),
            expected,
            "{id}"
        );
        assert_eq!(
            partial.overall.unconfirmed.len(),
            session.job.competencies.len() - 2
        );
        let changed: Vec<bool> = partial
            .competencies
            .iter()
            .filter_map(|c| c.confirmed.as_ref().map(|r| r.changed_suggestion))
            .collect();
        assert_eq!(
            changed,
            [false, true],
            "{id}: the second confirmation differs"
        );

        // Every competency confirmed at 3: the score is 50 whatever the suggestions say.
        let all_threes: BTreeMap<String, ConfirmedRating> = session
            .job
            .competencies
            .iter()
            .map(|c| {
                let rating = ConfirmedRating {
                    rating: 3,
                    by: "x".into(),
                    at_ms: 0,
                    comment: None,
                };
                (c.id.clone(), rating)
            })
            .collect();
        let complete = report_with(&session, &engine, &all_threes)?;
        assert_eq!(complete.overall.status, OverallStatus::Complete, "{id}");
        assert_eq!(
            complete.overall.confirmed.as_ref().map(|s| s.score),
            Some(50.0)
        );
        assert_eq!(complete.overall.provisional, none.overall.provisional);
    }
    Ok(())
}

/// What pacing and prompts must not change: ratings, evidence links and scores.
fn scoring_view(report: &Report) -> Vec<String> {
    let mut view: Vec<String> = report
        .competencies
        .iter()
        .map(|c| {
            format!(
                "{} {} {} [{}] {:?} {:?}",
                c.id,
                c.status.as_str(),
                c.suggested.rating,
                c.suggested.evidence_ids.join(" "),
                c.confirmed.as_ref().map(|r| r.rating),
                c.star.found
            )
        })
        .collect();
    view.push(format!("{:?}", report.overall));
    view
}

#[test]
fn pacing_pauses_and_dismissed_prompts_change_no_rating_or_score() -> anyhow::Result<()> {
    let slow = Pacing {
        slowness: 1.8,
        sentence_gap_ms: 2_500,
        turn_gap_ms: 3_000,
        dismiss_prompts: true,
    };
    let fast = Pacing {
        slowness: 0.7,
        sentence_gap_ms: 50,
        turn_gap_ms: 100,
        dismiss_prompts: false,
    };
    for id in SESSIONS {
        let session = Session::load(id)?;
        let normal_engine = run_engine(&session, NORMAL);
        let confirmed = confirmed_ratings(&session, &normal_engine);
        let normal = report_with(&session, &normal_engine, &confirmed)?;
        for (name, pacing) in [("slow", slow), ("fast", fast)] {
            let other = report_with(&session, &run_engine(&session, pacing), &confirmed)?;
            assert_ne!(
                other.delivery, normal.delivery,
                "{id}/{name}: the delivery figures differ"
            );
            assert_eq!(
                scoring_view(&other),
                scoring_view(&normal),
                "{id}/{name}: pacing or prompts changed a rating"
            );
        }
    }
    Ok(())
}

#[test]
fn notes_and_scores_never_reach_the_candidate_feedback() -> anyhow::Result<()> {
    for id in SESSIONS {
        let (_, report) = standard_report(id)?;
        let json = report_json(&report);
        assert!(
            json.contains(NOTE_CANARY),
            "{id}: the note is in the report"
        );
        assert!(
            report
                .timeline
                .iter()
                .any(|e| matches!(e, TimelineEntry::Note { text, .. } if text == NOTE_CANARY)),
            "{id}: the note is on the timeline"
        );
        let feedback = serde_json::to_string(&report.candidate_feedback)?;
        assert!(
            !feedback.contains("CANARY"),
            "{id}: a note leaked: {feedback}"
        );
        for word in ["advance", "decline", "hold", "score", "/5", "评分", "录用"] {
            assert!(
                !feedback.contains(word),
                "{id}: `{word}` in the feedback: {feedback}"
            );
        }
        let lines = report.candidate_feedback.strengths.len()
            + report.candidate_feedback.development_areas.len();
        assert_eq!(
            lines,
            report.strengths.len() + report.areas_to_probe.len(),
            "{id}: one feedback line per strength and area"
        );
    }
    Ok(())
}

#[test]
fn reports_are_deterministic() -> anyhow::Result<()> {
    for id in SESSIONS {
        let (_, first) = standard_report(id)?;
        let (_, second) = standard_report(id)?;
        assert_eq!(report_json(&first), report_json(&second), "{id}");
        assert_eq!(report_html(&first), report_html(&second), "{id}");
        let back: Report = serde_json::from_str(&report_json(&first))?;
        assert_eq!(back, first, "{id}: the JSON reads back");
    }
    Ok(())
}

#[test]
fn the_timeline_is_in_time_order_and_marks_dismissed_prompts() -> anyhow::Result<()> {
    for id in SESSIONS {
        let (_, report) = standard_report(id)?;
        let times: Vec<u64> = report.timeline.iter().map(|e| e.at_ms()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{id}: {times:?}");
        assert!(
            report
                .timeline
                .iter()
                .any(|e| matches!(e, TimelineEntry::Prompt { .. })),
            "{id}: prompts are on the timeline"
        );
        for e in &report.timeline {
            if let TimelineEntry::Answer { summary, .. } = e {
                assert!(summary.chars().count() <= 121, "{id}: {summary}");
            }
        }
        let session = Session::load(id)?;
        let dismissing = Pacing {
            dismiss_prompts: true,
            ..NORMAL
        };
        let engine = run_engine(&session, dismissing);
        let dismissed = report_with(&session, &engine, &BTreeMap::new())?;
        assert!(
            dismissed.timeline.iter().any(|e| matches!(
                e,
                TimelineEntry::Prompt {
                    dismissed: true,
                    ..
                }
            )),
            "{id}: dismissed prompts are marked"
        );
    }
    Ok(())
}

#[test]
fn unusable_confirmed_ratings_are_listed_not_scored() -> anyhow::Result<()> {
    let session = Session::load("dev-sales-en-01")?;
    let engine = run_engine(&session, NORMAL);
    let mut confirmed = confirmed_ratings(&session, &engine);
    let bad = |rating| ConfirmedRating {
        rating,
        by: "x".into(),
        at_ms: 0,
        comment: None,
    };
    confirmed.insert("teamwork".into(), bad(7));
    confirmed.insert("juggling".into(), bad(5));
    let report = report_with(&session, &engine, &confirmed)?;
    let good = report_with(&session, &engine, &confirmed_ratings(&session, &engine))?;
    assert_eq!(report.overall, good.overall);
    insta::assert_snapshot!(report.input_issues.join("\n"), @r"
    confirmed rating for `juggling` ignored: the job `sales_rep` has no such competency; confirm one of its competencies
    confirmed rating 7 for `teamwork` ignored: ratings are 1-5; confirm it again on the 1-5 scale
    ");
    Ok(())
}

#[test]
fn html_is_self_contained_and_escapes_everything() -> anyhow::Result<()> {
    let (_, mut report) = standard_report("dev-sales-en-01")?;
    let canary = "<script>alert('x')</script> & \"quoted\"";
    report.competencies[0].evidence[0].quote = canary.to_string();
    report.candidate.name = "<img onerror=alert(1)>".to_string();
    report.consent = ConsentRecord {
        purposes: vec![ConsentEntry {
            purpose: "recording".into(),
            granted: true,
            notice_version: "v1<b>".into(),
            text_hash: "ab".repeat(32),
            language: copilot_domain::Language::En,
            at: "2026-11-20T09:00:30+00:00".into(),
            method: "checkbox".into(),
            interviewer: "Megan Clarke".into(),
            withdrawn_at: Some("2026-11-20T09:20:00+00:00<i>".into()),
        }],
    };
    let html = report_html(&report);
    assert!(!html.contains("<script"), "no script element");
    assert!(!html.contains("<img"), "no injected element");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;")
    );
    assert!(html.contains("v1&lt;b&gt;"));
    assert!(html.contains("yes (withdrawn 2026-11-20T09:20:00+00:00&lt;i&gt;)"));
    for external in [
        "src=", "href=", "<link", "@import", "url(", "<iframe", "<object",
    ] {
        assert!(
            !html.contains(external),
            "external resource marker `{external}`"
        );
    }
    assert!(html.contains("@media print"), "print styles");
    assert!(
        html.contains("<svg") && html.contains("</svg>"),
        "inline chart"
    );
    Ok(())
}

#[test]
fn html_snapshots_in_english_and_chinese() -> anyhow::Result<()> {
    for id in ["dev-sales-en-01", "dev-teacher-zh-01"] {
        let (_, report) = standard_report(id)?;
        let html = report_html(&report);
        match report.language {
            copilot_domain::Language::En => assert!(html.contains("<html lang=\"en\">")),
            copilot_domain::Language::Zh => {
                assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("面试报告"))
            }
        }
        insta::assert_snapshot!(format!("html-{id}"), html);
    }
    Ok(())
}

#[test]
fn the_published_json_schema_matches_the_types() -> anyhow::Result<()> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/report.schema.json");
    let fresh = report_schema_json();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &fresh)?;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "schemas/report.schema.json is out of date with the Rust types: run `UPDATE_SCHEMAS=1 cargo test -p copilot-report --test it published_json_schema` and commit the result"
    );
    // Every fixture report has the fields the schema requires at the top level.
    let schema: serde_json::Value = serde_json::from_str(&fresh)?;
    let (_, report) = standard_report("dev-pm-en-01")?;
    let value: serde_json::Value = serde_json::from_str(&report_json(&report))?;
    for field in schema["required"].as_array().into_iter().flatten() {
        let field = field.as_str().unwrap_or_default();
        assert!(
            value.get(field).is_some(),
            "report JSON lacks required `{field}`"
        );
    }
    Ok(())
}
