//! Scoring a [`Run`] against the labels, following the README's "Suggested scoring": competencies
//! asked per interviewer turn, evidence (strength >= 2) per candidate turn and competency, STAR
//! parts per answer, key facts per turn, prompts, and the end state.

use std::collections::BTreeSet;

use copilot_domain::JobDefinition;
use copilot_engine::{EngineEvent, FactType, KeyFact, StarPart, TurnClass};
use serde::Serialize;

use crate::fixture::{GoldFact, Interview, Role};
use crate::run::Run;

/// True positives, false positives and false negatives.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Counts {
    fn of_sets<T: Ord>(pred: &BTreeSet<T>, gold: &BTreeSet<T>) -> Counts {
        Counts {
            tp: pred.intersection(gold).count() as u32,
            fp: pred.difference(gold).count() as u32,
            fn_: gold.difference(pred).count() as u32,
        }
    }

    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    /// 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    pub fn prf(&self) -> Prf {
        Prf {
            precision: self.precision(),
            recall: self.recall(),
            f1: self.f1(),
        }
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

/// Precision, recall and F1 as fractions 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The headline figures (`copilot eval --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub asked: Prf,
    pub evidenced: Prf,
    pub star: Prf,
    pub facts: Prf,
    /// The fraction of interviews whose uncovered set at the end is exact (in order).
    pub uncovered_exact: f64,
    pub interviews: u32,
}

/// Secondary figures: bank matching, strength, prompts and end status, as fractions 0..1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Details {
    pub bank_match: f64,
    pub strength_exact: f64,
    pub strength_within_1: f64,
    pub prompt_recall_must: f64,
    pub prompt_precision: f64,
    pub end_status: f64,
}

/// Running totals over interviews, with a line for every disagreement with the labels.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub asked: Counts,
    pub evidenced: Counts,
    pub star: Counts,
    pub facts: Counts,
    pub prompts_must: Counts,
    bank_right: u32,
    bank_total: u32,
    strength_exact: u32,
    strength_within1: u32,
    strength_total: u32,
    prompt_good: u32,
    prompt_fp: u32,
    status_right: u32,
    status_total: u32,
    uncovered_exact: u32,
    pub interviews: u32,
    /// `<session> t<turn> ...` lines describing each miss, for diagnosis.
    pub mismatches: Vec<String>,
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

/// Same type, value within 1 % (5 % if either is approximate), same unit except for counts;
/// durations compared in seconds.
pub fn fact_matches(pred: &KeyFact, gold: &GoldFact) -> bool {
    if pred.fact_type.as_str() != gold.fact_type {
        return false;
    }
    let tol = if pred.approx || gold.approx {
        0.05
    } else {
        0.01
    };
    let (p, g) = if pred.fact_type == FactType::Duration {
        (
            duration_seconds(pred.value, &pred.unit),
            duration_seconds(gold.value, &gold.unit),
        )
    } else {
        if pred.fact_type != FactType::Number && pred.unit != gold.unit {
            return false;
        }
        (pred.value, gold.value)
    };
    (p - g).abs() <= tol * g.abs().max(1e-9)
}

impl Tally {
    pub fn figures(&self) -> Figures {
        Figures {
            asked: self.asked.prf(),
            evidenced: self.evidenced.prf(),
            star: self.star.prf(),
            facts: self.facts.prf(),
            uncovered_exact: if self.interviews == 0 {
                0.0
            } else {
                f64::from(self.uncovered_exact) / f64::from(self.interviews)
            },
            interviews: self.interviews,
        }
    }

    pub fn details(&self) -> Details {
        Details {
            bank_match: ratio(self.bank_right, self.bank_total),
            strength_exact: ratio(self.strength_exact, self.strength_total),
            strength_within_1: ratio(self.strength_within1, self.strength_total),
            prompt_recall_must: self.prompts_must.recall(),
            prompt_precision: ratio(self.prompt_good, self.prompt_good + self.prompt_fp),
            end_status: ratio(self.status_right, self.status_total),
        }
    }

    /// Scores one interview's run and adds it to the totals.
    pub fn add(&mut self, interview: &Interview, job: &JobDefinition, run: &Run) {
        let state = run.engine.state();
        let id = &interview.id;
        for (i, t) in interview.turns.iter().enumerate() {
            let labels = &t.labels;
            let records: Vec<_> = run.turns[i]
                .engine_turns
                .iter()
                .filter_map(|e| state.turns.get(*e as usize))
                .collect();
            if t.speaker == Role::Interviewer {
                let gold: BTreeSet<&str> = labels.asks.iter().map(String::as_str).collect();
                let mut pred = BTreeSet::new();
                let mut bank = None;
                for r in &records {
                    if let TurnClass::Interviewer {
                        asks,
                        bank_question_id,
                        ..
                    } = &r.class
                    {
                        pred.extend(asks.iter().map(String::as_str));
                        bank = bank.or(bank_question_id.as_deref());
                    }
                }
                let counts = Counts::of_sets(&pred, &gold);
                self.asked.add(counts);
                let gold_bank = labels.bank_question_id.as_deref();
                self.bank_total += 1;
                if gold_bank == bank {
                    self.bank_right += 1;
                }
                if counts.fp + counts.fn_ > 0 || gold_bank != bank {
                    self.mismatches.push(format!(
                        "{id} t{i:02} asks pred={pred:?} gold={gold:?} bank pred={bank:?} gold={gold_bank:?}"
                    ));
                }
                continue;
            }
            // Candidate turn: the evidence its processing added.
            let evidence: Vec<(&str, u8, &[StarPart], bool)> = run.turns[i]
                .events
                .iter()
                .filter_map(|e| match e {
                    EngineEvent::EvidenceAdded { competency, quote } => Some((
                        competency.as_str(),
                        quote.strength,
                        quote.star.as_slice(),
                        quote.unasked,
                    )),
                    _ => None,
                })
                .collect();
            for c in &job.competencies {
                let pred = evidence
                    .iter()
                    .filter(|e| e.0 == c.id)
                    .map(|e| e.1)
                    .max()
                    .unwrap_or(0);
                let gold = labels
                    .evidence
                    .iter()
                    .find(|e| e.competency == c.id)
                    .map(|e| e.strength);
                match gold {
                    Some(1) => {}
                    Some(g) if g >= 2 => {
                        if pred >= 2 {
                            self.evidenced.tp += 1;
                        } else {
                            self.evidenced.fn_ += 1;
                        }
                    }
                    _ => {
                        if pred >= 2 {
                            self.evidenced.fp += 1;
                        }
                    }
                }
                if let Some(g) = gold {
                    self.strength_total += 1;
                    if pred == g {
                        self.strength_exact += 1;
                    }
                    if pred.abs_diff(g) <= 1 {
                        self.strength_within1 += 1;
                    }
                }
                if gold.unwrap_or(0) != pred {
                    let gold = gold.map_or("-".to_string(), |g| g.to_string());
                    self.mismatches.push(format!(
                        "{id} t{i:02} strength {} pred={pred} gold={gold}",
                        c.id
                    ));
                }
            }
            if labels.kind == "answer" {
                let gold: BTreeSet<String> = labels.star.iter().cloned().collect();
                let pred: BTreeSet<String> = evidence
                    .iter()
                    .find(|e| !e.3)
                    .map(|e| e.2.iter().map(|p| p.letter().to_string()).collect())
                    .unwrap_or_default();
                self.star.add(Counts::of_sets(&pred, &gold));
                if pred != gold {
                    self.mismatches
                        .push(format!("{id} t{i:02} star pred={pred:?} gold={gold:?}"));
                }
            }
            self.score_facts(interview, run, &state.key_facts, &records, i);
        }
        self.score_prompts(interview, run, &state);
        // End state.
        let gold_final = interview.gold_final(job);
        for c in &state.competencies {
            self.status_total += 1;
            let gold = gold_final
                .per_competency
                .get(&c.id)
                .map(|g| g.status.as_str());
            if gold == Some(c.status.as_str()) {
                self.status_right += 1;
            } else {
                self.mismatches.push(format!(
                    "{id} final status {} pred={} gold={gold:?}",
                    c.id,
                    c.status.as_str()
                ));
            }
        }
        self.interviews += 1;
        if gold_final.uncovered == state.uncovered {
            self.uncovered_exact += 1;
        } else {
            self.mismatches.push(format!(
                "{id} uncovered pred={:?} gold={:?}",
                state.uncovered, gold_final.uncovered
            ));
        }
    }

    /// Key facts of scripted turn `i`: matched one to one; predictions overlapping an ignored
    /// number (found in the text the engine saw) count neither way.
    fn score_facts(
        &mut self,
        interview: &Interview,
        run: &Run,
        key_facts: &[KeyFact],
        records: &[&copilot_engine::TurnRecord],
        i: usize,
    ) {
        let id = &interview.id;
        let labels = &interview.turns[i].labels;
        let ignored: Vec<(u32, usize, usize)> = records
            .iter()
            .flat_map(|r| {
                labels
                    .ignored_numbers
                    .iter()
                    .filter_map(|s| r.text.find(s.as_str()).map(|p| (r.index, p, p + s.len())))
            })
            .collect();
        let pred: Vec<&KeyFact> = key_facts
            .iter()
            .filter(|f| run.scripted_turn(f.turn) == Some(i))
            .collect();
        let mut used = vec![false; labels.key_facts.len()];
        for f in pred {
            if let Some(k) =
                (0..used.len()).find(|&k| !used[k] && fact_matches(f, &labels.key_facts[k]))
            {
                used[k] = true;
                self.facts.tp += 1;
            } else if ignored
                .iter()
                .any(|&(turn, s, e)| turn == f.turn && f.start < e && s < f.end)
            {
                // Neither rewarded nor penalised.
            } else {
                self.facts.fp += 1;
                self.mismatches.push(format!(
                    "{id} t{i:02} fact FP {} {} {} {:?}",
                    f.fact_type.as_str(),
                    f.value,
                    f.unit,
                    f.text
                ));
            }
        }
        for (k, g) in labels.key_facts.iter().enumerate() {
            if !used[k] {
                self.facts.fn_ += 1;
                self.mismatches.push(format!(
                    "{id} t{i:02} fact FN {} {} {} {:?}",
                    g.fact_type, g.value, g.unit, g.text
                ));
            }
        }
    }

    /// Prompts: a raised prompt matches a gold one of its competency and type between the end of
    /// `after_turn` and the start of `after_turn + 2`; end-of-interview kinds must stay active.
    fn score_prompts(
        &mut self,
        interview: &Interview,
        run: &Run,
        state: &copilot_engine::CoverageState,
    ) {
        let id = &interview.id;
        let mut raised: Vec<(usize, &str, &str, u32)> = Vec::new();
        for t in &run.turns {
            for e in &t.events {
                if let EngineEvent::Prompt(p) = e {
                    raised.push((t.index, p.kind.as_str(), p.competency.as_str(), p.id));
                }
            }
        }
        let active_at_end: BTreeSet<u32> = state.active_prompts.iter().map(|p| p.id).collect();
        let gold = &interview.expected.prompts;
        let on_time = |after: usize, kind: &str, turn: usize, prompt: u32| {
            if kind == "uncovered" || kind == "not_evidenced" {
                turn <= after && active_at_end.contains(&prompt)
            } else {
                turn == after || turn == after + 1
            }
        };
        for g in gold {
            let hit = raised.iter().any(|&(turn, kind, comp, prompt)| {
                g.accepts(kind, comp) && on_time(g.after_turn, &g.kind, turn, prompt)
            });
            if g.priority == "must" {
                if hit {
                    self.prompts_must.tp += 1;
                } else {
                    self.prompts_must.fn_ += 1;
                }
            }
            if !hit {
                self.mismatches.push(format!(
                    "{id} prompt missed: after {} {} {} ({})",
                    g.after_turn, g.kind, g.competency, g.priority
                ));
            }
        }
        for &(turn, kind, comp, prompt) in &raised {
            if gold
                .iter()
                .any(|g| g.accepts(kind, comp) && on_time(g.after_turn, &g.kind, turn, prompt))
            {
                self.prompt_good += 1;
            } else {
                self.prompt_fp += 1;
                self.mismatches
                    .push(format!("{id} prompt FP: at turn {turn} {kind} {comp}"));
            }
        }
    }
}
