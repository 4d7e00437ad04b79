//! The generic REST connector: our own published contract (`schemas/hr-api.openapi.yaml`), so
//! any HR system can implement the receiving end.
//!
//! - `POST {base}/reports`: the report JSON, byte for byte; `Idempotency-Key: <report id>`;
//!   `Authorization: Bearer <token>`; optionally `X-Copilot-Signature: sha256=<hex HMAC-SHA256
//!   of the body>`; `X-Copilot-Assignment: <id>` when the interview was assigned.
//! - `GET {base}/reports/{report id}`: 200 when the report is there, 404 when not.
//! - `GET {base}/assigned-interviews`: the interviewer's upcoming interviews.

use chrono::{DateTime, Utc};
use copilot_secrets::SecretValue;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::connector::{
    Acknowledged, AttemptError, BoxFuture, ConnectionCheck, HrConnector, OutgoingReport,
    PulledInterview,
};
use crate::connectors::target_field;
use crate::http::{Redactor, exchange, join};

pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
pub const SIGNATURE_HEADER: &str = "X-Copilot-Signature";
pub const ASSIGNMENT_HEADER: &str = "X-Copilot-Assignment";

/// See the module documentation.
pub struct RestConnector {
    client: reqwest::Client,
    base_url: String,
    token: SecretValue,
    signing_key: Option<SecretValue>,
    redactor: Redactor,
}

impl std::fmt::Debug for RestConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestConnector")
            .field("base_url", &self.base_url)
            .field("signs_bodies", &self.signing_key.is_some())
            .finish_non_exhaustive()
    }
}

/// `sha256=<lowercase hex HMAC-SHA256 of body under key>`.
pub fn signature(key: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl RestConnector {
    pub fn new(
        client: reqwest::Client,
        base_url: &str,
        token: SecretValue,
        signing_key: Option<SecretValue>,
    ) -> RestConnector {
        let redactor = Redactor::new(std::iter::once(token.clone()).chain(signing_key.clone()));
        RestConnector {
            client,
            base_url: base_url.to_string(),
            token,
            signing_key,
            redactor,
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(join(&self.base_url, path))
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json")
    }
}

#[derive(Deserialize)]
struct Created {
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct AssignedList {
    interviews: Vec<AssignedItem>,
}

#[derive(Deserialize)]
struct AssignedItem {
    id: String,
    candidate: AssignedCandidate,
    #[serde(default)]
    job: Option<AssignedJob>,
    #[serde(default)]
    scheduled_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct AssignedCandidate {
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    resume_text: String,
}

#[derive(Deserialize)]
struct AssignedJob {
    #[serde(default)]
    title: String,
}

fn id_text(value: Option<serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

impl HrConnector for RestConnector {
    fn send_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Acknowledged, AttemptError>> {
        Box::pin(async move {
            let mut request = self
                .client
                .post(join(&self.base_url, "reports"))
                .bearer_auth(self.token.expose())
                .header(IDEMPOTENCY_HEADER, report.report_id)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(report.payload.to_vec());
            if let Some(key) = &self.signing_key {
                request = request.header(SIGNATURE_HEADER, signature(key.expose(), report.payload));
            }
            if let Some(assignment) = target_field(report.target, "assignment_id") {
                request = request.header(ASSIGNMENT_HEADER, assignment);
            }
            let answer = exchange(request, &self.redactor).await?;
            if !answer.is_success() {
                return Err(answer.error(&self.redactor));
            }
            let created: Option<Created> = serde_json::from_slice(&answer.body).ok();
            Ok(Acknowledged {
                status: answer.status,
                external_ref: created.and_then(|c| id_text(c.id)),
            })
        })
    }

    fn find_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Option<Acknowledged>, AttemptError>> {
        Box::pin(async move {
            let answer = exchange(
                self.get(&format!("reports/{}", report.report_id)),
                &self.redactor,
            )
            .await?;
            match answer.status {
                404 => Ok(None),
                _ if answer.is_success() => {
                    let created: Option<Created> = serde_json::from_slice(&answer.body).ok();
                    Ok(Some(Acknowledged {
                        status: answer.status,
                        external_ref: created.and_then(|c| id_text(c.id)),
                    }))
                }
                _ => Err(answer.error(&self.redactor)),
            }
        })
    }

    fn pull_assigned(&self) -> BoxFuture<'_, Result<Vec<PulledInterview>, AttemptError>> {
        Box::pin(async move {
            let answer = exchange(self.get("assigned-interviews"), &self.redactor).await?;
            if !answer.is_success() {
                return Err(answer.error(&self.redactor));
            }
            let list: AssignedList =
                serde_json::from_slice(&answer.body).map_err(|error| AttemptError::Transport {
                    detail: format!(
                        "the assigned interviews are not in the documented shape ({error})"
                    ),
                })?;
            Ok(list
                .interviews
                .into_iter()
                .map(|item| PulledInterview {
                    target: serde_json::json!({ "assignment_id": item.id }),
                    external_id: item.id,
                    candidate_name: item.candidate.name,
                    candidate_email: item.candidate.email,
                    job_title: item.job.map(|j| j.title).unwrap_or_default(),
                    resume_text: item.candidate.resume_text,
                    scheduled_at: item.scheduled_at,
                })
                .collect())
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<ConnectionCheck, AttemptError>> {
        Box::pin(async move {
            let count = self.pull_assigned().await?.len();
            Ok(ConnectionCheck {
                detail: format!(
                    "{} answered and accepted the token ({count} assigned interviews)",
                    self.base_url
                ),
            })
        })
    }

    fn supports_idempotency(&self) -> bool {
        true
    }

    fn data_sent(&self) -> Vec<String> {
        data_sent()
    }

    fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }
}

pub(crate) fn data_sent() -> Vec<String> {
    vec![
            "the finished report as JSON (schemas/report.schema.json): candidate name and id, job, interviewers, ratings with the quoted evidence, notes, key facts, timeline".into(),
            "never audio, video or the full transcript".into(),
        ]
}
