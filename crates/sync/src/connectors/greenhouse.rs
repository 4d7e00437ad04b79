//! Greenhouse (Harvest API v1): the report becomes a note on the candidate's activity feed.
//!
//! Request shapes follow Greenhouse's public Harvest API documentation as we read it (not
//! verified against a live account; Greenhouse announced Harvest v3 as v1's successor):
//! - `POST {base}/v1/candidates/{candidate_id}/activity_feed/notes` with HTTP Basic auth (the
//!   API key as user name, empty password), `On-Behalf-Of: <user id>` and
//!   `{"user_id", "body", "visibility": "admin_only" | "private" | "public"}`; answers 201 with
//!   the note (`{"id": ...}`).
//! - `GET {base}/v1/candidates/{candidate_id}/activity_feed` lists `notes` (with `body`).
//! - `GET {base}/v1/scheduled_interviews?starts_after=` lists interviews with `interviewers`
//!   (`email`) and `application_id`; `GET /v1/applications/{id}` gives `candidate_id` and
//!   `jobs`; `GET /v1/candidates/{id}` the name and e-mail addresses.
//! - `GET {base}/v1/users/{user_id}` checks the key.
//!
//! Harvest has no idempotency keys, so the note ends with a marker holding the report id, and
//! the sender looks for it before creating the note again after an unclear attempt.

use copilot_secrets::SecretValue;
use serde_json::{Value, json};

use crate::connector::{
    Acknowledged, AttemptError, BoxFuture, ConnectionCheck, HrConnector, OutgoingReport,
    PulledInterview,
};
use crate::connectors::{ReportView, report_marker, target_field};
use crate::http::{Redactor, exchange, join};

pub const DEFAULT_BASE_URL: &str = "https://harvest.greenhouse.io";

/// See the module documentation.
pub struct GreenhouseConnector {
    client: reqwest::Client,
    base_url: String,
    api_key: SecretValue,
    /// The Greenhouse user the notes are written as (`On-Behalf-Of`).
    user_id: String,
    /// This interviewer's e-mail, to pick their scheduled interviews.
    interviewer_email: String,
    visibility: String,
    redactor: Redactor,
}

impl std::fmt::Debug for GreenhouseConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GreenhouseConnector")
            .field("base_url", &self.base_url)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// The note body for a report: a pure function of the report bytes and the user, so every
/// retry sends the same bytes.
pub fn note_body(payload: &[u8], user_id: &str, visibility: &str) -> Result<Vec<u8>, AttemptError> {
    let view = ReportView::parse(payload)?;
    let user: Value = user_id
        .parse::<u64>()
        .map_or_else(|_| Value::String(user_id.to_string()), |n| json!(n));
    serde_json::to_vec(&json!({
        "user_id": user,
        "body": view.summary_text(),
        "visibility": visibility,
    }))
    .map_err(|error| AttemptError::Rejected {
        reason: format!("the note could not be written ({error}); this is a bug"),
    })
}

impl GreenhouseConnector {
    pub fn new(
        client: reqwest::Client,
        base_url: &str,
        api_key: SecretValue,
        user_id: &str,
        interviewer_email: &str,
        visibility: &str,
    ) -> GreenhouseConnector {
        GreenhouseConnector {
            client,
            base_url: base_url.to_string(),
            redactor: Redactor::new([api_key.clone()]),
            api_key,
            user_id: user_id.to_string(),
            interviewer_email: interviewer_email.to_string(),
            visibility: visibility.to_string(),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, join(&self.base_url, path))
            .basic_auth(self.api_key.expose(), Some(""))
            .header("On-Behalf-Of", &self.user_id)
    }

    async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, AttemptError> {
        let answer = exchange(
            self.request(reqwest::Method::GET, path).query(query),
            &self.redactor,
        )
        .await?;
        if !answer.is_success() {
            return Err(answer.error(&self.redactor));
        }
        answer.json()
    }

    fn candidate(report: &OutgoingReport<'_>) -> Result<String, AttemptError> {
        target_field(report.target, "candidate_id").ok_or_else(|| AttemptError::Rejected {
            reason: "this interview was not assigned through Greenhouse, so there is no candidate to attach the report to: run the interview from a Greenhouse assignment, or send the report another way".into(),
        })
    }
}

fn text(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl HrConnector for GreenhouseConnector {
    fn send_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Acknowledged, AttemptError>> {
        Box::pin(async move {
            let candidate = Self::candidate(&report)?;
            let body = note_body(report.payload, &self.user_id, &self.visibility)?;
            let request = self
                .request(
                    reqwest::Method::POST,
                    &format!("v1/candidates/{candidate}/activity_feed/notes"),
                )
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
            let answer = exchange(request, &self.redactor).await?;
            if !answer.is_success() {
                return Err(answer.error(&self.redactor));
            }
            let id = answer.json().map(|v| text(&v, "/id")).unwrap_or_default();
            Ok(Acknowledged {
                status: answer.status,
                external_ref: (!id.is_empty()).then_some(id),
            })
        })
    }

    fn find_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Option<Acknowledged>, AttemptError>> {
        Box::pin(async move {
            let candidate = Self::candidate(&report)?;
            let feed = self
                .get_json(&format!("v1/candidates/{candidate}/activity_feed"), &[])
                .await?;
            let marker = report_marker(report.report_id);
            Ok(feed
                .get("notes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|note| text(note, "/body").contains(&marker))
                .map(|note| Acknowledged {
                    status: 200,
                    external_ref: Some(text(note, "/id")).filter(|id| !id.is_empty()),
                }))
        })
    }

    fn pull_assigned(&self) -> BoxFuture<'_, Result<Vec<PulledInterview>, AttemptError>> {
        Box::pin(async move {
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let list = self
                .get_json(
                    "v1/scheduled_interviews",
                    &[("starts_after", now), ("per_page", "100".into())],
                )
                .await?;
            let mut pulled = Vec::new();
            for item in list.as_array().into_iter().flatten() {
                let mine = item
                    .get("interviewers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .any(|i| text(i, "/email").eq_ignore_ascii_case(&self.interviewer_email));
                if !mine {
                    continue;
                }
                let application_id = text(item, "/application_id");
                let application = self
                    .get_json(&format!("v1/applications/{application_id}"), &[])
                    .await?;
                let candidate_id = text(&application, "/candidate_id");
                let candidate = self
                    .get_json(&format!("v1/candidates/{candidate_id}"), &[])
                    .await?;
                let name = format!(
                    "{} {}",
                    text(&candidate, "/first_name"),
                    text(&candidate, "/last_name")
                );
                pulled.push(PulledInterview {
                    external_id: text(item, "/id"),
                    candidate_name: name.trim().to_string(),
                    candidate_email: text(&candidate, "/email_addresses/0/value"),
                    job_title: text(&application, "/jobs/0/name"),
                    resume_text: String::new(),
                    scheduled_at: item
                        .pointer("/start/date_time")
                        .and_then(Value::as_str)
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.with_timezone(&chrono::Utc)),
                    target: json!({
                        "candidate_id": candidate_id,
                        "application_id": application_id,
                        "scheduled_interview_id": text(item, "/id"),
                    }),
                });
            }
            Ok(pulled)
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<ConnectionCheck, AttemptError>> {
        Box::pin(async move {
            let user = self
                .get_json(&format!("v1/users/{}", self.user_id), &[])
                .await?;
            Ok(ConnectionCheck {
                detail: format!(
                    "Greenhouse accepted the API key; notes will be written as {} (user {})",
                    text(&user, "/name"),
                    self.user_id
                ),
            })
        })
    }

    fn supports_idempotency(&self) -> bool {
        false
    }

    fn data_sent(&self) -> Vec<String> {
        data_sent(&self.visibility)
    }

    fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }
}

pub(crate) fn data_sent(visibility: &str) -> Vec<String> {
    vec![
        format!(
            "a note on the candidate ({} visibility): the recommendation and score, one rating per competency, and the report id",
            visibility
        ),
        "not sent: quotes, notes, facts, the timeline, audio, video or the transcript".into(),
    ]
}
