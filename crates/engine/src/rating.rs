//! Suggested ratings on the 1-5 anchors, and the overall score from confirmed ratings.
//!
//! Suggested rating from the evidence: max strength 0 → 1, 1 → 2, 2 → 3, 3 → 4, and 3 with all
//! four STAR parts and at least two figures → 5. The interviewer confirms or overrides it; only
//! confirmed ratings enter [`overall_score`]: Σ wᵢ·(rᵢ−1)/4·100 over the rated competencies,
//! divided by their total weight (so a partly rated model still scores on 0-100).

use std::collections::BTreeMap;

use copilot_domain::{Bilingual, JobDefinition};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::types::StarPart;

/// Map evidence to a 1-5 rating.
pub fn suggest(
    max_strength: u8,
    has_evidence: bool,
    star: &[StarPart],
    figures: u32,
) -> (u8, Bilingual) {
    if !has_evidence {
        return (
            1,
            Bilingual::new(
                "No evidence yet: 1 until the candidate shows it.",
                "尚无证据：在候选人展示之前记 1 分。",
            ),
        );
    }
    let full_star = StarPart::ALL.iter().all(|p| star.contains(p));
    let rating = match max_strength {
        0 => 1,
        1 => 2,
        2 => 3,
        _ if full_star && figures >= 2 => 5,
        _ => 4,
    };
    let en = match rating {
        1 => "Asked but nothing usable in the answers.",
        2 => "Only generic claims, \"we\" or a passing mention.",
        3 => "A concrete example of the candidate's own, incomplete (no clear result).",
        4 => "A concrete episode with own actions and an outcome.",
        _ => "A complete STAR story with own actions and measured results.",
    };
    let zh = match rating {
        1 => "问过，但回答里没有可用的内容。",
        2 => "只有笼统的说法、“我们”或顺带一提。",
        3 => "有本人的具体例子，但不完整（没有明确结果）。",
        4 => "有具体事例、本人行动和结果。",
        _ => "完整的STAR事例，本人行动清楚，结果有数据。",
    };
    (rating, Bilingual::new(en, zh))
}

/// Score thresholds for the recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecommendationThresholds {
    /// Score at or above which to advance.
    pub advance: f64,
    /// Score below which to decline; in between: hold.
    pub decline: f64,
}

impl Default for RecommendationThresholds {
    fn default() -> Self {
        RecommendationThresholds {
            advance: 70.0,
            decline: 60.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Advance,
    Hold,
    Decline,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OverallScore {
    /// 0-100.
    pub score: f64,
    /// Share of the model's weight that was rated (1.0 = every competency).
    pub rated_weight: f64,
    pub recommendation: Recommendation,
}

/// The weighted score of confirmed ratings (1-5 per competency id); `None` when nothing valid is rated.
pub fn overall_score(
    job: &JobDefinition,
    confirmed: &BTreeMap<String, u8>,
    thresholds: &RecommendationThresholds,
) -> Option<OverallScore> {
    let mut weighted = 0.0;
    let mut weight = 0.0;
    for c in &job.competencies {
        if let Some(r) = confirmed
            .get(&c.id)
            .copied()
            .filter(|r| (1..=5).contains(r))
        {
            weighted += c.weight * f64::from(r - 1) / 4.0 * 100.0;
            weight += c.weight;
        }
    }
    if weight <= 0.0 {
        return None;
    }
    let score = ((weighted / weight) * 10.0).round() / 10.0;
    let recommendation = if score >= thresholds.advance {
        Recommendation::Advance
    } else if score < thresholds.decline {
        Recommendation::Decline
    } else {
        Recommendation::Hold
    };
    Some(OverallScore {
        score,
        rated_weight: (weight * 1e4).round() / 1e4,
        recommendation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_maps_to_anchors() {
        use StarPart::*;
        assert_eq!(suggest(0, false, &[], 0).0, 1);
        assert_eq!(suggest(0, true, &[], 0).0, 1);
        assert_eq!(suggest(1, true, &[S], 0).0, 2);
        assert_eq!(suggest(2, true, &[A], 1).0, 3);
        assert_eq!(suggest(3, true, &[S, A, R], 3).0, 4);
        assert_eq!(suggest(3, true, &[S, T, A, R], 3).0, 5);
        assert_eq!(suggest(3, true, &[S, T, A, R], 1).0, 4);
    }
}
