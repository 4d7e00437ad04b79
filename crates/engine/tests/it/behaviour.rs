//! Engine behaviour beyond the fixtures: determinism, dismissals, manual ratings, bad inputs,
//! time warnings and the TypeScript shapes.

use std::collections::BTreeMap;

use copilot_domain::Language;
use copilot_engine::{
    CoverageState, Engine, EngineConfig, EngineEvent, EngineInput, PromptKind, Recommendation,
    RecommendationThresholds, Speaker, TranscriptSegment, overall_score,
};
use ts_rs::TS;

use crate::fixtures::{SESSIONS, Session, run, run_with};

fn say(
    engine: &mut Engine,
    speaker: Speaker,
    start_ms: u64,
    end_ms: u64,
    text: &str,
) -> Vec<EngineEvent> {
    let mut events = engine.apply(EngineInput::Segment(TranscriptSegment {
        speaker,
        start_ms,
        end_ms,
        text: text.to_string(),
        language: None,
    }));
    events.extend(engine.apply(EngineInput::TurnEnd {
        speaker,
        at_ms: end_ms,
    }));
    events
}

#[test]
fn same_inputs_give_the_same_events_and_state() -> anyhow::Result<()> {
    for id in SESSIONS {
        let session = Session::load(id)?;
        let a = run(&session);
        let b = run(&session);
        let events_a: Vec<&EngineEvent> = a
            .turns
            .iter()
            .flat_map(|t| &t.events)
            .chain(&a.end_events)
            .collect();
        let events_b: Vec<&EngineEvent> = b
            .turns
            .iter()
            .flat_map(|t| &t.events)
            .chain(&b.end_events)
            .collect();
        assert_eq!(
            serde_json::to_string(&events_a)?,
            serde_json::to_string(&events_b)?,
            "{id}"
        );
        assert_eq!(a.engine.state(), b.engine.state(), "{id}");
    }
    Ok(())
}

#[test]
fn state_and_events_round_trip_through_json() -> anyhow::Result<()> {
    let session = Session::load("dev-pm-en-01")?;
    let r = run(&session);
    let state = r.engine.state();
    let back: CoverageState = serde_json::from_str(&serde_json::to_string(&state)?)?;
    assert_eq!(back, state);
    let events: Vec<EngineEvent> = r.turns.iter().flat_map(|t| t.events.clone()).collect();
    let back: Vec<EngineEvent> = serde_json::from_str(&serde_json::to_string(&events)?)?;
    assert_eq!(back, events);
    Ok(())
}

#[test]
fn dismissed_prompts_are_recorded_and_not_raised_again() -> anyhow::Result<()> {
    let session = Session::load("dev-sales-en-01")?;
    let mut engine = Engine::new(&session.job, EngineConfig::for_minutes(10));
    say(
        &mut engine,
        Speaker::Interviewer,
        0,
        4_000,
        "What was your target last year, and how did you do against it?",
    );
    let events = engine.apply(EngineInput::End { at_ms: 5_000 });
    let uncovered: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Prompt(p) if p.kind == PromptKind::Uncovered => Some(p.id),
            _ => None,
        })
        .collect();
    assert!(
        !uncovered.is_empty(),
        "the end raises uncovered prompts: {events:?}"
    );
    // After the end, inputs are refused with a reason.
    let refused = engine.apply(EngineInput::DismissPrompt {
        prompt_id: uncovered[0],
        at_ms: 6_000,
    });
    assert!(matches!(
        refused.as_slice(),
        [EngineEvent::InputRejected { .. }]
    ));

    // Dismiss during the interview instead.
    let mut engine = Engine::new(
        &session.job,
        EngineConfig {
            planned_ms: 60_000,
            ..EngineConfig::default()
        },
    );
    say(
        &mut engine,
        Speaker::Interviewer,
        0,
        4_000,
        "What was your target last year, and how did you do against it?",
    );
    let events = engine.apply(EngineInput::Tick { at_ms: 40_000 });
    let first = events
        .iter()
        .find_map(|e| match e {
            EngineEvent::Prompt(p) if p.kind == PromptKind::Uncovered => {
                Some((p.id, p.competency.clone()))
            }
            _ => None,
        })
        .ok_or_else(|| anyhow::anyhow!("past half time, uncovered prompts appear: {events:?}"))?;
    let retired = engine.apply(EngineInput::DismissPrompt {
        prompt_id: first.0,
        at_ms: 41_000,
    });
    assert!(
        matches!(retired.as_slice(), [EngineEvent::PromptRetired { .. }]),
        "{retired:?}"
    );
    let again = engine.apply(EngineInput::Tick { at_ms: 50_000 });
    assert!(
        !again.iter().any(|e| matches!(e, EngineEvent::Prompt(p) if p.competency == first.1 && p.kind == PromptKind::Uncovered)),
        "a dismissed prompt is not raised again: {again:?}"
    );
    let state = engine.state();
    assert_eq!(state.dismissed_prompts, vec![first.0]);
    assert!(state.active_prompts.iter().all(|p| p.id != first.0));
    let unknown = engine.apply(EngineInput::DismissPrompt {
        prompt_id: 999,
        at_ms: 51_000,
    });
    assert!(
        matches!(unknown.as_slice(), [EngineEvent::InputRejected { reason }] if reason.contains("not active"))
    );
    Ok(())
}

#[test]
fn time_warnings_fire_once_each() -> anyhow::Result<()> {
    let session = Session::load("dev-sales-en-01")?;
    let mut engine = Engine::new(&session.job, EngineConfig::for_minutes(10));
    let mut warnings = Vec::new();
    for at in (0..=11 * 60_000).step_by(30_000) {
        for e in engine.apply(EngineInput::Tick { at_ms: at }) {
            if let EngineEvent::TimeWarning { minutes_left, .. } = e {
                warnings.push(minutes_left);
            }
        }
    }
    assert_eq!(warnings, vec![5, 2, 0]);
    Ok(())
}

#[test]
fn manual_ratings_are_kept_beside_suggestions_and_scored() -> anyhow::Result<()> {
    let session = Session::load("dev-sales-en-01")?;
    let r = run(&session);
    let mut engine = r.engine;
    assert!(engine.overall_from_manual().is_none());
    // Ended engines refuse input, so rate on a fresh engine fed the same interview up to the closing.
    let state = engine.state();
    let goal = state
        .competencies
        .iter()
        .find(|c| c.id == "goal_drive")
        .ok_or_else(|| anyhow::anyhow!("goal_drive"))?;
    assert!(
        goal.suggested.rating >= 4,
        "strong STAR with figures: {:?}",
        goal.suggested
    );
    assert!(!goal.suggested.evidence_turns.is_empty());
    let refused = engine.apply(EngineInput::ManualRating {
        competency: "goal_drive".into(),
        rating: 4,
        at_ms: 0,
    });
    assert!(matches!(
        refused.as_slice(),
        [EngineEvent::InputRejected { .. }]
    ));

    let mut live = Engine::new(&session.job, EngineConfig::for_minutes(10));
    let ok = live.apply(EngineInput::ManualRating {
        competency: "goal_drive".into(),
        rating: 5,
        at_ms: 1,
    });
    assert!(matches!(
        ok.as_slice(),
        [EngineEvent::ManualRatingRecorded { rating: 5, .. }]
    ));
    let bad = live.apply(EngineInput::ManualRating {
        competency: "goal_drive".into(),
        rating: 7,
        at_ms: 2,
    });
    assert!(
        matches!(bad.as_slice(), [EngineEvent::InputRejected { reason }] if reason.contains("1-5"))
    );
    let unknown = live.apply(EngineInput::ManualRating {
        competency: "charisma".into(),
        rating: 3,
        at_ms: 3,
    });
    assert!(
        matches!(unknown.as_slice(), [EngineEvent::InputRejected { reason }] if reason.contains("customer_insight"))
    );
    let noted = live.apply(EngineInput::Note {
        at_ms: 4,
        text: "great numbers".into(),
        competency: Some("goal_drive".into()),
    });
    assert!(matches!(
        noted.as_slice(),
        [EngineEvent::NoteRecorded { .. }]
    ));
    let state = live.state();
    let goal = state
        .competencies
        .iter()
        .find(|c| c.id == "goal_drive")
        .ok_or_else(|| anyhow::anyhow!("goal_drive"))?;
    assert_eq!(goal.manual_rating, Some(5));
    assert_eq!(
        goal.suggested.rating, 1,
        "the suggestion stays evidence-based"
    );
    assert_eq!(goal.notes, vec!["great numbers".to_string()]);
    let overall = live
        .overall_from_manual()
        .ok_or_else(|| anyhow::anyhow!("one rating gives a score"))?;
    assert_eq!(overall.score, 100.0);
    assert_eq!(overall.recommendation, Recommendation::Advance);
    Ok(())
}

#[test]
fn overall_score_weights_confirmed_ratings() -> anyhow::Result<()> {
    let job = Session::load("dev-sales-en-01")?.job;
    let thresholds = RecommendationThresholds::default();
    // weights: customer_insight .25, negotiation .20, resilience .15, teamwork .10, product_knowledge .15, goal_drive .15
    let all = |r: u8| {
        job.competencies
            .iter()
            .map(|c| (c.id.clone(), r))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        overall_score(&job, &all(1), &thresholds).map(|s| s.score),
        Some(0.0)
    );
    assert_eq!(
        overall_score(&job, &all(5), &thresholds).map(|s| s.score),
        Some(100.0)
    );
    let mut mixed = all(4); // 75 everywhere
    mixed.insert("customer_insight".into(), 2); // 25 at weight .25
    let s = overall_score(&job, &mixed, &thresholds).ok_or_else(|| anyhow::anyhow!("score"))?;
    assert_eq!(s.score, 62.5);
    assert_eq!(s.recommendation, Recommendation::Hold);
    assert_eq!(
        overall_score(&job, &all(3), &thresholds).map(|s| s.recommendation),
        Some(Recommendation::Decline)
    );
    assert!(overall_score(&job, &BTreeMap::new(), &thresholds).is_none());
    Ok(())
}

#[test]
fn follow_up_prompts_are_rate_limited_and_retired_when_the_interviewer_speaks() -> anyhow::Result<()>
{
    let session = Session::load("dev-sales-en-01")?;
    let mut engine = Engine::new(&session.job, EngineConfig::for_minutes(10));
    say(
        &mut engine,
        Speaker::Interviewer,
        0,
        3_000,
        "Describe a negotiation where the customer pushed really hard on price. What did you do, and how did it end?",
    );
    let events = say(
        &mut engine,
        Speaker::Candidate,
        3_500,
        12_000,
        "We had a tough procurement guy. We went back and forth for weeks. We restructured the payment terms and we got it signed at a healthy margin, we were happy as a team.",
    );
    let prompts: Vec<_> = events
        .iter()
        .filter_map(|e| {
            if let EngineEvent::Prompt(p) = e {
                Some(p.clone())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(prompts.len(), 1, "one follow-up per answer: {prompts:?}");
    assert_eq!(prompts[0].kind, PromptKind::AskOwnRole);
    assert_eq!(prompts[0].competency, "negotiation");
    // A second answer inside the minimum gap raises nothing new.
    let events = say(
        &mut engine,
        Speaker::Candidate,
        12_500,
        14_000,
        "Honestly I think we just did what we always do.",
    );
    assert!(
        !events.iter().any(|e| matches!(e, EngineEvent::Prompt(_))),
        "{events:?}"
    );
    let events = say(
        &mut engine,
        Speaker::Interviewer,
        15_000,
        17_000,
        "And what was your part in that, personally?",
    );
    assert!(events.iter().any(
        |e| matches!(e, EngineEvent::PromptRetired { prompt_id, .. } if *prompt_id == prompts[0].id)
    ));
    assert!(engine.state().active_prompts.is_empty());
    Ok(())
}

#[test]
fn segments_join_into_turns_and_language_is_detected() -> anyhow::Result<()> {
    let job = Session::load("dev-workshop-zh-01")?.job;
    let mut engine = Engine::new(&job, EngineConfig::for_minutes(10));
    engine.apply(EngineInput::Segment(TranscriptSegment {
        speaker: Speaker::Interviewer,
        start_ms: 0,
        end_ms: 1_000,
        text: "你说说，".into(),
        language: None,
    }));
    engine.apply(EngineInput::Segment(TranscriptSegment {
        speaker: Speaker::Interviewer,
        start_ms: 1_000,
        end_ms: 3_000,
        text: "你平时是怎么安排和管理一个班次的生产的？".into(),
        language: None,
    }));
    // The speaker change closes the interviewer turn.
    let events = engine.apply(EngineInput::Segment(TranscriptSegment {
        speaker: Speaker::Candidate,
        start_ms: 3_500,
        end_ms: 4_000,
        text: "好的。".into(),
        language: None,
    }));
    assert!(events.iter().any(|e| matches!(e, EngineEvent::CompetencyAsked { competency, .. } if competency == "site_management")), "{events:?}");
    let state = engine.state();
    assert_eq!(state.turns.len(), 1);
    assert_eq!(state.turns[0].language, Language::Zh);
    assert_eq!(
        state.turns[0].text,
        "你说说，你平时是怎么安排和管理一个班次的生产的？"
    );
    let bad = engine.apply(EngineInput::Segment(TranscriptSegment {
        speaker: Speaker::Candidate,
        start_ms: 9_000,
        end_ms: 8_000,
        text: "x".into(),
        language: None,
    }));
    assert!(matches!(
        bad.as_slice(),
        [EngineEvent::InputRejected { .. }]
    ));
    Ok(())
}

#[test]
fn public_types_have_typescript_declarations() {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let state = CoverageState::decl(&cfg);
    for field in [
        "competencies",
        "active_prompts",
        "key_facts",
        "talk_time",
        "uncovered",
    ] {
        assert!(state.contains(field), "{state}");
    }
    let event = EngineEvent::decl(&cfg);
    assert!(event.contains("\"event\": \"prompt\""), "{event}");
    assert!(EngineInput::decl(&cfg).contains("dismiss_prompt"));
    assert!(EngineConfig::decl(&cfg).contains("planned_ms"));
}

#[test]
fn detected_language_gives_the_same_coverage_as_a_given_one() -> anyhow::Result<()> {
    for id in SESSIONS {
        let session = Session::load(id)?;
        let given = run(&session).engine.state();
        let detected = run_with(&session, None).engine.state();
        assert!(
            detected
                .turns
                .iter()
                .all(|t| t.language == session.language),
            "{id}"
        );
        assert_eq!(given.uncovered, detected.uncovered, "{id}");
        assert_eq!(given.evidenced, detected.evidenced, "{id}");
        let gold: Vec<String> = session.raw["expected"]["final"]["uncovered"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(detected.uncovered, gold, "{id}");
    }
    Ok(())
}

#[test]
fn traditional_and_full_width_input_is_normalised() -> anyhow::Result<()> {
    let job = Session::load("dev-workshop-zh-01")?.job;
    let mut engine = Engine::new(&job, EngineConfig::for_minutes(10));
    let events = say(
        &mut engine,
        Speaker::Interviewer,
        0,
        3_000,
        "請介紹一下你平時是怎麼安排和管理一個班次的生產的？",
    );
    assert!(
        events.iter().any(|e| matches!(e, EngineEvent::CompetencyAsked { competency, .. } if competency == "site_management")),
        "{events:?}"
    );
    let events = say(
        &mut engine,
        Speaker::Candidate,
        3_500,
        9_000,
        "去年我牵头把ＯＥＥ从６２％提到了百分之七十五，我自己每个班巡线两遍，我定了看板规矩。",
    );
    let percents: Vec<f64> = events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::KeyFact(f) if f.fact_type == copilot_engine::FactType::Percent => {
                Some(f.value)
            }
            _ => None,
        })
        .collect();
    assert_eq!(percents, vec![62.0, 75.0], "{events:?}");
    Ok(())
}

#[test]
fn a_follow_up_answer_is_rated_as_the_completed_story() -> anyhow::Result<()> {
    let session = Session::load("dev-sales-en-01")?;
    let mut engine = Engine::new(&session.job, EngineConfig::for_minutes(10));
    say(
        &mut engine,
        Speaker::Interviewer,
        0,
        4_000,
        "Tell me about a time you discovered a customer need that the customer hadn't mentioned at first.",
    );
    let first = say(
        &mut engine,
        Speaker::Candidate,
        4_500,
        15_000,
        "Last year there was a pizza chain. I spent a night in their busiest store, I watched the staff and I asked the owner about their reporting.",
    );
    let strength_of = |events: &[EngineEvent]| {
        events.iter().find_map(|e| match e {
            EngineEvent::EvidenceAdded { competency, quote }
                if competency == "customer_insight" =>
            {
                Some(quote.strength)
            }
            _ => None,
        })
    };
    assert_eq!(
        strength_of(&first),
        Some(2),
        "an episode without a result: {first:?}"
    );
    let follow_up = say(
        &mut engine,
        Speaker::Interviewer,
        16_000,
        18_000,
        "And how did it end? What was the result?",
    );
    assert!(follow_up.iter().any(|e| matches!(e, EngineEvent::CompetencyAsked { competency, bank_question_id: None, .. } if competency == "customer_insight")));
    let second = say(
        &mut engine,
        Speaker::Candidate,
        18_500,
        22_000,
        "The deal went from $24,000 to $41,000, and they added two more locations.",
    );
    assert_eq!(strength_of(&second), Some(3), "{second:?}");
    Ok(())
}
