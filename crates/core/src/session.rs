//! A live interview: the engine fed with transcript segments, notes and ratings, and the report
//! it becomes when the interview ends.

use std::collections::BTreeMap;

use chrono::Utc;
use copilot_domain::{Interview, InterviewStatus, JobDefinition, Language};
use copilot_engine::{Engine, EngineConfig, EngineEvent, EngineInput, Speaker, TranscriptSegment};
use copilot_report::{ConfirmedRating, Report, ReportInput, ReportNote};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Copilot, CoreError, ErrorCode};

/// A running interview. Feed it with [`InterviewSession::apply`]; end it with [`Copilot::finish_session`].
pub struct InterviewSession {
    pub(crate) interview: Interview,
    pub(crate) job: JobDefinition,
    pub(crate) engine: Engine,
    pub(crate) notes: Vec<ReportNote>,
    pub(crate) confirmed: BTreeMap<String, ConfirmedRating>,
    pub(crate) last_at_ms: u64,
    /// The candidate's consent, shared with the capture loops (withdrawal reaches it at once).
    pub(crate) consent: crate::ConsentGate,
}

/// A line of the report list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportSummary {
    pub report_id: String,
    pub interview_id: String,
    pub created_at: String,
}

/// Report export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Html,
    /// A4 pages with an embedded font subset (see `crate::reports` for the font).
    Pdf,
}

impl InterviewSession {
    pub fn interview(&self) -> &Interview {
        &self.interview
    }

    /// The candidate's consent for this interview (shared with every capture loop).
    pub fn consent(&self) -> &crate::ConsentGate {
        &self.consent
    }

    /// Applies one input; notes and the interviewer's ratings are also kept for the report.
    pub fn apply(&mut self, input: EngineInput) -> Vec<EngineEvent> {
        match &input {
            EngineInput::Note {
                at_ms,
                text,
                competency,
            } => self.notes.push(ReportNote {
                at_ms: *at_ms,
                text: text.clone(),
                competency: competency.clone(),
            }),
            EngineInput::ManualRating {
                competency,
                rating,
                at_ms,
            } => {
                self.confirmed.insert(
                    competency.clone(),
                    ConfirmedRating {
                        rating: *rating,
                        by: self
                            .interview
                            .interviewers
                            .first()
                            .cloned()
                            .unwrap_or_default(),
                        at_ms: *at_ms,
                        comment: None,
                    },
                );
            }
            _ => {}
        }
        self.last_at_ms = self.last_at_ms.max(input_time(&input));
        self.engine.apply(input)
    }

    /// Feeds a recognised segment from the speech pipeline (`speaker` is the audio channel's role).
    pub fn apply_transcript(
        &mut self,
        channel: &str,
        start_ms: u64,
        end_ms: u64,
        text: &str,
        language: &str,
    ) -> Vec<EngineEvent> {
        let speaker = match channel {
            "interviewer" => Speaker::Interviewer,
            "candidate" => Speaker::Candidate,
            _ => Speaker::Unknown,
        };
        self.apply(EngineInput::Segment(TranscriptSegment {
            speaker,
            start_ms,
            end_ms,
            text: text.to_string(),
            language: Language::parse(language),
        }))
    }
}

fn input_time(input: &EngineInput) -> u64 {
    match input {
        EngineInput::Segment(segment) => segment.end_ms,
        EngineInput::TurnEnd { at_ms, .. }
        | EngineInput::Tick { at_ms }
        | EngineInput::Note { at_ms, .. }
        | EngineInput::ManualRating { at_ms, .. }
        | EngineInput::DismissPrompt { at_ms, .. }
        | EngineInput::End { at_ms } => *at_ms,
    }
}

impl Copilot {
    /// Starts (or resumes) an interview: the engine runs on the model version the interview was planned with.
    pub async fn start_session(&self, interview_id: &str) -> Result<InterviewSession, CoreError> {
        let interview = self.store.interview(interview_id).await?;
        if matches!(
            interview.status,
            InterviewStatus::Completed | InterviewStatus::Cancelled
        ) {
            return Err(CoreError::new(
                ErrorCode::InvalidInput,
                format!(
                    "interview {interview_id} is {}: create a new interview to run it again",
                    interview.status.as_str()
                ),
            ));
        }
        let job = self
            .store
            .job(&interview.job_id, Some(interview.model_version))
            .await?
            .definition;
        self.store
            .set_interview_status(interview_id, InterviewStatus::InProgress, Utc::now())
            .await?;
        let minutes = interview.plan.budget_minutes.round().max(1.0) as u32;
        let config = EngineConfig {
            language: Some(interview.language),
            ..EngineConfig::for_minutes(minutes)
        };
        let engine = Engine::new(&job, config);
        let consent = self.consent_gate(interview_id).await?;
        Ok(InterviewSession {
            interview,
            job,
            engine,
            notes: Vec::new(),
            confirmed: BTreeMap::new(),
            last_at_ms: 0,
            consent,
        })
    }

    /// Ends the interview, builds its report, stores it encrypted and marks the interview completed.
    pub async fn finish_session(&self, mut session: InterviewSession) -> Result<Report, CoreError> {
        let end = session.last_at_ms;
        session.engine.apply(EngineInput::End { at_ms: end });
        let now = Utc::now();
        let report = copilot_report::build_report(&ReportInput {
            report_id: uuid::Uuid::new_v4().to_string(),
            interview: &session.interview,
            job: &session.job,
            engine: &session.engine,
            confirmed_ratings: &session.confirmed,
            notes: &session.notes,
            generated_at: now.to_rfc3339(),
            thresholds: copilot_engine::RecommendationThresholds::default(),
            consent: self
                .report_consent(&session.interview.id, session.interview.language)
                .await?,
        });
        let json = copilot_report::report_json(&report);
        // Queued for the HR systems only with the candidate's consent to the transfer (or, before
        // an HR admin chose a policy, unless the candidate refused it); otherwise it stays here.
        if session
            .consent
            .allows(copilot_consent::Purpose::TransferToHr)
        {
            self.store
                .save_report(&report.report_id, &session.interview.id, now, &json)
                .await?;
        } else {
            self.store
                .save_report_held(&report.report_id, &session.interview.id, now, &json)
                .await?;
        }
        self.store
            .set_interview_status(&session.interview.id, InterviewStatus::Completed, now)
            .await?;
        Ok(report)
    }

    pub async fn report(&self, report_id: &str) -> Result<Report, CoreError> {
        let json = self.store.report_json(report_id).await?;
        serde_json::from_str(&json).map_err(|e| {
            CoreError::new(
                ErrorCode::Storage,
                format!("report {report_id} is stored in a form this version cannot read ({e}): update Interview Copilot"),
            )
        })
    }

    pub async fn list_reports(&self) -> Result<Vec<ReportSummary>, CoreError> {
        Ok(self
            .store
            .list_reports()
            .await?
            .into_iter()
            .map(|(report_id, interview_id, created_at)| ReportSummary {
                report_id,
                interview_id,
                created_at,
            })
            .collect())
    }

    /// The report rendered for export: JSON (schemas/report.schema.json) or a printable HTML page.
    pub async fn export_report(
        &self,
        report_id: &str,
        format: ReportFormat,
    ) -> Result<String, CoreError> {
        let report = self.report(report_id).await?;
        Ok(match format {
            ReportFormat::Json => copilot_report::report_json(&report),
            ReportFormat::Html => copilot_report::report_html(&report),
            ReportFormat::Pdf => {
                return Err(CoreError::new(
                    ErrorCode::InvalidInput,
                    "a PDF is not text: export it to a file (`copilot report export <id> --out report.pdf`)",
                ));
            }
        })
    }

    /// Writes the export to `path` (a temporary file first, then renamed: never half a file).
    pub async fn export_report_to_path(
        &self,
        report_id: &str,
        format: ReportFormat,
        path: &std::path::Path,
    ) -> Result<std::path::PathBuf, CoreError> {
        let bytes = self.export_report_bytes(report_id, format, None).await?;
        crate::copilot::write_atomically(path, &bytes)?;
        Ok(path.to_path_buf())
    }
}
