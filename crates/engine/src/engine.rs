//! The engine: turns transcript segments into turns, classifies them, keeps the coverage state and
//! raises prompts. Pure and deterministic: same inputs, same events.

use copilot_domain::{Bilingual, JobDefinition, Language};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::evidence::{self, AnswerReading};
use crate::facts::{self, KeyFact};
use crate::matching::{self, LexicalModel, MatchThresholds, SimilarityModel};
use crate::prompts::{
    self, Prompt, PromptBook, PromptKind, PromptLimits, PromptPriority, RetireReason,
};
use crate::rating::{self, RecommendationThresholds};
use crate::text::{self, KeywordMatcher};
use crate::types::*;

/// Settings of one interview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EngineConfig {
    /// The planned length, for "time left" and coverage prompts.
    pub planned_ms: u64,
    /// Fixed language, or `None` to take it from each segment (or detect it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub language: Option<Language>,
    pub limits: PromptLimits,
    pub thresholds: MatchThresholds,
    /// Strength from which a competency counts as evidenced.
    pub evidence_threshold: u8,
    /// Distinct keywords an answer needs to count as evidence for a competency it was not asked about.
    pub unasked_min_keywords: u32,
    /// Minutes-left marks that raise a time warning.
    pub time_warnings_minutes: Vec<u32>,
    /// Gaps between segments of one turn from this length count as pauses.
    pub pause_threshold_ms: u64,
    pub recommendation: RecommendationThresholds,
}

impl EngineConfig {
    pub fn for_minutes(minutes: u32) -> EngineConfig {
        EngineConfig {
            planned_ms: u64::from(minutes) * 60_000,
            ..EngineConfig::default()
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            planned_ms: 30 * 60_000,
            language: None,
            limits: PromptLimits::default(),
            thresholds: MatchThresholds::default(),
            evidence_threshold: 2,
            unasked_min_keywords: 3,
            time_warnings_minutes: vec![5, 2, 0],
            pause_threshold_ms: 1_500,
            recommendation: RecommendationThresholds::default(),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct CompetencyTrack {
    asked_in: Vec<AskedIn>,
    evidence: Vec<EvidenceQuote>,
    max_strength: u8,
    star: Vec<StarPart>,
    specificity: Specificity,
    figures: u32,
    time_spent_ms: u64,
    manual_rating: Option<u8>,
    notes: Vec<String>,
}

#[derive(Debug, Clone)]
struct PendingTurn {
    speaker: Speaker,
    segments: Vec<TranscriptSegment>,
}

/// The live copilot for one interview.
#[derive(Debug)]
pub struct Engine {
    job: JobDefinition,
    config: EngineConfig,
    keywords: KeywordMatcher,
    model: Box<dyn SimilarityModel>,
    tracks: Vec<CompetencyTrack>,
    pending: Option<PendingTurn>,
    turns: Vec<TurnRecord>,
    prompts: PromptBook,
    /// Competencies asked by the last interviewer turn.
    last_asks: Vec<usize>,
    last_interviewer_kind: Option<InterviewerTurnKind>,
    current: Option<usize>,
    previous_answer: Option<AnswerQuality>,
    /// The last answer's text, so a follow-up answer is read as the completed story.
    previous_answer_text: Option<String>,
    closing_seen: bool,
    key_facts: Vec<KeyFact>,
    delivery: Vec<DeliveryMetrics>,
    talk: TalkTime,
    notes: Vec<String>,
    now_ms: u64,
    ended: bool,
    warned: Vec<u32>,
    last_status: Vec<CoverageStatus>,
    last_rating: Vec<u8>,
}

impl Engine {
    pub fn new(job: &JobDefinition, config: EngineConfig) -> Engine {
        let model = Box::new(LexicalModel::new(job));
        Engine::with_similarity(job, config, model)
    }

    /// An engine with another similarity model (e.g. sentence embeddings).
    pub fn with_similarity(
        job: &JobDefinition,
        config: EngineConfig,
        model: Box<dyn SimilarityModel>,
    ) -> Engine {
        let n = job.competencies.len();
        Engine {
            keywords: KeywordMatcher::new(&job.competencies),
            job: job.clone(),
            config,
            model,
            tracks: vec![CompetencyTrack::default(); n],
            pending: None,
            turns: Vec::new(),
            prompts: PromptBook::default(),
            last_asks: Vec::new(),
            last_interviewer_kind: None,
            current: None,
            previous_answer: None,
            previous_answer_text: None,
            closing_seen: false,
            key_facts: Vec::new(),
            delivery: Vec::new(),
            talk: TalkTime::default(),
            notes: Vec::new(),
            now_ms: 0,
            ended: false,
            warned: Vec::new(),
            last_status: vec![CoverageStatus::Uncovered; n],
            last_rating: vec![1; n],
        }
    }

    pub fn job(&self) -> &JobDefinition {
        &self.job
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Every prompt raised so far (active or not), in order.
    pub fn prompt_history(&self) -> &[Prompt] {
        self.prompts.history()
    }

    pub fn apply(&mut self, input: EngineInput) -> Vec<EngineEvent> {
        let mut events = Vec::new();
        if self.ended {
            events.push(EngineEvent::InputRejected {
                reason: "the interview has ended: start a new engine for a new interview"
                    .to_string(),
            });
            return events;
        }
        match input {
            EngineInput::Segment(segment) => {
                if segment.end_ms < segment.start_ms {
                    events.push(EngineEvent::InputRejected {
                        reason: format!(
                            "segment ends ({} ms) before it starts ({} ms): send start_ms <= end_ms",
                            segment.end_ms, segment.start_ms
                        ),
                    });
                    return events;
                }
                if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.speaker != segment.speaker)
                {
                    self.close_turn(&mut events);
                }
                self.advance_clock(segment.end_ms);
                match &mut self.pending {
                    Some(p) => p.segments.push(segment),
                    None => {
                        self.pending = Some(PendingTurn {
                            speaker: segment.speaker,
                            segments: vec![segment],
                        })
                    }
                }
            }
            EngineInput::TurnEnd { speaker, at_ms } => {
                self.advance_clock(at_ms);
                if self.pending.as_ref().is_some_and(|p| p.speaker == speaker) {
                    self.close_turn(&mut events);
                }
            }
            EngineInput::Tick { at_ms } => {
                self.advance_clock(at_ms);
                self.after_time_passes(&mut events);
            }
            EngineInput::Note {
                at_ms,
                text,
                competency,
            } => {
                self.advance_clock(at_ms);
                match competency {
                    Some(id) => match self.index_of(&id) {
                        Some(c) => {
                            self.tracks[c].notes.push(text);
                            events.push(EngineEvent::NoteRecorded {
                                at_ms,
                                competency: Some(id),
                            });
                        }
                        None => events.push(self.unknown_competency(&id)),
                    },
                    None => {
                        self.notes.push(text);
                        events.push(EngineEvent::NoteRecorded {
                            at_ms,
                            competency: None,
                        });
                    }
                }
            }
            EngineInput::ManualRating {
                competency,
                rating,
                at_ms,
            } => {
                self.advance_clock(at_ms);
                match self.index_of(&competency) {
                    Some(_) if !(1..=5).contains(&rating) => events.push(EngineEvent::InputRejected {
                        reason: format!("rating {rating} for {competency} is outside 1-5: use a value on the 1-5 anchors"),
                    }),
                    Some(c) => {
                        self.tracks[c].manual_rating = Some(rating);
                        events.push(EngineEvent::ManualRatingRecorded { competency, rating });
                    }
                    None => events.push(self.unknown_competency(&competency)),
                }
            }
            EngineInput::DismissPrompt { prompt_id, at_ms } => {
                self.advance_clock(at_ms);
                if self.prompts.dismiss(prompt_id) {
                    events.push(EngineEvent::PromptRetired {
                        prompt_id,
                        reason: RetireReason::Dismissed,
                        at_ms,
                    });
                } else {
                    events.push(EngineEvent::InputRejected {
                        reason: format!("prompt {prompt_id} is not active: dismiss one of the active prompts in the state"),
                    });
                }
            }
            EngineInput::End { at_ms } => {
                self.advance_clock(at_ms);
                if self.pending.is_some() {
                    self.close_turn(&mut events);
                }
                self.ended = true;
                self.coverage_prompts(&mut events);
                events.push(EngineEvent::Ended { at_ms: self.now_ms });
            }
        }
        events
    }

    fn unknown_competency(&self, id: &str) -> EngineEvent {
        let known: Vec<&str> = self
            .job
            .competencies
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        EngineEvent::InputRejected {
            reason: format!(
                "competency {id:?} is not in job {}: use one of {}",
                self.job.id,
                known.join(", ")
            ),
        }
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.job.competencies.iter().position(|c| c.id == id)
    }

    fn advance_clock(&mut self, at_ms: u64) {
        self.now_ms = self.now_ms.max(at_ms);
    }

    fn after_time_passes(&mut self, events: &mut Vec<EngineEvent>) {
        let planned = self.config.planned_ms;
        let mut marks = self.config.time_warnings_minutes.clone();
        marks.sort_unstable_by(|a, b| b.cmp(a));
        for m in marks {
            let at = planned.saturating_sub(u64::from(m) * 60_000);
            if self.now_ms >= at && !self.warned.contains(&m) {
                self.warned.push(m);
                let text = if m == 0 {
                    Bilingual::new("Planned time is up.", "计划时间已到。")
                } else {
                    Bilingual::new(format!("{m} min left."), format!("还剩{m}分钟。"))
                };
                events.push(EngineEvent::TimeWarning {
                    minutes_left: m,
                    at_ms: self.now_ms,
                    text,
                });
            }
        }
        self.coverage_prompts(events);
    }

    fn close_turn(&mut self, events: &mut Vec<EngineEvent>) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let index = self.turns.len() as u32;
        let start_ms = pending
            .segments
            .iter()
            .map(|s| s.start_ms)
            .min()
            .unwrap_or(self.now_ms);
        let end_ms = pending
            .segments
            .iter()
            .map(|s| s.end_ms)
            .max()
            .unwrap_or(self.now_ms);
        let joined_probe: String = pending.segments.iter().map(|s| s.text.as_str()).collect();
        let language = self
            .config
            .language
            .or_else(|| pending.segments.iter().find_map(|s| s.language))
            .unwrap_or_else(|| text::detect_language(&joined_probe));
        let separator = if language == Language::Zh { "" } else { " " };
        let turn_text = pending
            .segments
            .iter()
            .map(|s| s.text.trim())
            .collect::<Vec<_>>()
            .join(separator);
        let spoken: u64 = pending.segments.iter().map(|s| s.end_ms - s.start_ms).sum();
        let mut turn_events = Vec::new();
        let class = match pending.speaker {
            Speaker::Interviewer => {
                self.talk.interviewer_ms += spoken;
                self.interviewer_turn(index, &turn_text, language, &mut turn_events)
            }
            Speaker::Candidate => {
                self.talk.candidate_ms += spoken;
                self.candidate_turn(
                    index,
                    &turn_text,
                    language,
                    start_ms,
                    end_ms,
                    &pending.segments,
                    &mut turn_events,
                )
            }
            Speaker::Unknown => TurnClass::Unknown,
        };
        self.talk.interviewer_to_candidate = if self.talk.candidate_ms == 0 {
            0.0
        } else {
            round3(self.talk.interviewer_ms as f64 / self.talk.candidate_ms as f64)
        };
        events.push(EngineEvent::TurnClassified {
            turn: index,
            class: class.clone(),
            at_ms: end_ms,
        });
        events.extend(turn_events);
        self.turns.push(TurnRecord {
            index,
            speaker: pending.speaker,
            start_ms,
            end_ms,
            language,
            text: turn_text,
            class,
        });
        self.status_events(events);
        self.after_time_passes(events);
    }

    fn interviewer_turn(
        &mut self,
        index: u32,
        turn_text: &str,
        language: Language,
        events: &mut Vec<EngineEvent>,
    ) -> TurnClass {
        let reading = {
            let ctx = matching::Context {
                job: &self.job,
                keywords: &self.keywords,
                model: self.model.as_ref(),
                thresholds: &self.config.thresholds,
                current: self.current,
                after_answer: self.previous_answer.is_some(),
                previous_off_topic: self.previous_answer == Some(AnswerQuality::OffTopic),
            };
            matching::classify_interviewer(turn_text, language, &ctx)
        };
        // Follow-up prompts were for this moment: the interviewer has spoken.
        for id in self.prompts.retire_where(|p| !p.kind.is_coverage()) {
            events.push(EngineEvent::PromptRetired {
                prompt_id: id,
                reason: RetireReason::InterviewerMovedOn,
                at_ms: self.now_ms,
            });
        }
        let bank_id = reading
            .bank_question
            .map(|q| self.job.questions[q].id.clone());
        for &c in &reading.asks {
            let asked = AskedIn {
                turn: index,
                bank_question_id: bank_id.clone(),
                similarity: reading.similarity,
            };
            self.tracks[c].asked_in.push(asked);
            events.push(EngineEvent::CompetencyAsked {
                competency: self.job.competencies[c].id.clone(),
                turn: index,
                bank_question_id: bank_id.clone(),
                similarity: reading.similarity,
            });
        }
        if reading.kind == InterviewerTurnKind::Closing {
            self.closing_seen = true;
        }
        if let Some(&first) = reading.asks.first() {
            self.current = Some(first);
        }
        self.last_asks = reading.asks.clone();
        self.last_interviewer_kind = Some(reading.kind);
        self.previous_answer = None;
        if reading.kind != InterviewerTurnKind::FollowUp {
            self.previous_answer_text = None;
        }
        TurnClass::Interviewer {
            kind: reading.kind,
            asks: reading
                .asks
                .iter()
                .map(|c| self.job.competencies[*c].id.clone())
                .collect(),
            bank_question_id: bank_id,
            similarity: reading.similarity,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn candidate_turn(
        &mut self,
        index: u32,
        turn_text: &str,
        language: Language,
        start_ms: u64,
        end_ms: u64,
        segments: &[TranscriptSegment],
        events: &mut Vec<EngineEvent>,
    ) -> TurnClass {
        self.prompts.start_candidate_turn();
        let sentences = text::sentences(turn_text);
        let question_share = if sentences.is_empty() {
            0.0
        } else {
            sentences.iter().filter(|s| s.is_question).count() as f64 / sentences.len() as f64
        };
        let kind = match self.last_interviewer_kind {
            _ if self.closing_seen || question_share >= 0.5 => {
                CandidateTurnKind::QuestionToInterviewer
            }
            None | Some(InterviewerTurnKind::SmallTalk) => CandidateTurnKind::SmallTalk,
            Some(InterviewerTurnKind::Other) | Some(InterviewerTurnKind::Closing) => {
                CandidateTurnKind::Other
            }
            Some(_) if self.last_asks.is_empty() => CandidateTurnKind::Other,
            Some(_) => CandidateTurnKind::Answer,
        };
        if matches!(kind, CandidateTurnKind::Answer | CandidateTurnKind::Other) {
            for f in facts::extract(turn_text, language, index) {
                events.push(EngineEvent::KeyFact(f.clone()));
                self.key_facts.push(f);
            }
        }
        if kind != CandidateTurnKind::Answer {
            return TurnClass::Candidate {
                kind,
                quality: None,
            };
        }
        let figures = self.key_facts.iter().filter(|f| f.turn == index).count() as u32;
        // Distinct keywords per competency over the answer.
        let mut distinct: Vec<Vec<String>> = vec![Vec::new(); self.job.competencies.len()];
        let mut per_sentence: Vec<Vec<usize>> = Vec::new();
        for s in &sentences {
            let hits = self.keywords.hits(&s.text, language);
            per_sentence.push(hits.iter().map(|h| h.competency).collect());
            for h in hits {
                if !distinct[h.competency].contains(&h.keyword) {
                    distinct[h.competency].push(h.keyword);
                }
            }
        }
        let asked = self.last_asks.clone();
        let primary = asked.first().copied();
        let mut primary_reading: Option<AnswerReading> = None;
        let duration = end_ms.saturating_sub(start_ms);
        for (c, found) in distinct.iter().enumerate() {
            let hits = found.len() as u32;
            let is_asked = asked.contains(&c);
            if !is_asked && hits < self.config.unasked_min_keywords {
                continue;
            }
            let mut reading = evidence::read_answer(turn_text, language, hits, figures);
            // A follow-up answer completes the story it follows: judge the strength on both,
            // keep the STAR parts of this turn's own text.
            if is_asked
                && self.last_interviewer_kind == Some(InterviewerTurnKind::FollowUp)
                && let Some(previous) = &self.previous_answer_text
            {
                let separator = if language == Language::Zh { "" } else { " " };
                let story = format!("{previous}{separator}{turn_text}");
                let whole = evidence::read_answer(&story, language, hits, figures);
                if whole.strength > reading.strength {
                    reading.strength = whole.strength;
                    reading.quality = whole.quality;
                }
            }
            let strength = if is_asked {
                reading.strength
            } else {
                // Evidence the question did not aim at counts as moderate at most.
                match reading.quality {
                    AnswerQuality::OffTopic | AnswerQuality::Evasive => 0,
                    _ => reading.strength.min(2),
                }
            };
            if is_asked {
                self.tracks[c].time_spent_ms += duration;
            }
            if Some(c) == primary {
                primary_reading = Some(reading.clone());
            }
            if strength == 0 {
                continue;
            }
            let quote = best_quote(turn_text, &sentences, &per_sentence, c);
            let (q_start, q_end) = quote_times(start_ms, end_ms, turn_text.len(), quote.1, quote.2);
            let evidence = EvidenceQuote {
                turn: index,
                start_ms: q_start,
                end_ms: q_end,
                quote: quote.0,
                strength,
                unasked: !is_asked,
                star: reading.star.clone(),
            };
            let track = &mut self.tracks[c];
            track.max_strength = track.max_strength.max(strength);
            track.evidence.push(evidence.clone());
            track.figures += figures;
            track.specificity.numbers += reading.numbers;
            track.specificity.first_person_singular += reading.first_person_singular;
            track.specificity.first_person_plural += reading.first_person_plural;
            let total =
                track.specificity.first_person_singular + track.specificity.first_person_plural;
            track.specificity.singular_ratio = if total == 0 {
                0.0
            } else {
                round3(f64::from(track.specificity.first_person_singular) / f64::from(total))
            };
            let competency = self.job.competencies[c].id.clone();
            events.push(EngineEvent::EvidenceAdded {
                competency: competency.clone(),
                quote: evidence,
            });
            let before = track.star.clone();
            for p in &reading.star {
                if !track.star.contains(p) {
                    track.star.push(*p);
                }
            }
            track.star.sort();
            if track.star != before {
                events.push(EngineEvent::StarUpdated {
                    competency,
                    star: track.star.clone(),
                });
            }
        }
        let quality = primary_reading.as_ref().map(|r| r.quality);
        self.previous_answer = quality.or(Some(AnswerQuality::Partial));
        self.previous_answer_text = Some(turn_text.to_string());
        if let (Some(c), Some(r)) = (primary, primary_reading.as_ref()) {
            let kind = PromptKind::follow_up_for(
                r.quality,
                r.episode_markers > 0,
                r.star.contains(&StarPart::A),
                r.star.contains(&StarPart::R),
                r.numbers > 0,
            );
            if let Some(kind) = kind {
                let name = self.job.competencies[c].name.clone();
                let (text, reason) = prompts::follow_up_text(kind, &name);
                let prompt = Prompt {
                    id: 0,
                    kind,
                    competency: self.job.competencies[c].id.clone(),
                    priority: if kind == PromptKind::AskResult {
                        PromptPriority::Normal
                    } else {
                        PromptPriority::High
                    },
                    rank: 0,
                    text,
                    reason,
                    suggested_question_id: None,
                    after_turn: Some(index),
                    at_ms: end_ms,
                };
                if let Some(p) = self.prompts.raise(prompt, &self.config.limits) {
                    events.push(EngineEvent::Prompt(p));
                }
            }
        }
        if let Some(m) = delivery(
            index,
            language,
            turn_text,
            segments,
            self.config.pause_threshold_ms,
        ) {
            events.push(EngineEvent::Delivery(m.clone()));
            self.delivery.push(m);
        }
        TurnClass::Candidate { kind, quality }
    }

    fn status_of(&self, c: usize) -> CoverageStatus {
        let t = &self.tracks[c];
        if t.max_strength >= self.config.evidence_threshold {
            CoverageStatus::Evidenced
        } else if !t.asked_in.is_empty() {
            CoverageStatus::AskedNotEvidenced
        } else {
            CoverageStatus::Uncovered
        }
    }

    fn suggested(&self, c: usize) -> SuggestedRating {
        let t = &self.tracks[c];
        let has_evidence = !t.evidence.is_empty() || !t.asked_in.is_empty();
        let (rating, rationale) = rating::suggest(t.max_strength, has_evidence, &t.star, t.figures);
        let best = t.evidence.iter().map(|e| e.strength).max().unwrap_or(0);
        SuggestedRating {
            rating,
            rationale,
            evidence_turns: t
                .evidence
                .iter()
                .filter(|e| e.strength == best)
                .map(|e| e.turn)
                .collect(),
        }
    }

    fn status_events(&mut self, events: &mut Vec<EngineEvent>) {
        for c in 0..self.job.competencies.len() {
            let status = self.status_of(c);
            if status != self.last_status[c] {
                self.last_status[c] = status;
                events.push(EngineEvent::StatusChanged {
                    competency: self.job.competencies[c].id.clone(),
                    status,
                });
            }
            let rating = self.suggested(c).rating;
            if rating != self.last_rating[c] {
                self.last_rating[c] = rating;
                events.push(EngineEvent::SuggestedRatingChanged {
                    competency: self.job.competencies[c].id.clone(),
                    rating,
                });
            }
        }
    }

    /// Raise and retire uncovered / not-evidenced prompts.
    fn coverage_prompts(&mut self, events: &mut Vec<EngineEvent>) {
        // Retire the ones that no longer hold.
        let statuses: Vec<(String, CoverageStatus)> = (0..self.job.competencies.len())
            .map(|c| (self.job.competencies[c].id.clone(), self.status_of(c)))
            .collect();
        let retired = self.prompts.retire_where(|p| {
            let status = statuses
                .iter()
                .find(|(id, _)| *id == p.competency)
                .map(|(_, s)| *s);
            match p.kind {
                PromptKind::Uncovered => status != Some(CoverageStatus::Uncovered),
                PromptKind::NotEvidenced => status != Some(CoverageStatus::AskedNotEvidenced),
                _ => false,
            }
        });
        for id in retired {
            events.push(EngineEvent::PromptRetired {
                prompt_id: id,
                reason: RetireReason::Resolved,
                at_ms: self.now_ms,
            });
        }
        // Coverage prompts start at the closing, past a share of the planned time, or once at most
        // two competencies are left unasked (short interviews reach that before the clock does).
        let asked_count = self
            .tracks
            .iter()
            .filter(|t| !t.asked_in.is_empty())
            .count();
        let phase = self.ended
            || self.closing_seen
            || self.now_ms as f64
                >= self.config.limits.coverage_from_fraction * self.config.planned_ms as f64
            || (asked_count > 0 && asked_count + 2 >= self.job.competencies.len());
        if !phase {
            return;
        }
        let minutes_left = (!self.ended).then(|| {
            self.config
                .planned_ms
                .saturating_sub(self.now_ms)
                .div_ceil(60_000)
        });
        let asked_questions: Vec<&str> = self
            .tracks
            .iter()
            .flat_map(|t| {
                t.asked_in
                    .iter()
                    .filter_map(|a| a.bank_question_id.as_deref())
            })
            .collect();
        let order: Vec<usize> = {
            let mut o: Vec<usize> = (0..self.job.competencies.len()).collect();
            o.sort_by(|a, b| {
                let (ca, cb) = (&self.job.competencies[*a], &self.job.competencies[*b]);
                cb.weight
                    .total_cmp(&ca.weight)
                    .then_with(|| ca.id.cmp(&cb.id))
            });
            o
        };
        let mut rank = 0;
        let mut raised = Vec::new();
        for c in order {
            let status = self.status_of(c);
            let kind = match status {
                CoverageStatus::Uncovered => PromptKind::Uncovered,
                // The competency under discussion is flagged only once its answer was dodged.
                CoverageStatus::AskedNotEvidenced
                    if self.current != Some(c)
                        || self.closing_seen
                        || self.ended
                        || self.previous_answer == Some(AnswerQuality::Evasive) =>
                {
                    PromptKind::NotEvidenced
                }
                _ => continue,
            };
            let comp = &self.job.competencies[c];
            let question = self
                .job
                .questions
                .iter()
                .find(|q| q.competency == comp.id && !asked_questions.contains(&q.id.as_str()));
            let question_text = question.map(|q| Bilingual::new(q.en.clone(), q.zh.clone()));
            let asked_in: Vec<u32> = self.tracks[c].asked_in.iter().map(|a| a.turn).collect();
            let (text, reason) = prompts::coverage_text(
                kind,
                &comp.name,
                comp.weight,
                minutes_left,
                question
                    .zip(question_text.as_ref())
                    .map(|(q, t)| (q.id.as_str(), t)),
                &asked_in,
            );
            let prompt = Prompt {
                id: 0,
                kind,
                competency: comp.id.clone(),
                priority: if rank == 0 {
                    PromptPriority::High
                } else {
                    PromptPriority::Normal
                },
                rank,
                text,
                reason,
                suggested_question_id: question.map(|q| q.id.clone()),
                after_turn: None,
                at_ms: self.now_ms,
            };
            rank += 1;
            raised.push(prompt);
        }
        for p in raised {
            if let Some(p) = self.prompts.raise(p, &self.config.limits) {
                events.push(EngineEvent::Prompt(p));
            }
        }
    }

    /// The whole live state.
    pub fn state(&self) -> CoverageState {
        let mut order: Vec<usize> = (0..self.job.competencies.len()).collect();
        order.sort_by(|a, b| {
            let (ca, cb) = (&self.job.competencies[*a], &self.job.competencies[*b]);
            cb.weight
                .total_cmp(&ca.weight)
                .then_with(|| ca.id.cmp(&cb.id))
        });
        let mut competencies = Vec::new();
        let (mut asked, mut evidenced, mut asked_not_evidenced, mut uncovered) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut evidenced_weight = 0.0;
        for c in order {
            let comp = &self.job.competencies[c];
            let t = &self.tracks[c];
            let status = self.status_of(c);
            if !t.asked_in.is_empty() {
                asked.push(comp.id.clone());
            }
            match status {
                CoverageStatus::Evidenced => {
                    evidenced.push(comp.id.clone());
                    evidenced_weight += comp.weight;
                }
                CoverageStatus::AskedNotEvidenced => asked_not_evidenced.push(comp.id.clone()),
                CoverageStatus::Uncovered => uncovered.push(comp.id.clone()),
            }
            competencies.push(CompetencyCoverage {
                id: comp.id.clone(),
                name: comp.name.clone(),
                weight: comp.weight,
                asked_in: t.asked_in.clone(),
                evidence: t.evidence.clone(),
                max_strength: t.max_strength,
                star: t.star.clone(),
                specificity: t.specificity.clone(),
                time_spent_ms: t.time_spent_ms,
                status,
                suggested: self.suggested(c),
                manual_rating: t.manual_rating,
                notes: t.notes.clone(),
            });
        }
        CoverageState {
            now_ms: self.now_ms,
            planned_ms: self.config.planned_ms,
            ended: self.ended,
            competencies,
            asked,
            evidenced,
            asked_not_evidenced,
            uncovered,
            evidenced_weight: (evidenced_weight * 1e4_f64).round() / 1e4,
            active_prompts: self.prompts.active().to_vec(),
            dismissed_prompts: self.prompts.dismissed().to_vec(),
            key_facts: self.key_facts.clone(),
            delivery: self.delivery.clone(),
            talk_time: self.talk.clone(),
            turns: self.turns.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The overall score from the interviewer's manual ratings (the confirmed ones).
    pub fn overall_from_manual(&self) -> Option<rating::OverallScore> {
        let confirmed = self
            .job
            .competencies
            .iter()
            .zip(&self.tracks)
            .filter_map(|(c, t)| t.manual_rating.map(|r| (c.id.clone(), r)))
            .collect();
        rating::overall_score(&self.job, &confirmed, &self.config.recommendation)
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Up to two sentences that best support a competency (keyword hits first, then figures), in order.
fn best_quote(
    turn_text: &str,
    sentences: &[text::Sentence],
    per_sentence: &[Vec<usize>],
    competency: usize,
) -> (String, usize, usize) {
    if sentences.is_empty() {
        return (turn_text.to_string(), 0, turn_text.len());
    }
    let mut scored: Vec<(i64, usize)> = sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let hits = per_sentence
                .get(i)
                .map_or(0, |h| h.iter().filter(|c| **c == competency).count())
                as i64;
            let digits = evidence::numeric_mentions(
                &text::normalise(&s.text),
                text::detect_language(&s.text),
            ) as i64;
            (hits * 3 + digits, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = scored.iter().take(2).map(|(_, i)| *i).collect();
    chosen.sort_unstable();
    let start = sentences[chosen[0]].start;
    let end = sentences[*chosen.last().unwrap_or(&chosen[0])].end;
    let quote = chosen
        .iter()
        .map(|i| sentences[*i].text.as_str())
        .collect::<Vec<_>>()
        .join(" … ");
    (quote, start, end)
}

/// Interview time of a byte range of the turn, by linear interpolation over the turn.
fn quote_times(start_ms: u64, end_ms: u64, len: usize, from: usize, to: usize) -> (u64, u64) {
    if len == 0 {
        return (start_ms, end_ms);
    }
    let span = end_ms.saturating_sub(start_ms) as f64;
    let at = |b: usize| start_ms + (span * b.min(len) as f64 / len as f64).round() as u64;
    (at(from), at(to))
}

fn delivery(
    turn: u32,
    language: Language,
    turn_text: &str,
    segments: &[TranscriptSegment],
    pause_threshold_ms: u64,
) -> Option<DeliveryMetrics> {
    let start = segments.iter().map(|s| s.start_ms).min()?;
    let end = segments.iter().map(|s| s.end_ms).max()?;
    let duration_ms = end.saturating_sub(start);
    if duration_ms == 0 {
        return None;
    }
    let (units, rate_unit) = match language {
        Language::En => (
            text::en_words(&text::normalise(turn_text)).len(),
            "words/min",
        ),
        Language::Zh => (
            turn_text.chars().filter(|c| text::is_cjk(*c)).count(),
            "chars/min",
        ),
    };
    let mut pauses = 0;
    let mut longest = 0;
    for pair in segments.windows(2) {
        let gap = pair[1].start_ms.saturating_sub(pair[0].end_ms);
        if gap >= pause_threshold_ms {
            pauses += 1;
        }
        longest = longest.max(gap);
    }
    Some(DeliveryMetrics {
        turn,
        rate_per_minute: round3(units as f64 * 60_000.0 / duration_ms as f64),
        rate_unit: rate_unit.to_string(),
        pauses,
        longest_pause_ms: longest,
        duration_ms,
    })
}
