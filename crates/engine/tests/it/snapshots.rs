//! A text rendering of the live state after every turn of each fixture session, snapshotted.

use std::fmt::Write;

use copilot_engine::{CoverageState, EngineEvent, StarPart, TurnClass};

use crate::fixtures::{Run, SESSIONS, Session, run};

fn star(parts: &[StarPart]) -> String {
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.iter().map(|p| p.letter()).collect()
    }
}

fn competency_lines(out: &mut String, state: &CoverageState) {
    for c in &state.competencies {
        let asked: Vec<String> = c.asked_in.iter().map(|a| a.turn.to_string()).collect();
        let _ = writeln!(
            out,
            "    {:<22} {:<19} asked=[{}] max={} star={} rating={}",
            c.id,
            c.status.as_str(),
            asked.join(","),
            c.max_strength,
            star(&c.star),
            c.suggested.rating
        );
    }
}

pub fn render(session: &Session, run: &Run) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "session {} ({} min planned)",
        session.id, session.planned_minutes
    );
    // Replay the per-turn states from the events: the engine's final state holds every turn.
    let final_state = run.engine.state();
    for t in &run.turns {
        let record = final_state
            .turns
            .iter()
            .find(|r| r.index as usize == t.index);
        let head = match record.map(|r| &r.class) {
            Some(TurnClass::Interviewer {
                kind,
                asks,
                bank_question_id,
                similarity,
            }) => format!(
                "I {:?} asks=[{}] bank={} sim={:.2}",
                kind,
                asks.join(","),
                bank_question_id.as_deref().unwrap_or("-"),
                similarity
            ),
            Some(TurnClass::Candidate { kind, quality }) => {
                format!(
                    "C {kind:?}{}",
                    quality.map(|q| format!(" {q:?}")).unwrap_or_default()
                )
            }
            Some(TurnClass::Unknown) | None => "?".to_string(),
        };
        let _ = writeln!(
            out,
            "{:02} [{:>6}-{:>6} ms] {head}",
            t.index, t.start_ms, t.end_ms
        );
        for e in &t.events {
            match e {
                EngineEvent::EvidenceAdded { competency, quote } => {
                    let _ = writeln!(
                        out,
                        "    evidence {competency} strength={}{} star={}",
                        quote.strength,
                        if quote.unasked { " (unasked)" } else { "" },
                        star(&quote.star)
                    );
                }
                EngineEvent::KeyFact(f) => {
                    let _ = writeln!(
                        out,
                        "    fact {} {} {}{} {:?}",
                        f.fact_type.as_str(),
                        f.value,
                        f.unit,
                        if f.approx { " ~" } else { "" },
                        f.text
                    );
                }
                EngineEvent::Prompt(p) => {
                    let _ = writeln!(
                        out,
                        "    + prompt #{} {} {} | {}",
                        p.id,
                        p.kind.as_str(),
                        p.competency,
                        p.text.en
                    );
                }
                EngineEvent::PromptRetired {
                    prompt_id, reason, ..
                } => {
                    let _ = writeln!(out, "    - prompt #{prompt_id} {reason:?}");
                }
                EngineEvent::TimeWarning { minutes_left, .. } => {
                    let _ = writeln!(out, "    ! time warning: {minutes_left} min left");
                }
                EngineEvent::StatusChanged { competency, status } => {
                    let _ = writeln!(out, "    status {competency} -> {}", status.as_str());
                }
                _ => {}
            }
        }
    }
    let _ = writeln!(out, "end");
    for e in &run.end_events {
        if let EngineEvent::Prompt(p) = e {
            let _ = writeln!(
                out,
                "    + prompt #{} {} {} | {}",
                p.id,
                p.kind.as_str(),
                p.competency,
                p.text.en
            );
        }
    }
    let _ = writeln!(out, "final");
    competency_lines(&mut out, &final_state);
    let _ = writeln!(out, "  asked={:?}", final_state.asked);
    let _ = writeln!(out, "  evidenced={:?}", final_state.evidenced);
    let _ = writeln!(
        out,
        "  asked_not_evidenced={:?}",
        final_state.asked_not_evidenced
    );
    let _ = writeln!(out, "  uncovered={:?}", final_state.uncovered);
    let _ = writeln!(out, "  evidenced_weight={}", final_state.evidenced_weight);
    for p in &final_state.active_prompts {
        let _ = writeln!(
            out,
            "  active #{} {} {} rank={} | {} | {}",
            p.id,
            p.kind.as_str(),
            p.competency,
            p.rank,
            p.text.en,
            p.text.zh
        );
    }
    let _ = writeln!(
        out,
        "  talk interviewer={} ms candidate={} ms ratio={}",
        final_state.talk_time.interviewer_ms,
        final_state.talk_time.candidate_ms,
        final_state.talk_time.interviewer_to_candidate
    );
    out
}

#[test]
fn live_state_per_turn_matches_snapshots() -> anyhow::Result<()> {
    for id in SESSIONS {
        let session = Session::load(id)?;
        let run = run(&session);
        insta::assert_snapshot!(id, render(&session, &run));
    }
    Ok(())
}
