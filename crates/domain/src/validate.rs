use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{JOB_SCHEMA_ID, JobDefinition};

/// How far the competency weights of a model may sum away from 1.0.
pub const WEIGHT_TOLERANCE: f64 = 0.005;

/// One problem in a job definition: where it is (a JSON-pointer-like path) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ValidationIssue {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
}

pub(crate) fn validate_job(job: &JobDefinition) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    let mut issue = |path: String, message: String| issues.push(ValidationIssue { path, message });

    if job.schema != JOB_SCHEMA_ID {
        issue(
            "schema".into(),
            format!("expected \"{JOB_SCHEMA_ID}\", found \"{}\"", job.schema),
        );
    }
    if !is_valid_id(&job.id) {
        issue(
            "id".into(),
            format!(
                "\"{}\" is not a valid id (lowercase letters, digits, _ . -)",
                job.id
            ),
        );
    }
    for (field, text) in [("title", &job.title), ("summary", &job.summary)] {
        if text.en.trim().is_empty() || text.zh.trim().is_empty() {
            issue(
                field.into(),
                "needs both an English and a Chinese text".into(),
            );
        }
    }
    if job.competencies.is_empty() {
        issue(
            "competencies".into(),
            "a job needs at least one competency".into(),
        );
    }

    let mut competency_ids = HashSet::new();
    let mut weight_sum = 0.0;
    for (i, c) in job.competencies.iter().enumerate() {
        let at = format!("competencies[{i}]");
        if !is_valid_id(&c.id) {
            issue(
                format!("{at}.id"),
                format!("\"{}\" is not a valid id", c.id),
            );
        }
        if !competency_ids.insert(c.id.as_str()) {
            issue(
                format!("{at}.id"),
                format!("duplicate competency id \"{}\"", c.id),
            );
        }
        if c.name.en.trim().is_empty() || c.name.zh.trim().is_empty() {
            issue(
                format!("{at}.name"),
                "needs both an English and a Chinese name".into(),
            );
        }
        if !(c.weight > 0.0 && c.weight <= 1.0) {
            issue(
                format!("{at}.weight"),
                format!("{} is not in (0, 1]", c.weight),
            );
        }
        weight_sum += c.weight;
        let mut levels: Vec<u8> = c.anchors.iter().map(|a| a.level).collect();
        levels.sort_unstable();
        if levels != [1, 2, 3, 4, 5] {
            issue(
                format!("{at}.anchors"),
                format!("needs exactly one anchor per level 1-5, found levels {levels:?}"),
            );
        }
        for (j, a) in c.anchors.iter().enumerate() {
            if a.en.trim().is_empty() || a.zh.trim().is_empty() {
                issue(
                    format!("{at}.anchors[{j}]"),
                    "needs both an English and a Chinese text".into(),
                );
            }
        }
        if c.keywords.en.is_empty() || c.keywords.zh.is_empty() {
            issue(
                format!("{at}.keywords"),
                "needs at least one keyword in each language".into(),
            );
        }
    }
    if !job.competencies.is_empty() && (weight_sum - 1.0).abs() > WEIGHT_TOLERANCE {
        issue(
            "competencies".into(),
            format!("weights sum to {weight_sum:.3}, they must sum to 1.0"),
        );
    }

    let mut question_ids = HashSet::new();
    for (i, q) in job.questions.iter().enumerate() {
        let at = format!("questions[{i}]");
        if !is_valid_id(&q.id) {
            issue(
                format!("{at}.id"),
                format!("\"{}\" is not a valid id", q.id),
            );
        }
        if !question_ids.insert(q.id.as_str()) {
            issue(
                format!("{at}.id"),
                format!("duplicate question id \"{}\"", q.id),
            );
        }
        if !competency_ids.contains(q.competency.as_str()) {
            issue(
                format!("{at}.competency"),
                format!("no competency \"{}\" in this job", q.competency),
            );
        }
        if q.en.trim().is_empty() && q.zh.trim().is_empty() {
            issue(at.clone(), "needs a text in at least one language".into());
        }
    }
    for c in &job.competencies {
        if !job.questions.iter().any(|q| q.competency == c.id) {
            issue(
                "questions".into(),
                format!("competency \"{}\" has no question", c.id),
            );
        }
    }
    issues
}
