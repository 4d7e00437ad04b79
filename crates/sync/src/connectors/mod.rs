//! The three connectors, and the report fields they render from the payload.

pub mod feishu;
pub mod greenhouse;
pub mod rest;

use serde::Deserialize;

/// The few report fields the vendor connectors render (the REST connector sends the report
/// itself). Parsed leniently: a field the report lacks is empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReportView {
    pub report_id: String,
    pub language: String,
    pub candidate: NameId,
    pub job: JobView,
    pub interviewers: Vec<String>,
    pub overall: OverallView,
    pub competencies: Vec<CompetencyView>,
    pub strengths: Vec<serde_json::Value>,
    pub areas_to_probe: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NameId {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Bilingual {
    pub en: String,
    pub zh: String,
}

impl Bilingual {
    pub fn pick(&self, language: &str) -> &str {
        match (language, self.zh.is_empty(), self.en.is_empty()) {
            ("zh", false, _) | (_, false, true) => &self.zh,
            _ => &self.en,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct JobView {
    pub id: String,
    pub title: Bilingual,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OverallView {
    pub status: String,
    pub confirmed: Option<ScoreView>,
    pub provisional: Option<ScoreView>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ScoreView {
    pub score: f64,
    pub recommendation: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CompetencyView {
    pub id: String,
    pub name: Bilingual,
    pub suggested: RatingView,
    pub confirmed: Option<RatingView>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RatingView {
    pub rating: u8,
    pub rationale: Option<Bilingual>,
    pub comment: Option<String>,
}

impl ReportView {
    pub fn parse(payload: &[u8]) -> Result<ReportView, crate::AttemptError> {
        serde_json::from_slice(payload).map_err(|error| crate::AttemptError::Rejected {
            reason: format!("the stored report is not valid JSON ({error}); this is a bug"),
        })
    }

    /// The confirmed score when there is one, else the provisional one.
    pub fn score(&self) -> Option<&ScoreView> {
        self.overall
            .confirmed
            .as_ref()
            .or(self.overall.provisional.as_ref())
    }

    /// A plain-text summary: recommendation, score and one line per competency, ending with a
    /// marker that holds the report id (how connectors without idempotency find it again).
    pub fn summary_text(&self) -> String {
        let lang = self.language.as_str();
        let mut lines = vec![format!(
            "Interview Copilot report — {} — {}",
            self.candidate.name,
            self.job.title.pick(lang)
        )];
        match self.score() {
            Some(score) => lines.push(format!(
                "Recommendation: {} (score {:.0}/100, {})",
                score.recommendation,
                score.score,
                if self.overall.confirmed.is_some() {
                    "confirmed by the interviewer"
                } else {
                    "provisional, not confirmed"
                }
            )),
            None => lines.push("Recommendation: none yet (no ratings confirmed)".into()),
        }
        for competency in &self.competencies {
            let (rating, how) = match &competency.confirmed {
                Some(confirmed) => (confirmed.rating, "confirmed"),
                None => (competency.suggested.rating, "suggested"),
            };
            lines.push(format!(
                "- {}: {rating}/5 ({how})",
                competency.name.pick(lang)
            ));
        }
        lines.push(format!("[copilot-report:{}]", self.report_id));
        lines.join("\n")
    }
}

/// The marker [`ReportView::summary_text`] ends with.
pub(crate) fn report_marker(report_id: &str) -> String {
    format!("[copilot-report:{report_id}]")
}

/// A string field of a JSON target, or `None`.
pub(crate) fn target_field(target: Option<&str>, field: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(target?).ok()?;
    match value.get(field)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
