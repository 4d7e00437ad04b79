//! Policy table: for each profile and consent combination, which purposes and cues are possible;
//! withdrawal; record validation.

use chrono::{DateTime, TimeZone, Utc};
use copilot_consent::{
    ConsentMethod, ConsentRecord, Denial, PolicyProfile, Purpose, allowed, cue_allowance, decide,
    deletion_due, notice_hash, withdraw,
};

fn t(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, min, 0).unwrap()
}

fn record(purpose: Purpose, method: ConsentMethod, minute: u32) -> ConsentRecord {
    ConsentRecord {
        purpose,
        granted: true,
        notice_version: "2026-11".into(),
        notice_sha256: notice_hash("We would like to use the camera for ..."),
        language: "en".into(),
        given_at: t(minute),
        method,
        interviewer: "ana@example.com".into(),
        explanation_shown: true,
        withdrawn_at: None,
    }
}

/// Consent scenarios: name and records (interview starts at minute 10).
fn scenarios() -> Vec<(&'static str, Vec<ConsentRecord>)> {
    let all = |method| {
        Purpose::ALL
            .into_iter()
            .map(|p| record(p, method, 5))
            .collect::<Vec<_>>()
    };
    let mut refused = all(ConsentMethod::Checkbox);
    refused[3].granted = false;
    let mut no_explanation = all(ConsentMethod::Checkbox);
    for r in &mut no_explanation {
        r.explanation_shown = false;
    }
    let late = Purpose::ALL
        .into_iter()
        .map(|p| record(p, ConsentMethod::Verbal, 15))
        .collect();
    vec![
        ("none", vec![]),
        ("all, checkbox", all(ConsentMethod::Checkbox)),
        ("all, bundled", all(ConsentMethod::Bundled)),
        ("all but expression refused", refused),
        ("all, no AI explanation", no_explanation),
        ("all, given after start", late),
        (
            "transcription only",
            vec![record(Purpose::Transcription, ConsentMethod::Verbal, 5)],
        ),
    ]
}

#[test]
fn policy_table() {
    let mut out = String::new();
    for profile in PolicyProfile::ALL {
        for (name, records) in scenarios() {
            let decisions = allowed(profile, &records, Some(t(10)), t(20));
            let cells: Vec<String> = decisions
                .iter()
                .map(|d| match d.denial {
                    None => format!("{}=yes", d.purpose.as_str()),
                    Some(denial) => format!("{}=no({denial:?})", d.purpose.as_str()),
                })
                .collect();
            let cues = cue_allowance(profile, &records, Some(t(10)), t(20));
            out.push_str(&format!(
                "{:<14} | {:<28} | {} | cues: presence={} quality={} expression={}\n",
                profile.as_str(),
                name,
                cells.join(" "),
                cues.presence,
                cues.frame_quality,
                cues.expression
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn eu_never_allows_expression_cues() {
    // Every combination: any method, explanation, timing.
    for method in [
        ConsentMethod::Checkbox,
        ConsentMethod::Verbal,
        ConsentMethod::Written,
        ConsentMethod::Bundled,
    ] {
        let records: Vec<_> = Purpose::ALL
            .into_iter()
            .map(|p| record(p, method, 1))
            .collect();
        let d = decide(
            PolicyProfile::Eu,
            &records,
            Purpose::ExpressionCues,
            None,
            t(30),
        );
        assert_eq!(d.denial, Some(Denial::ProhibitedByPolicy));
        assert!(!cue_allowance(PolicyProfile::Eu, &records, None, t(30)).expression);
        // Presence cues stay possible, with a separate (not bundled) consent.
        assert_eq!(
            cue_allowance(PolicyProfile::Eu, &records, None, t(30)).presence,
            method != ConsentMethod::Bundled
        );
    }
}

#[test]
fn withdrawal_stops_the_purpose_at_once() {
    let mut records: Vec<_> = Purpose::ALL
        .into_iter()
        .map(|p| record(p, ConsentMethod::Checkbox, 5))
        .collect();
    let profile = PolicyProfile::Default;
    assert!(cue_allowance(profile, &records, Some(t(10)), t(12)).expression);
    assert!(withdraw(&mut records, Purpose::ExpressionCues, t(12)));
    let now = cue_allowance(profile, &records, Some(t(10)), t(12));
    assert!(!now.expression);
    assert!(now.presence, "other purposes go on");
    assert_eq!(
        decide(
            profile,
            &records,
            Purpose::ExpressionCues,
            Some(t(10)),
            t(12)
        )
        .denial,
        Some(Denial::Withdrawn)
    );
    // Withdrawing again, or a purpose never consented to, changes nothing.
    assert!(!withdraw(&mut records, Purpose::ExpressionCues, t(13)));
    // A new consent after the withdrawal counts again.
    records.push(record(Purpose::ExpressionCues, ConsentMethod::Verbal, 14));
    assert!(cue_allowance(profile, &records, None, t(15)).expression);
}

#[test]
fn records_are_validated_and_parsed() {
    let mut r = record(Purpose::Recording, ConsentMethod::Written, 1);
    assert!(r.validate().is_ok());
    r.interviewer = " ".into();
    assert_eq!(
        r.validate().unwrap_err().to_string(),
        "consent record is incomplete: interviewer is empty"
    );
    let mut r = record(Purpose::Recording, ConsentMethod::Written, 1);
    r.notice_sha256 = "abc".into();
    assert!(r.validate().is_err());
    assert_eq!(notice_hash("abc").len(), 64);
    for p in Purpose::ALL {
        assert_eq!(Purpose::parse(p.as_str()).unwrap(), p);
    }
    for p in PolicyProfile::ALL {
        assert_eq!(PolicyProfile::parse(p.as_str()).unwrap(), p);
    }
    assert!(PolicyProfile::parse("mars").is_err());
    assert_eq!(
        ConsentMethod::parse("verbal").unwrap(),
        ConsentMethod::Verbal
    );
}

#[test]
fn illinois_deletion_deadline_is_30_days() {
    assert_eq!(
        deletion_due(PolicyProfile::Illinois, t(0)),
        Some(t(0) + chrono::Duration::days(30))
    );
    assert_eq!(deletion_due(PolicyProfile::Eu, t(0)), None);
}
