//! Prompts to the interviewer: follow-ups after an answer and coverage prompts (uncovered / not
//! evidenced), with short bilingual text and a reason. The [`PromptBook`] rate-limits follow-ups
//! (at most one per candidate turn, a minimum gap), deduplicates (same kind and competency while
//! active) and records dismissals.

use copilot_domain::Bilingual;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::types::AnswerQuality;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PromptKind {
    AskExample,
    AskSpecifics,
    AskResult,
    AskAction,
    AskOwnRole,
    Redirect,
    ProbeEvasive,
    Uncovered,
    NotEvidenced,
}

impl PromptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PromptKind::AskExample => "ask_example",
            PromptKind::AskSpecifics => "ask_specifics",
            PromptKind::AskResult => "ask_result",
            PromptKind::AskAction => "ask_action",
            PromptKind::AskOwnRole => "ask_own_role",
            PromptKind::Redirect => "redirect",
            PromptKind::ProbeEvasive => "probe_evasive",
            PromptKind::Uncovered => "uncovered",
            PromptKind::NotEvidenced => "not_evidenced",
        }
    }

    pub fn is_coverage(self) -> bool {
        matches!(self, PromptKind::Uncovered | PromptKind::NotEvidenced)
    }

    /// The follow-up an answer of this quality calls for (missing STAR parts refine `Partial`).
    pub fn follow_up_for(
        quality: AnswerQuality,
        has_episode: bool,
        has_action: bool,
        has_result: bool,
        has_figures: bool,
    ) -> Option<PromptKind> {
        match quality {
            AnswerQuality::OffTopic => Some(PromptKind::Redirect),
            AnswerQuality::Evasive => Some(PromptKind::ProbeEvasive),
            AnswerQuality::WeNotI => Some(PromptKind::AskOwnRole),
            AnswerQuality::Vague => Some(if has_episode {
                PromptKind::AskSpecifics
            } else {
                PromptKind::AskExample
            }),
            AnswerQuality::Partial => {
                if !has_action {
                    Some(PromptKind::AskAction)
                } else if !has_result {
                    Some(PromptKind::AskResult)
                } else if !has_figures {
                    Some(PromptKind::AskSpecifics)
                } else {
                    None
                }
            }
            AnswerQuality::Strong => None,
        }
    }
}

/// Higher shows first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PromptPriority {
    Low,
    Normal,
    High,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Prompt {
    pub id: u32,
    pub kind: PromptKind,
    pub competency: String,
    pub priority: PromptPriority,
    /// Position among the coverage prompts by weight (0 = heaviest); 0 for follow-ups.
    pub rank: u32,
    pub text: Bilingual,
    pub reason: Bilingual,
    /// The bank question suggested for uncovered competencies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub suggested_question_id: Option<String>,
    /// The candidate turn the prompt reacts to (follow-ups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after_turn: Option<u32>,
    pub at_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RetireReason {
    /// The interviewer spoke again (did it, or moved on).
    InterviewerMovedOn,
    /// The competency was asked or evidenced since.
    Resolved,
    Dismissed,
}

/// Rate limits for prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PromptLimits {
    /// At most this many new follow-up prompts per candidate turn.
    pub follow_ups_per_turn: u32,
    /// Minimum time between two follow-up prompts.
    pub min_gap_ms: u64,
    /// Coverage prompts start once this share of the planned time has passed (or at the closing).
    pub coverage_from_fraction: f64,
}

impl Default for PromptLimits {
    fn default() -> Self {
        PromptLimits {
            follow_ups_per_turn: 1,
            min_gap_ms: 15_000,
            coverage_from_fraction: 0.5,
        }
    }
}

/// Active and past prompts, with the rules for raising new ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptBook {
    next_id: u32,
    active: Vec<Prompt>,
    dismissed: Vec<u32>,
    dismissed_keys: Vec<(PromptKind, String)>,
    last_follow_up_ms: Option<u64>,
    follow_ups_this_turn: u32,
    history: Vec<Prompt>,
}

impl PromptBook {
    pub fn active(&self) -> &[Prompt] {
        &self.active
    }

    pub fn dismissed(&self) -> &[u32] {
        &self.dismissed
    }

    /// Every prompt ever raised, in order.
    pub fn history(&self) -> &[Prompt] {
        &self.history
    }

    /// A new candidate turn starts: the per-turn budget resets.
    pub fn start_candidate_turn(&mut self) {
        self.follow_ups_this_turn = 0;
    }

    pub fn is_active(&self, kind: PromptKind, competency: &str) -> bool {
        self.active
            .iter()
            .any(|p| p.kind == kind && p.competency == competency)
    }

    /// Raise a prompt if the rules allow it; returns it when raised.
    pub fn raise(&mut self, mut prompt: Prompt, limits: &PromptLimits) -> Option<Prompt> {
        if self.is_active(prompt.kind, &prompt.competency) {
            return None;
        }
        if prompt.kind.is_coverage()
            && self
                .dismissed_keys
                .contains(&(prompt.kind, prompt.competency.clone()))
        {
            return None;
        }
        if !prompt.kind.is_coverage() {
            if self.follow_ups_this_turn >= limits.follow_ups_per_turn {
                return None;
            }
            if self
                .last_follow_up_ms
                .is_some_and(|last| prompt.at_ms < last + limits.min_gap_ms)
            {
                return None;
            }
            self.follow_ups_this_turn += 1;
            self.last_follow_up_ms = Some(prompt.at_ms);
        }
        self.next_id += 1;
        prompt.id = self.next_id;
        self.active.push(prompt.clone());
        self.history.push(prompt.clone());
        Some(prompt)
    }

    /// Retire the active prompts that match; returns their ids.
    pub fn retire_where(&mut self, mut matches: impl FnMut(&Prompt) -> bool) -> Vec<u32> {
        let mut retired = Vec::new();
        self.active.retain(|p| {
            if matches(p) {
                retired.push(p.id);
                false
            } else {
                true
            }
        });
        retired
    }

    /// Dismiss an active prompt. A dismissed coverage prompt is not raised again for that competency.
    pub fn dismiss(&mut self, id: u32) -> bool {
        let Some(pos) = self.active.iter().position(|p| p.id == id) else {
            return false;
        };
        let p = self.active.remove(pos);
        self.dismissed.push(id);
        self.dismissed_keys.push((p.kind, p.competency));
        true
    }
}

/// The text and reason of a follow-up prompt for a competency name.
pub fn follow_up_text(kind: PromptKind, name: &Bilingual) -> (Bilingual, Bilingual) {
    let (en, zh, ren, rzh) = match kind {
        PromptKind::AskExample => (
            format!("Ask for one real example ({})", name.en),
            format!("请对方举一个真实的例子（{}）", name.zh),
            "Generic answer: no concrete episode.".to_string(),
            "回答笼统，没有具体事例。".to_string(),
        ),
        PromptKind::AskSpecifics => (
            format!(
                "Ask for specifics: who, what exactly, numbers ({})",
                name.en
            ),
            format!("追问细节：谁、具体做了什么、有什么数字（{}）", name.zh),
            "An episode without concrete detail or figures.".to_string(),
            "有事例，但缺少具体细节和数字。".to_string(),
        ),
        PromptKind::AskResult => (
            format!("Ask how it ended: the result, with figures ({})", name.en),
            format!("追问结果：最后怎么样，有什么数字（{}）", name.zh),
            "No outcome stated.".to_string(),
            "没有讲结果。".to_string(),
        ),
        PromptKind::AskAction => (
            format!("Ask what they did, step by step ({})", name.en),
            format!("追问具体行动：他/她一步步做了什么（{}）", name.zh),
            "No concrete actions.".to_string(),
            "没有具体行动。".to_string(),
        ),
        PromptKind::AskOwnRole => (
            format!("Ask what they personally did, not the team ({})", name.en),
            format!("追问本人做了什么，而不是“我们”（{}）", name.zh),
            "\"We\" throughout: the candidate's own part is unknown.".to_string(),
            "通篇“我们”，看不出本人的作用。".to_string(),
        ),
        PromptKind::Redirect => (
            format!("Bring them back to the question ({})", name.en),
            format!("把话题拉回到问题上（{}）", name.zh),
            "Off-topic answer.".to_string(),
            "回答跑题。".to_string(),
        ),
        PromptKind::ProbeEvasive => (
            format!(
                "The question was dodged: ask again for a concrete case ({})",
                name.en
            ),
            format!("问题被回避了：再要一个具体的例子（{}）", name.zh),
            "Asked but not answered.".to_string(),
            "问了但没有正面回答。".to_string(),
        ),
        PromptKind::Uncovered | PromptKind::NotEvidenced => (
            name.en.clone(),
            name.zh.clone(),
            String::new(),
            String::new(),
        ),
    };
    (Bilingual::new(en, zh), Bilingual::new(ren, rzh))
}

/// The text and reason of a coverage prompt.
pub fn coverage_text(
    kind: PromptKind,
    name: &Bilingual,
    weight: f64,
    minutes_left: Option<u64>,
    question: Option<(&str, &Bilingual)>,
    asked_in: &[u32],
) -> (Bilingual, Bilingual) {
    let pct = (weight * 100.0).round();
    let (left_en, left_zh) = match minutes_left {
        Some(m) => (format!("{m} min left: "), format!("还剩{m}分钟：")),
        None => (String::new(), String::new()),
    };
    let (try_en, try_zh) = match question {
        Some((id, q)) => (
            format!(": try {id} \"{}\"", q.en),
            format!("：可以问 {id}“{}”", q.zh),
        ),
        None => (String::new(), String::new()),
    };
    match kind {
        PromptKind::Uncovered => (
            Bilingual::new(
                format!("{left_en}{} ({pct} %) not yet asked{try_en}", name.en),
                format!("{left_zh}{}（{pct}%）还没问到{try_zh}", name.zh),
            ),
            Bilingual::new(
                format!("Never asked, no evidence (weight {weight:.2})."),
                format!("未提问，也没有证据（权重 {weight:.2}）。"),
            ),
        ),
        _ => {
            let turns = asked_in
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            (
                Bilingual::new(
                    format!(
                        "{left_en}{} ({pct} %) asked but no evidence yet{try_en}",
                        name.en
                    ),
                    format!("{left_zh}{}（{pct}%）问过但还没有证据{try_zh}", name.zh),
                ),
                Bilingual::new(
                    format!("Asked in turn {turns}, no concrete evidence."),
                    format!("第 {turns} 轮问过，没有具体证据。"),
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(kind: PromptKind, competency: &str, at_ms: u64) -> Prompt {
        Prompt {
            id: 0,
            kind,
            competency: competency.to_string(),
            priority: PromptPriority::Normal,
            rank: 0,
            text: Bilingual::default(),
            reason: Bilingual::default(),
            suggested_question_id: None,
            after_turn: None,
            at_ms,
        }
    }

    #[test]
    fn one_follow_up_per_turn_and_a_minimum_gap() {
        let limits = PromptLimits::default();
        let mut book = PromptBook::default();
        book.start_candidate_turn();
        assert!(
            book.raise(prompt(PromptKind::AskResult, "a", 1_000), &limits)
                .is_some()
        );
        assert!(
            book.raise(prompt(PromptKind::AskAction, "b", 1_000), &limits)
                .is_none(),
            "second in the same turn"
        );
        book.start_candidate_turn();
        assert!(
            book.raise(prompt(PromptKind::AskAction, "b", 5_000), &limits)
                .is_none(),
            "inside the gap"
        );
        assert!(
            book.raise(
                prompt(PromptKind::AskAction, "b", 1_000 + limits.min_gap_ms),
                &limits
            )
            .is_some()
        );
        // Coverage prompts are not limited per turn.
        assert!(
            book.raise(prompt(PromptKind::Uncovered, "c", 20_000), &limits)
                .is_some()
        );
        assert!(
            book.raise(prompt(PromptKind::Uncovered, "d", 20_000), &limits)
                .is_some()
        );
    }

    #[test]
    fn duplicates_are_refused_while_active_and_allowed_after_retirement() {
        let limits = PromptLimits {
            min_gap_ms: 0,
            ..PromptLimits::default()
        };
        let mut book = PromptBook::default();
        book.start_candidate_turn();
        let first = book
            .raise(prompt(PromptKind::AskOwnRole, "a", 0), &limits)
            .map(|p| p.id);
        book.start_candidate_turn();
        assert!(
            book.raise(prompt(PromptKind::AskOwnRole, "a", 10), &limits)
                .is_none()
        );
        assert_eq!(
            book.retire_where(|p| p.competency == "a"),
            first.into_iter().collect::<Vec<_>>()
        );
        assert!(
            book.raise(prompt(PromptKind::AskOwnRole, "a", 20), &limits)
                .is_some()
        );
    }

    #[test]
    fn dismissed_coverage_prompts_stay_dismissed() {
        let limits = PromptLimits::default();
        let mut book = PromptBook::default();
        let id = book
            .raise(prompt(PromptKind::Uncovered, "teamwork", 0), &limits)
            .map(|p| p.id)
            .unwrap_or(0);
        assert!(book.dismiss(id));
        assert!(!book.dismiss(id), "already gone");
        assert_eq!(book.dismissed(), &[id]);
        assert!(
            book.raise(prompt(PromptKind::Uncovered, "teamwork", 10), &limits)
                .is_none()
        );
        assert!(book.active().is_empty());
    }
}
