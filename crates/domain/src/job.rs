use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::{Bilingual, Language, ValidationIssue};

/// The schema id written into and accepted from job JSON files.
pub const JOB_SCHEMA_ID: &str = "interview-copilot/job@1";

/// A job with its competency model and question bank: the unit HR admins edit, import and export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JobDefinition {
    /// Always [`JOB_SCHEMA_ID`]; files without it are accepted and get it on export.
    #[serde(default = "default_schema")]
    pub schema: String,
    /// Which fixture set a file came from (`dev`, `heldout`); absent in user data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub set: Option<String>,
    pub id: String,
    pub title: Bilingual,
    pub summary: Bilingual,
    pub competencies: Vec<Competency>,
    pub questions: Vec<Question>,
}

fn default_schema() -> String {
    JOB_SCHEMA_ID.to_string()
}

/// One competency of a model, with its weight in the overall score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Competency {
    pub id: String,
    pub name: Bilingual,
    /// Share of the overall score, in (0, 1]; the weights of a model sum to 1.
    pub weight: f64,
    pub description: Bilingual,
    /// Behavioural anchors for ratings 1 (poor) to 5 (exceptional).
    pub anchors: Vec<Anchor>,
    pub keywords: Keywords,
    /// Example phrasings a candidate might use when showing this competency.
    #[serde(default, skip_serializing_if = "Keywords::is_empty")]
    #[ts(optional)]
    pub examples: Option<Keywords>,
}

/// A behavioural anchor: what a rating of `level` looks like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Anchor {
    pub level: u8,
    pub en: String,
    pub zh: String,
}

/// Words or phrases per language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Keywords {
    pub en: Vec<String>,
    pub zh: Vec<String>,
}

impl Keywords {
    pub fn get(&self, language: Language) -> &[String] {
        match language {
            Language::En => &self.en,
            Language::Zh => &self.zh,
        }
    }

    fn is_empty(value: &Option<Keywords>) -> bool {
        value
            .as_ref()
            .is_none_or(|k| k.en.is_empty() && k.zh.is_empty())
    }
}

/// How hard a question is; absent means standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Standard,
    Hard,
}

impl Difficulty {
    pub fn parse(text: &str) -> Option<Difficulty> {
        match text.trim().to_ascii_lowercase().as_str() {
            "easy" | "1" | "简单" => Some(Difficulty::Easy),
            "standard" | "medium" | "2" | "" | "中等" => Some(Difficulty::Standard),
            "hard" | "3" | "困难" => Some(Difficulty::Hard),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Standard => "standard",
            Difficulty::Hard => "hard",
        }
    }
}

/// A bank question, tagged with the competency it probes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Question {
    pub id: String,
    pub competency: String,
    pub en: String,
    pub zh: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub difficulty: Option<Difficulty>,
    /// Follow-up probes an interviewer can use after this question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<Bilingual>>")]
    pub follow_ups: Vec<Bilingual>,
}

impl Question {
    pub fn text(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Zh => &self.zh,
        }
    }

    pub fn difficulty(&self) -> Difficulty {
        self.difficulty.unwrap_or(Difficulty::Standard)
    }
}

/// One stored version of a job's competency model and bank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ModelVersion {
    pub job_id: String,
    pub version: u32,
    pub content_hash: String,
    #[ts(type = "string")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub definition: JobDefinition,
}

/// A line of the job list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JobSummary {
    pub id: String,
    pub title: Bilingual,
    pub latest_version: u32,
    pub competency_count: u32,
    pub question_count: u32,
}

impl JobDefinition {
    pub fn competency(&self, id: &str) -> Option<&Competency> {
        self.competencies.iter().find(|c| c.id == id)
    }

    pub fn questions_for<'a>(
        &'a self,
        competency_id: &'a str,
    ) -> impl Iterator<Item = &'a Question> {
        self.questions
            .iter()
            .filter(move |q| q.competency == competency_id)
    }

    /// Competencies by weight, heaviest first, then by id (the order plans and reports use).
    pub fn competencies_by_weight(&self) -> Vec<&Competency> {
        let mut sorted: Vec<&Competency> = self.competencies.iter().collect();
        sorted.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.id.cmp(&b.id)));
        sorted
    }

    /// A stable hash of the content (ignoring the fixture `set` tag): equal hashes mean no new version.
    pub fn content_hash(&self) -> String {
        let mut canonical = self.clone();
        canonical.set = None;
        canonical.schema = JOB_SCHEMA_ID.to_string();
        let bytes = serde_json::to_vec(&canonical).expect("a job definition always serialises");
        hex::encode(Sha256::digest(bytes))
    }

    pub fn summary(&self, latest_version: u32) -> JobSummary {
        JobSummary {
            id: self.id.clone(),
            title: self.title.clone(),
            latest_version,
            competency_count: self.competencies.len() as u32,
            question_count: self.questions.len() as u32,
        }
    }

    /// Every problem that makes this definition unusable; empty when it is valid.
    pub fn validate(&self) -> Vec<ValidationIssue> {
        crate::validate::validate_job(self)
    }
}
