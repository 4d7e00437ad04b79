//! Scores the engine against the fixture labels (README "Suggested scoring") and asserts floors
//! set slightly below the measured figures.

use std::collections::BTreeSet;

use copilot_engine::{EngineEvent, FactType, KeyFact, StarPart, TurnClass};
use serde_json::Value;

use crate::fixtures::{Run, SESSIONS, Session, run};

#[derive(Debug, Default, Clone, Copy)]
struct Pr {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Pr {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fp)
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fn_)
        }
    }
    fn add(&mut self, o: Pr) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

#[derive(Debug, Default)]
struct Scores {
    asked: Pr,
    bank_right: u32,
    bank_total: u32,
    evidence: Pr,
    strength_exact: u32,
    strength_within1: u32,
    strength_total: u32,
    star: Pr,
    facts: Pr,
    prompts_must: Pr,
    prompt_fp: u32,
    prompt_good: u32,
    status_right: u32,
    status_total: u32,
    uncovered_exact: u32,
    sessions: u32,
}

fn gold_str_list(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn duration_seconds(value: f64, unit: &str) -> f64 {
    value
        * match unit {
            "millisecond" => 0.001,
            "second" => 1.0,
            "minute" => 60.0,
            "hour" => 3600.0,
            "day" => 86_400.0,
            "week" => 604_800.0,
            "month" => 30.0 * 86_400.0,
            "year" => 365.0 * 86_400.0,
            _ => f64::NAN,
        }
}

fn fact_matches(pred: &KeyFact, gold: &Value) -> bool {
    let gtype = gold["type"].as_str().unwrap_or("");
    if pred.fact_type.as_str() != gtype {
        return false;
    }
    let gunit = gold["unit"].as_str().unwrap_or("");
    let gval = gold["value"].as_f64().unwrap_or(f64::NAN);
    let approx = pred.approx || gold["approx"].as_bool().unwrap_or(false);
    let tol = if approx { 0.05 } else { 0.01 };
    let (p, g) = if pred.fact_type == FactType::Duration {
        (
            duration_seconds(pred.value, &pred.unit),
            duration_seconds(gval, gunit),
        )
    } else {
        if pred.fact_type != FactType::Number && pred.unit != gunit {
            return false;
        }
        (pred.value, gval)
    };
    (p - g).abs() <= tol * g.abs().max(1e-9)
}

fn turn_events(run: &Run, index: usize) -> &[EngineEvent] {
    &run.turns[index].events
}

fn score_session(session: &Session, run: &Run, scores: &mut Scores, log: &mut Vec<String>) {
    let state = run.engine.state();
    let turns = session.turns();
    for (i, t) in turns.iter().enumerate() {
        let labels = &t["labels"];
        let record = &state.turns[i];
        let text = t["text"].as_str().unwrap_or_default();
        if t["speaker"] == "interviewer" {
            let gold = gold_str_list(&labels["asks"]);
            let (pred, bank) = match &record.class {
                TurnClass::Interviewer {
                    asks,
                    bank_question_id,
                    ..
                } => (
                    asks.iter().cloned().collect::<BTreeSet<_>>(),
                    bank_question_id.clone(),
                ),
                _ => (BTreeSet::new(), None),
            };
            let pr = Pr {
                tp: pred.intersection(&gold).count() as u32,
                fp: pred.difference(&gold).count() as u32,
                fn_: gold.difference(&pred).count() as u32,
            };
            scores.asked.add(pr);
            let gold_bank = labels["bank_question_id"].as_str().map(String::from);
            scores.bank_total += 1;
            if gold_bank == bank {
                scores.bank_right += 1;
            }
            if pr.fp + pr.fn_ > 0 || gold_bank != bank {
                log.push(format!("{} t{i:02} asks pred={pred:?} gold={gold:?} bank pred={bank:?} gold={gold_bank:?}", session.id));
            }
            continue;
        }
        // Candidate turn.
        let evidence: Vec<(String, u8, Vec<StarPart>, bool)> = turn_events(run, i)
            .iter()
            .filter_map(|e| match e {
                EngineEvent::EvidenceAdded { competency, quote } => Some((
                    competency.clone(),
                    quote.strength,
                    quote.star.clone(),
                    quote.unasked,
                )),
                _ => None,
            })
            .collect();
        let gold_ev: Vec<(String, u64)> = labels["evidence"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["competency"].as_str().unwrap_or("").to_string(),
                            e["strength"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        for c in &session.job.competencies {
            let pred = evidence
                .iter()
                .find(|e| e.0 == c.id)
                .map(|e| e.1)
                .unwrap_or(0);
            let gold = gold_ev.iter().find(|e| e.0 == c.id).map(|e| e.1);
            match gold {
                Some(1) => {}
                Some(g) if g >= 2 => {
                    if pred >= 2 {
                        scores.evidence.tp += 1
                    } else {
                        scores.evidence.fn_ += 1
                    }
                }
                _ => {
                    if pred >= 2 {
                        scores.evidence.fp += 1
                    }
                }
            }
            if let Some(g) = gold {
                scores.strength_total += 1;
                if u64::from(pred) == g {
                    scores.strength_exact += 1;
                }
                if (i64::from(pred) - g as i64).abs() <= 1 {
                    scores.strength_within1 += 1;
                }
                if u64::from(pred) != g {
                    log.push(format!(
                        "{} t{i:02} strength {} pred={pred} gold={g}",
                        session.id, c.id
                    ));
                }
            } else if pred >= 1 {
                log.push(format!(
                    "{} t{i:02} strength {} pred={pred} gold=-",
                    session.id, c.id
                ));
            }
        }
        if labels["kind"] == "answer" {
            let gold_star: BTreeSet<String> = gold_str_list(&labels["star"]);
            let pred_star: BTreeSet<String> = evidence
                .iter()
                .find(|e| !e.3)
                .map(|e| e.2.iter().map(|p| p.letter().to_string()).collect())
                .unwrap_or_default();
            scores.star.add(Pr {
                tp: pred_star.intersection(&gold_star).count() as u32,
                fp: pred_star.difference(&gold_star).count() as u32,
                fn_: gold_star.difference(&pred_star).count() as u32,
            });
            if pred_star != gold_star {
                log.push(format!(
                    "{} t{i:02} star pred={pred_star:?} gold={gold_star:?}",
                    session.id
                ));
            }
        }
        // Key facts.
        let ignored: Vec<(usize, usize)> = labels["ignored_numbers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .filter_map(|s| text.find(s).map(|p| (p, p + s.len())))
                    .collect()
            })
            .unwrap_or_default();
        let gold_facts: Vec<&Value> = labels["key_facts"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let pred_facts: Vec<&KeyFact> = state
            .key_facts
            .iter()
            .filter(|f| f.turn as usize == i)
            .collect();
        let mut used = vec![false; gold_facts.len()];
        for f in &pred_facts {
            if let Some(g) = gold_facts
                .iter()
                .enumerate()
                .position(|(k, g)| !used[k] && fact_matches(f, g))
            {
                used[g] = true;
                scores.facts.tp += 1;
            } else if ignored.iter().any(|(s, e)| f.start < *e && *s < f.end) {
                // Neither rewarded nor penalised.
            } else {
                scores.facts.fp += 1;
                log.push(format!(
                    "{} t{i:02} fact FP {} {} {} {:?}",
                    session.id,
                    f.fact_type.as_str(),
                    f.value,
                    f.unit,
                    f.text
                ));
            }
        }
        for (k, g) in gold_facts.iter().enumerate() {
            if !used[k] {
                scores.facts.fn_ += 1;
                log.push(format!(
                    "{} t{i:02} fact FN {} {} {} {:?}",
                    session.id, g["type"], g["value"], g["unit"], g["text"]
                ));
            }
        }
    }
    // Prompts: which turn's processing raised each one, and whether it stayed to the end.
    let mut raised: Vec<(usize, String, String, u32)> = Vec::new();
    for t in &run.turns {
        for e in &t.events {
            if let EngineEvent::Prompt(p) = e {
                raised.push((
                    t.index,
                    p.kind.as_str().to_string(),
                    p.competency.clone(),
                    p.id,
                ));
            }
        }
    }
    let active_at_end: BTreeSet<u32> = state.active_prompts.iter().map(|p| p.id).collect();
    let gold_prompts = session.raw["expected"]["prompts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let accepts = |g: &Value, kind: &str, competency: &str| {
        g["competency"] == competency
            && (g["type"] == kind
                || g["also_acceptable"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == kind)))
    };
    let on_time = |g: &Value, turn: usize, id: u32| {
        let after = g["after_turn"].as_u64().unwrap_or(0) as usize;
        if g["type"] == "uncovered" || g["type"] == "not_evidenced" {
            turn <= after && active_at_end.contains(&id)
        } else {
            turn == after || turn == after + 1
        }
    };
    for g in &gold_prompts {
        let hit = raised
            .iter()
            .any(|(turn, kind, comp, id)| accepts(g, kind, comp) && on_time(g, *turn, *id));
        if g["priority"] == "must" {
            if hit {
                scores.prompts_must.tp += 1
            } else {
                scores.prompts_must.fn_ += 1
            }
        }
        if !hit {
            log.push(format!(
                "{} prompt missed: after {} {} {} ({})",
                session.id, g["after_turn"], g["type"], g["competency"], g["priority"]
            ));
        }
    }
    for (turn, kind, comp, id) in &raised {
        if gold_prompts
            .iter()
            .any(|g| accepts(g, kind, comp) && on_time(g, *turn, *id))
        {
            scores.prompt_good += 1;
        } else {
            scores.prompt_fp += 1;
            log.push(format!(
                "{} prompt FP: at turn {turn} {kind} {comp}",
                session.id
            ));
        }
    }
    // End state.
    let gold_final = &session.raw["expected"]["final"];
    for c in &state.competencies {
        scores.status_total += 1;
        if gold_final["per_competency"][&c.id]["status"] == c.status.as_str() {
            scores.status_right += 1;
        } else {
            log.push(format!(
                "{} final status {} pred={} gold={}",
                session.id,
                c.id,
                c.status.as_str(),
                gold_final["per_competency"][&c.id]["status"]
            ));
        }
    }
    let gold_uncovered: Vec<String> = gold_final["uncovered"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    scores.sessions += 1;
    if gold_uncovered == state.uncovered {
        scores.uncovered_exact += 1;
    } else {
        log.push(format!(
            "{} uncovered pred={:?} gold={gold_uncovered:?}",
            session.id, state.uncovered
        ));
    }
}

#[test]
fn scores_against_the_labels() -> anyhow::Result<()> {
    let mut scores = Scores::default();
    let mut log = Vec::new();
    for id in SESSIONS {
        let session = Session::load(id)?;
        let run = run(&session);
        score_session(&session, &run, &mut scores, &mut log);
    }
    for line in &log {
        eprintln!("  {line}");
    }
    let pct = |a: u32, b: u32| {
        if b == 0 {
            100.0
        } else {
            100.0 * f64::from(a) / f64::from(b)
        }
    };
    let rows = [
        ("asked precision", 100.0 * scores.asked.precision()),
        ("asked recall", 100.0 * scores.asked.recall()),
        (
            "bank match accuracy",
            pct(scores.bank_right, scores.bank_total),
        ),
        ("evidence>=2 precision", 100.0 * scores.evidence.precision()),
        ("evidence>=2 recall", 100.0 * scores.evidence.recall()),
        (
            "strength exact",
            pct(scores.strength_exact, scores.strength_total),
        ),
        (
            "strength within 1",
            pct(scores.strength_within1, scores.strength_total),
        ),
        ("STAR precision", 100.0 * scores.star.precision()),
        ("STAR recall", 100.0 * scores.star.recall()),
        ("key-fact precision", 100.0 * scores.facts.precision()),
        ("key-fact recall", 100.0 * scores.facts.recall()),
        ("prompt recall (must)", 100.0 * scores.prompts_must.recall()),
        (
            "prompt precision",
            pct(scores.prompt_good, scores.prompt_good + scores.prompt_fp),
        ),
        (
            "end status accuracy",
            pct(scores.status_right, scores.status_total),
        ),
        (
            "uncovered exact (sessions)",
            pct(scores.uncovered_exact, scores.sessions),
        ),
    ];
    eprintln!("{:<28} {:>7}", "metric (4 dev sessions)", "%");
    for (name, value) in &rows {
        eprintln!("{name:<28} {value:>7.1}");
    }
    // Measured on the four dev sessions (2026-11-22): asked P/R 100/100, bank 97.3, evidence P/R 100/81.2,
    // strength exact 87.9 / within 1 90.9, STAR P/R 96.3/91.2, key facts P/R 98.6/98.6, prompt recall 100,
    // prompt precision 78.8, end status 90.9, uncovered exact 4/4. Floors sit a little below.
    let floors = [
        ("asked precision", 95.0),
        ("asked recall", 95.0),
        ("bank match accuracy", 90.0),
        ("evidence>=2 precision", 95.0),
        ("evidence>=2 recall", 75.0),
        ("strength exact", 80.0),
        ("strength within 1", 85.0),
        ("STAR precision", 90.0),
        ("STAR recall", 85.0),
        ("key-fact precision", 93.0),
        ("key-fact recall", 93.0),
        ("prompt recall (must)", 95.0),
        ("prompt precision", 70.0),
        ("end status accuracy", 85.0),
        ("uncovered exact (sessions)", 100.0),
    ];
    let mut failures = Vec::new();
    for (name, floor) in floors {
        let value = rows
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .unwrap_or(0.0);
        if value < floor {
            failures.push(format!("{name}: {value:.1} < floor {floor}"));
        }
    }
    assert!(failures.is_empty(), "below the floors: {failures:#?}");
    Ok(())
}
