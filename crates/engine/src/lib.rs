//! The live copilot engine of Interview Copilot: pure and deterministic.
//!
//! Feed it transcript segments, turn ends, ticks, notes, manual ratings and dismissals through
//! [`Engine::apply`]; it answers with [`EngineEvent`]s (turn classifications, competencies asked,
//! evidence, STAR updates, key facts, prompts, time warnings) and keeps a [`CoverageState`].
//! It does no I/O, never reads the clock (time is milliseconds of interview time carried by the
//! inputs) and starts no threads: the same inputs always give the same events.
//!
//! Modules, each unit-tested:
//! - [`text`]: normalisation, sentences, English stems, jieba words, keyword matching;
//! - [`matching`]: interviewer turns against the question bank ([`SimilarityModel`] seam);
//! - [`evidence`]: answer concreteness, strength 0-3, STAR parts, specificity;
//! - [`facts`]: key facts (percent, money, team size, duration, counts) with Chinese numerals;
//! - [`prompts`]: follow-up and coverage prompts, rate limits, dedup, dismissals;
//! - [`rating`]: suggested 1-5 ratings and the weighted overall score.
//!
//! Delivery figures (speaking rate, pauses, talk-time ratio) are information only and never
//! enter a rating.

mod engine;
pub mod evidence;
pub mod facts;
pub mod matching;
pub mod prompts;
pub mod rating;
pub mod text;
mod types;

pub use engine::{Engine, EngineConfig};
pub use facts::{FactType, KeyFact};
pub use matching::{LexicalModel, MatchThresholds, SimilarityModel};
pub use prompts::{Prompt, PromptKind, PromptLimits, PromptPriority, RetireReason};
pub use rating::{OverallScore, Recommendation, RecommendationThresholds, overall_score};
pub use types::*;
