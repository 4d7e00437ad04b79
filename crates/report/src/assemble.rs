//! [`build_report`]: from the interview record, the job, the engine and the confirmed ratings to a
//! [`Report`]. Pure: no clock, no I/O, the same input always gives the same report.

use std::collections::BTreeMap;

use copilot_domain::{Bilingual, Interview, JobDefinition, Language};
use copilot_engine::{
    CandidateTurnKind, CompetencyCoverage, CoverageState, Engine, InterviewerTurnKind,
    RecommendationThresholds, Speaker, TurnClass, TurnRecord, overall_score,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::*;

/// The interviewer's rating of one competency, as confirmed in the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConfirmedRating {
    /// 1-5.
    pub rating: u8,
    /// Who confirmed it.
    pub by: String,
    /// Interview time at which it was confirmed.
    pub at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comment: Option<String>,
}

/// A note the interviewer typed, with its interview time (internal: never shown to the candidate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportNote {
    pub at_ms: u64,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub competency: Option<String>,
}

/// Everything a report is built from.
#[derive(Debug)]
pub struct ReportInput<'a> {
    pub report_id: String,
    pub interview: &'a Interview,
    /// The job at the interview's model version.
    pub job: &'a JobDefinition,
    /// The engine after the interview (its state and prompt history are read).
    pub engine: &'a Engine,
    /// Confirmed ratings by competency id.
    pub confirmed_ratings: &'a BTreeMap<String, ConfirmedRating>,
    /// The notes with their times (the report's source for notes: the engine keeps no note times).
    pub notes: &'a [ReportNote],
    /// RFC 3339, from the caller's clock.
    pub generated_at: String,
    pub thresholds: RecommendationThresholds,
    /// The consent record (empty until the consent flow fills it).
    pub consent: ConsentRecord,
}

/// Characters kept of an answer in the timeline.
pub const ANSWER_SUMMARY_CHARS: usize = 120;

/// Build the report. Inputs it cannot use (a rating outside 1-5, an unknown competency, a job that
/// is not the interview's) are ignored and listed in `input_issues`.
pub fn build_report(input: &ReportInput<'_>) -> Report {
    let state = input.engine.state();
    let job = input.job;
    let interview = input.interview;
    let mut issues = Vec::new();
    if job.id != interview.job_id {
        issues.push(format!(
            "the job given is `{}` but the interview was planned for `{}`: pass the interview's job at model version {}",
            job.id, interview.job_id, interview.model_version
        ));
    }
    if input.engine.job().id != job.id {
        issues.push(format!(
            "the engine ran with job `{}` but the report is for `{}`: build the report with the job the engine ran with",
            input.engine.job().id,
            job.id
        ));
    }

    let mut valid_confirmed: BTreeMap<String, &ConfirmedRating> = BTreeMap::new();
    for (id, confirmed) in input.confirmed_ratings {
        if job.competency(id).is_none() {
            issues.push(format!(
                "confirmed rating for `{id}` ignored: the job `{}` has no such competency; confirm one of its competencies",
                job.id
            ));
        } else if !(1..=5).contains(&confirmed.rating) {
            issues.push(format!(
                "confirmed rating {} for `{id}` ignored: ratings are 1-5; confirm it again on the 1-5 scale",
                confirmed.rating
            ));
        } else {
            valid_confirmed.insert(id.clone(), confirmed);
        }
    }
    for note in input.notes {
        if let Some(c) = &note.competency
            && job.competency(c).is_none()
        {
            issues.push(format!(
                "note at {} is tagged with unknown competency `{c}`: it is kept in the timeline untagged by a known competency",
                mmss(note.at_ms)
            ));
        }
    }

    let competencies: Vec<CompetencyReport> = job
        .competencies_by_weight()
        .into_iter()
        .map(|c| {
            let coverage = state.competencies.iter().find(|cc| cc.id == c.id);
            competency_report(c, coverage, valid_confirmed.get(&c.id).copied())
        })
        .collect();

    let overall = overall(job, &competencies, &input.thresholds);
    let strengths = strengths(&competencies);
    let areas_to_probe = areas_to_probe(&competencies);
    let candidate_feedback = candidate_feedback(interview.language, &strengths, &areas_to_probe);

    Report {
        schema: REPORT_SCHEMA_ID.to_string(),
        report_id: input.report_id.clone(),
        interview_id: interview.id.clone(),
        generated_at: input.generated_at.clone(),
        language: interview.language,
        candidate: ReportCandidate {
            id: interview.candidate.id.clone(),
            name: interview.candidate.name.clone(),
        },
        job: ReportJob {
            id: job.id.clone(),
            title: job.title.clone(),
            model_version: interview.model_version,
        },
        interviewers: interview.interviewers.clone(),
        times: ReportTimes {
            created_at: interview.created_at.to_rfc3339(),
            scheduled_at: interview.scheduled_at.map(|t| t.to_rfc3339()),
            started_at: interview.started_at.map(|t| t.to_rfc3339()),
            ended_at: interview.ended_at.map(|t| t.to_rfc3339()),
            planned_ms: state.planned_ms,
            duration_ms: state.now_ms,
            duration: mmss(state.now_ms),
        },
        overall,
        key_facts: key_facts(&state),
        timeline: timeline(&state, input, &competencies),
        competencies,
        strengths,
        areas_to_probe,
        consent: input.consent.clone(),
        delivery: delivery(&state),
        candidate_feedback,
        input_issues: issues,
        revisions: Vec::new(),
    }
}

/// Milliseconds as `mm:ss` (minutes keep counting past 59).
pub fn mmss(ms: u64) -> String {
    let seconds = ms / 1000;
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

pub(crate) fn anchor(c: &copilot_domain::Competency, rating: u8) -> Bilingual {
    c.anchors
        .iter()
        .find(|a| a.level == rating)
        .map(|a| Bilingual::new(a.en.clone(), a.zh.clone()))
        .unwrap_or_default()
}

fn competency_report(
    c: &copilot_domain::Competency,
    coverage: Option<&CompetencyCoverage>,
    confirmed: Option<&ConfirmedRating>,
) -> CompetencyReport {
    let evidence: Vec<EvidenceEntry> = coverage
        .map(|cov| {
            cov.evidence
                .iter()
                .enumerate()
                .map(|(i, e)| EvidenceEntry {
                    id: format!("{}/e{}", c.id, i + 1),
                    turn: e.turn,
                    start_ms: e.start_ms,
                    end_ms: e.end_ms,
                    start: mmss(e.start_ms),
                    end: mmss(e.end_ms),
                    quote: e.quote.clone(),
                    strength: e.strength,
                    unasked: e.unasked,
                    star: e.star.iter().map(|s| Star::from(*s)).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let (rating, rationale, turns) = match coverage {
        Some(cov) => (
            cov.suggested.rating,
            cov.suggested.rationale.clone(),
            cov.suggested.evidence_turns.clone(),
        ),
        None => (
            1,
            Bilingual::new(
                "Not tracked by the engine: 1 until rated.",
                "引擎未跟踪：评分前记 1 分。",
            ),
            Vec::new(),
        ),
    };
    let best = evidence.iter().map(|e| e.strength).max().unwrap_or(0);
    let mut evidence_ids: Vec<String> = evidence
        .iter()
        .filter(|e| turns.contains(&e.turn) && e.strength == best)
        .map(|e| e.id.clone())
        .collect();
    if evidence_ids.is_empty() && rating > 1 {
        // A rating above the floor always rests on quotes: link the strongest ones.
        evidence_ids = evidence
            .iter()
            .filter(|e| e.strength == best)
            .map(|e| e.id.clone())
            .collect();
    }
    let found: Vec<Star> = coverage
        .map(|cov| cov.star.iter().map(|s| Star::from(*s)).collect())
        .unwrap_or_default();
    let missing = Star::ALL
        .into_iter()
        .filter(|s| !found.contains(s))
        .collect();
    CompetencyReport {
        id: c.id.clone(),
        name: c.name.clone(),
        weight: c.weight,
        status: coverage.map_or(Coverage::Uncovered, |cov| cov.status.into()),
        asked_in_turns: coverage
            .map(|cov| cov.asked_in.iter().map(|a| a.turn).collect())
            .unwrap_or_default(),
        suggested: SuggestedEntry {
            rating,
            rationale,
            anchor: anchor(c, rating),
            evidence_ids,
        },
        confirmed: confirmed.map(|r| ConfirmedEntry {
            rating: r.rating,
            anchor: anchor(c, r.rating),
            by: r.by.clone(),
            at_ms: r.at_ms,
            at: mmss(r.at_ms),
            comment: r.comment.clone(),
            changed_suggestion: r.rating != rating,
            revised_at: None,
        }),
        evidence,
        star: StarSummary { found, missing },
        time_spent_ms: coverage.map_or(0, |cov| cov.time_spent_ms),
    }
}

fn score(s: copilot_engine::OverallScore) -> Score {
    Score {
        score: s.score,
        rated_weight: s.rated_weight,
        recommendation: s.recommendation.into(),
    }
}

pub(crate) fn overall(
    job: &JobDefinition,
    competencies: &[CompetencyReport],
    thresholds: &RecommendationThresholds,
) -> Overall {
    let confirmed: BTreeMap<String, u8> = competencies
        .iter()
        .filter_map(|c| c.confirmed.as_ref().map(|r| (c.id.clone(), r.rating)))
        .collect();
    let suggested: BTreeMap<String, u8> = competencies
        .iter()
        .map(|c| (c.id.clone(), c.suggested.rating))
        .collect();
    let total = competencies.len() as u32;
    let count = confirmed.len() as u32;
    Overall {
        status: if count == 0 {
            OverallStatus::Pending
        } else if count == total {
            OverallStatus::Complete
        } else {
            OverallStatus::Partial
        },
        confirmed: overall_score(job, &confirmed, thresholds).map(score),
        provisional: overall_score(job, &suggested, thresholds).map(score),
        confirmed_count: count,
        competency_count: total,
        unconfirmed: competencies
            .iter()
            .filter(|c| c.confirmed.is_none())
            .map(|c| c.id.clone())
            .collect(),
        advance_at: thresholds.advance,
        decline_below: thresholds.decline,
    }
}

/// Interview time of a byte offset in a turn, by linear interpolation over the turn.
fn time_in_turn(turn: &TurnRecord, byte: usize) -> u64 {
    let len = turn.text.len();
    if len == 0 {
        return turn.start_ms;
    }
    let span = turn.end_ms.saturating_sub(turn.start_ms) as f64;
    turn.start_ms + (span * byte.min(len) as f64 / len as f64).round() as u64
}

fn key_facts(state: &CoverageState) -> Vec<FactEntry> {
    state
        .key_facts
        .iter()
        .map(|f| {
            let at_ms = state
                .turns
                .iter()
                .find(|t| t.index == f.turn)
                .map_or(0, |t| time_in_turn(t, f.start));
            FactEntry {
                fact_type: f.fact_type.as_str().to_string(),
                value: f.value,
                unit: f.unit.clone(),
                approx: f.approx,
                quote: f.text.clone(),
                turn: f.turn,
                at_ms,
                at: mmss(at_ms),
            }
        })
        .collect()
}

/// The first `max` characters of a text, cut at a word boundary where one is near, with `…`.
pub fn summarise(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let trimmed = match cut.rfind(' ') {
        Some(space) if cut[..space].chars().count() * 4 >= max * 3 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", trimmed.trim_end_matches([' ', ',', '，', '、']))
}

fn interviewer_kind(kind: InterviewerTurnKind) -> &'static str {
    match kind {
        InterviewerTurnKind::SmallTalk => "small_talk",
        InterviewerTurnKind::Other => "other",
        InterviewerTurnKind::Question => "question",
        InterviewerTurnKind::FollowUp => "follow_up",
        InterviewerTurnKind::Redirect => "redirect",
        InterviewerTurnKind::Closing => "closing",
    }
}

fn quality_str(quality: copilot_engine::AnswerQuality) -> &'static str {
    use copilot_engine::AnswerQuality::*;
    match quality {
        Strong => "strong",
        Partial => "partial",
        Vague => "vague",
        WeNotI => "we_not_i",
        Evasive => "evasive",
        OffTopic => "off_topic",
    }
}

fn timeline(
    state: &CoverageState,
    input: &ReportInput<'_>,
    competencies: &[CompetencyReport],
) -> Vec<TimelineEntry> {
    // (time, order within the same time, entry): turns first, then prompts, then notes.
    let mut entries: Vec<(u64, u8, u64, TimelineEntry)> = Vec::new();
    for turn in &state.turns {
        let entry = match (&turn.speaker, &turn.class) {
            (
                Speaker::Interviewer,
                TurnClass::Interviewer {
                    kind,
                    asks,
                    bank_question_id,
                    ..
                },
            ) => TimelineEntry::Question {
                turn: turn.index,
                at_ms: turn.start_ms,
                at: mmss(turn.start_ms),
                kind: interviewer_kind(*kind).to_string(),
                text: turn.text.clone(),
                asks: asks.clone(),
                bank_question_id: bank_question_id.clone(),
                bank_question: bank_question_id.as_ref().and_then(|id| {
                    input
                        .job
                        .questions
                        .iter()
                        .find(|q| &q.id == id)
                        .map(|q| Bilingual::new(q.en.clone(), q.zh.clone()))
                }),
            },
            (Speaker::Candidate, TurnClass::Candidate { kind, quality }) => TimelineEntry::Answer {
                turn: turn.index,
                at_ms: turn.start_ms,
                at: mmss(turn.start_ms),
                end_ms: turn.end_ms,
                summary: summarise(&turn.text, ANSWER_SUMMARY_CHARS),
                quality: quality.map(|q| quality_str(q).to_string()).or_else(|| {
                    (*kind == CandidateTurnKind::QuestionToInterviewer)
                        .then(|| "question_to_interviewer".to_string())
                }),
                evidences: competencies
                    .iter()
                    .filter(|c| c.evidence.iter().any(|e| e.turn == turn.index))
                    .map(|c| c.id.clone())
                    .collect(),
            },
            _ => continue,
        };
        entries.push((turn.start_ms, 0, u64::from(turn.index), entry));
    }
    for prompt in input.engine.prompt_history() {
        entries.push((
            prompt.at_ms,
            1,
            u64::from(prompt.id),
            TimelineEntry::Prompt {
                id: prompt.id,
                at_ms: prompt.at_ms,
                at: mmss(prompt.at_ms),
                kind: prompt.kind.as_str().to_string(),
                competency: prompt.competency.clone(),
                text: prompt.text.clone(),
                dismissed: state.dismissed_prompts.contains(&prompt.id),
            },
        ));
    }
    for (i, note) in input.notes.iter().enumerate() {
        entries.push((
            note.at_ms,
            2,
            i as u64,
            TimelineEntry::Note {
                at_ms: note.at_ms,
                at: mmss(note.at_ms),
                text: note.text.clone(),
                competency: note.competency.clone(),
            },
        ));
    }
    entries.sort_by_key(|(at, order, seq, _)| (*at, *order, *seq));
    entries.into_iter().map(|(_, _, _, e)| e).collect()
}

pub(crate) fn strengths(competencies: &[CompetencyReport]) -> Vec<Strength> {
    competencies
        .iter()
        .filter(|c| c.status == Coverage::Evidenced)
        .filter_map(|c| {
            let strength = c.evidence.iter().map(|e| e.strength).max().unwrap_or(0);
            let rating = c.effective_rating();
            if strength < 3 && rating < 4 {
                return None;
            }
            let reason = if strength >= 3 {
                Bilingual::new(
                    "A concrete episode with the candidate's own actions and an outcome.",
                    "有具体事例、本人行动和结果。",
                )
            } else {
                Bilingual::new(
                    format!("Rated {rating} of 5 by the interviewer."),
                    format!("面试官评为 {rating} 分（满分 5 分）。"),
                )
            };
            Some(Strength {
                competency: c.id.clone(),
                name: c.name.clone(),
                reason,
            })
        })
        .collect()
}

fn star_list(parts: &[Star], language: Language) -> String {
    let sep = match language {
        Language::En => ", ",
        Language::Zh => "、",
    };
    parts
        .iter()
        .map(|p| p.name().get(language).to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

fn areas_to_probe(competencies: &[CompetencyReport]) -> Vec<ProbeArea> {
    let mut areas = Vec::new();
    for c in competencies {
        let (kind, missing, text) = match c.status {
            Coverage::AskedNotEvidenced => (
                ProbeKind::NotEvidenced,
                Vec::new(),
                Bilingual::new(
                    "Asked, but the answers gave no usable evidence: ask for a specific example.",
                    "问过，但回答中没有可用的证据：请追问一个具体例子。",
                ),
            ),
            Coverage::Uncovered => (
                ProbeKind::Uncovered,
                Vec::new(),
                Bilingual::new(
                    "Not covered in this interview: ask about it in the next round.",
                    "本次面试未涉及：请在下一轮询问。",
                ),
            ),
            Coverage::Evidenced => {
                if c.star.missing.is_empty() {
                    continue;
                }
                let missing = c.star.missing.clone();
                let text = Bilingual::new(
                    format!(
                        "Evidenced, but the examples lacked: {}.",
                        star_list(&missing, Language::En)
                    ),
                    format!(
                        "有证据，但事例缺少：{}。",
                        star_list(&missing, Language::Zh)
                    ),
                );
                (ProbeKind::MissingStar, missing, text)
            }
        };
        areas.push(ProbeArea {
            competency: c.id.clone(),
            name: c.name.clone(),
            kind,
            missing,
            text,
        });
    }
    areas
}

pub(crate) fn candidate_feedback(
    language: Language,
    strengths: &[Strength],
    areas: &[ProbeArea],
) -> CandidateFeedback {
    let strength_lines = strengths
        .iter()
        .map(|s| {
            let name = s.name.get(language);
            match language {
                Language::En => format!("{name}: you described a concrete example of your own, with what you did and how it turned out."),
                Language::Zh => format!("{name}：您讲述了本人亲历的具体事例，说明了您的做法和结果。"),
            }
        })
        .collect();
    let development_lines = areas
        .iter()
        .map(|a| {
            let name = a.name.get(language);
            match (language, a.kind) {
                (Language::En, ProbeKind::MissingStar) => format!(
                    "{name}: your examples could say more about the {}.",
                    star_list(&a.missing, language)
                ),
                (Language::Zh, ProbeKind::MissingStar) => format!(
                    "{name}：您的事例可以多讲一些{}。",
                    star_list(&a.missing, language)
                ),
                (Language::En, ProbeKind::NotEvidenced) => format!(
                    "{name}: a specific example from your own experience would help show this."
                ),
                (Language::Zh, ProbeKind::NotEvidenced) => {
                    format!("{name}：如能举一个本人亲历的具体例子，会更有说服力。")
                }
                (Language::En, ProbeKind::Uncovered) => {
                    format!("{name}: we did not have time to discuss this; it may come up later.")
                }
                (Language::Zh, ProbeKind::Uncovered) => {
                    format!("{name}：本次没有时间讨论，之后可能会谈到。")
                }
            }
        })
        .collect();
    let (greeting, closing) = match language {
        Language::En => (
            "Thank you for taking the time to talk with us. Here is a short summary of the conversation.",
            "Thank you again for your time.",
        ),
        Language::Zh => (
            "感谢您抽出时间参加面试。以下是本次交流的简要总结。",
            "再次感谢您的时间。",
        ),
    };
    CandidateFeedback {
        language,
        greeting: greeting.to_string(),
        strengths: strength_lines,
        development_areas: development_lines,
        closing: closing.to_string(),
    }
}

fn delivery(state: &CoverageState) -> DeliverySection {
    DeliverySection {
        notice: Bilingual::new(
            "Information only: speaking pace and pauses are never used in any rating or score.",
            "仅供参考：语速和停顿从不计入任何评分。",
        ),
        interviewer_ms: state.talk_time.interviewer_ms,
        candidate_ms: state.talk_time.candidate_ms,
        interviewer_to_candidate: state.talk_time.interviewer_to_candidate,
        answers: state
            .delivery
            .iter()
            .map(|d| DeliveryEntry {
                turn: d.turn,
                rate_per_minute: d.rate_per_minute,
                rate_unit: d.rate_unit.clone(),
                pauses: d.pauses,
                longest_pause_ms: d.longest_pause_ms,
                duration_ms: d.duration_ms,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmss_counts_minutes_past_the_hour() {
        assert_eq!(mmss(0), "00:00");
        assert_eq!(mmss(61_999), "01:01");
        assert_eq!(mmss(3_725_000), "62:05");
    }

    #[test]
    fn summaries_cut_at_words_and_characters() {
        assert_eq!(summarise("short answer", 120), "short answer");
        let long = "word ".repeat(40);
        let s = summarise(&long, 20);
        assert!(s.ends_with('…') && s.chars().count() <= 21, "{s}");
        assert!(!s.contains("wor…"), "cut at a word boundary: {s}");
        let zh = "我们".repeat(100);
        assert_eq!(summarise(&zh, 10).chars().count(), 11);
    }
}
