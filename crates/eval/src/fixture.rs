//! The labelled-interview format of `tests/fixtures/interviews/README.md`: sessions
//! (`interview-copilot/scripted-interview@1`) and the audio timing files. Jobs are plain
//! [`copilot_domain::JobDefinition`]s. Only the fields the evaluation reads are typed; the rest of
//! a file (titles, notes, hard-case lists) is accepted and ignored.

use std::collections::BTreeMap;

use copilot_domain::{JobDefinition, Language};
use serde::Deserialize;

/// Who speaks a scripted turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Interviewer,
    Candidate,
}

/// One scripted interview with its turn labels and expected end state.
#[derive(Debug, Clone, Deserialize)]
pub struct Interview {
    pub id: String,
    pub job_id: String,
    pub language: Language,
    /// The slot the interviewer planned, in minutes (drives "time left").
    pub planned_minutes: f64,
    /// The candidate (their name biases the recogniser's spelling in audio runs).
    #[serde(default)]
    pub candidate: Option<Person>,
    pub turns: Vec<Turn>,
    #[serde(default)]
    pub expected: Expected,
}

/// A person in the script.
#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub name: String,
}

/// One turn of the script.
#[derive(Debug, Clone, Deserialize)]
pub struct Turn {
    pub index: usize,
    pub speaker: Role,
    /// The reference transcript.
    pub text: String,
    pub labels: Labels,
}

/// The labels of a turn; interviewer and candidate turns use different subsets.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Labels {
    /// `question`, `follow_up`, `answer`, `small_talk`, ...
    #[serde(default)]
    pub kind: String,
    /// Interviewer turns: the competencies asked.
    #[serde(default)]
    pub asks: Vec<String>,
    /// Interviewer turns: the bank question matched, or none.
    #[serde(default)]
    pub bank_question_id: Option<String>,
    /// Candidate turns: evidence per competency, strength 0-3.
    #[serde(default)]
    pub evidence: Vec<GoldEvidence>,
    /// Candidate answers: STAR letters present (`S`, `T`, `A`, `R`).
    #[serde(default)]
    pub star: Vec<String>,
    #[serde(default)]
    pub key_facts: Vec<GoldFact>,
    /// Substrings whose numbers are not key facts (neither rewarded nor penalised).
    #[serde(default)]
    pub ignored_numbers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldEvidence {
    pub competency: String,
    pub strength: u8,
}

/// A labelled key fact (README "Key facts").
#[derive(Debug, Clone, Deserialize)]
pub struct GoldFact {
    #[serde(rename = "type")]
    pub fact_type: String,
    pub value: f64,
    pub unit: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub approx: bool,
}

/// `expected`: the end state and the prompts a good copilot shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Expected {
    /// `None` when a file leaves it out: then it is derived from the turn labels ([`Interview::gold_final`]).
    #[serde(rename = "final", default)]
    pub final_state: Option<GoldFinal>,
    #[serde(default)]
    pub prompts: Vec<GoldPrompt>,
}

/// `expected.final`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoldFinal {
    /// Never asked and not evidenced, by weight (desc), then id.
    pub uncovered: Vec<String>,
    #[serde(default)]
    pub per_competency: BTreeMap<String, GoldCompetency>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldCompetency {
    /// `evidenced`, `asked_not_evidenced` or `uncovered`.
    pub status: String,
}

/// `expected.prompts[]`.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldPrompt {
    pub after_turn: usize,
    #[serde(rename = "type")]
    pub kind: String,
    pub competency: String,
    /// `must` or `nice`.
    pub priority: String,
    #[serde(default)]
    pub also_acceptable: Vec<String>,
}

impl GoldPrompt {
    /// Whether a raised prompt of `kind` for `competency` is this one.
    pub fn accepts(&self, kind: &str, competency: &str) -> bool {
        self.competency == competency
            && (self.kind == kind || self.also_acceptable.iter().any(|k| k == kind))
    }
}

impl Interview {
    /// The planned minutes as the engine takes them (at least one).
    pub fn minutes(&self) -> u32 {
        self.planned_minutes.round().max(1.0) as u32
    }

    /// `expected.final`, or the same rules applied to the labels when the file has none: a
    /// competency is evidenced at strength >= 2, uncovered when never asked and not evidenced.
    pub fn gold_final(&self, job: &JobDefinition) -> GoldFinal {
        if let Some(gold) = &self.expected.final_state {
            return gold.clone();
        }
        let mut per_competency = BTreeMap::new();
        let mut uncovered: Vec<(f64, String)> = Vec::new();
        for c in &job.competencies {
            let asked = self.turns.iter().any(|t| t.labels.asks.contains(&c.id));
            let best = self
                .turns
                .iter()
                .flat_map(|t| &t.labels.evidence)
                .filter(|e| e.competency == c.id)
                .map(|e| e.strength)
                .max()
                .unwrap_or(0);
            let status = if best >= 2 {
                "evidenced"
            } else if asked {
                "asked_not_evidenced"
            } else {
                uncovered.push((c.weight, c.id.clone()));
                "uncovered"
            };
            per_competency.insert(
                c.id.clone(),
                GoldCompetency {
                    status: status.to_string(),
                },
            );
        }
        uncovered.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        GoldFinal {
            uncovered: uncovered.into_iter().map(|(_, id)| id).collect(),
            per_competency,
        }
    }
}

/// `audio/<session>/timing.json`: where each turn sits in the recording.
#[derive(Debug, Clone, Deserialize)]
pub struct AudioTiming {
    /// The recording, relative to the timing file (`stereo.wav`).
    #[serde(default = "default_wav")]
    pub wav: String,
    pub turns: Vec<TimedTurn>,
}

fn default_wav() -> String {
    "stereo.wav".to_string()
}

/// One turn's place in the recording, seconds from its start.
#[derive(Debug, Clone, Deserialize)]
pub struct TimedTurn {
    pub index: usize,
    pub speaker: Role,
    pub start_s: f64,
    pub end_s: f64,
}
