//! Feishu / Lark Hire (飞书招聘): the report becomes an external interview assessment.
//!
//! Request shapes follow Feishu's public Open Platform documentation as we read it (they are
//! not verified against a live tenant):
//! - `POST {base}/open-apis/auth/v3/tenant_access_token/internal` with `{"app_id", "app_secret"}`
//!   gives `{"code": 0, "tenant_access_token": "t-...", "expire": <seconds>}`.
//! - `POST {base}/open-apis/hire/v1/external_interview_assessments` with
//!   `Authorization: Bearer <tenant token>` and `{"external_id", "username", "conclusion"
//!   (1 fail, 2 pass, 3 undecided), "assessment_dimension_list": [{"assessment_type": 1 (score),
//!   "title", "score", "description"}], "content", "external_interview_id"}`; answers
//!   `{"code": 0, "data": {"external_interview_assessment": {"id": ...}}}`. `external_id` (our
//!   report id) is Feishu's idempotency key; the docs say it deduplicates for 24 hours.
//! - `GET {base}/open-apis/hire/v1/interviews?start_time=&end_time=` lists interviews; each
//!   names its interviewers; `GET .../applications/{id}` and `GET .../talents/{id}` give the
//!   candidate.
//!
//! Errors come as HTTP statuses and as `code` in the JSON body: the token codes (99991661,
//! 99991663, 99991664, 99991668) make one fresh token and one retry, then pause; 99991400 is
//! a rate limit (retried); app id/secret codes (10003, 10014) pause; other codes are dead letters.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use copilot_secrets::SecretValue;
use serde_json::{Value, json};

use crate::connector::{
    Acknowledged, AttemptError, BoxFuture, ConnectionCheck, HrConnector, OutgoingReport,
    PulledInterview,
};
use crate::connectors::{ReportView, target_field};
use crate::http::{Answer, Redactor, exchange, join};

pub const DEFAULT_BASE_URL: &str = "https://open.feishu.cn";

const TOKEN_CODES: [i64; 4] = [99991661, 99991663, 99991664, 99991668];
const RATE_LIMIT_CODE: i64 = 99991400;
const APP_CREDENTIAL_CODES: [i64; 2] = [10003, 10014];

/// See the module documentation.
pub struct FeishuConnector {
    client: reqwest::Client,
    base_url: String,
    app_id: String,
    app_secret: SecretValue,
    /// The Feishu user id of this interviewer, to pick their interviews.
    interviewer_user_id: String,
    token: tokio::sync::Mutex<Option<(SecretValue, Instant)>>,
    redactor: std::sync::Mutex<Redactor>,
}

impl std::fmt::Debug for FeishuConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeishuConnector")
            .field("base_url", &self.base_url)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

/// The Feishu conclusion for our recommendation: 2 pass, 1 fail, 3 undecided.
fn conclusion(recommendation: Option<&str>) -> u8 {
    match recommendation {
        Some("advance") => 2,
        Some("decline") => 1,
        _ => 3,
    }
}

/// The assessment body for a report: a pure function of the report bytes and target, so every
/// retry sends the same bytes.
pub fn assessment_body(
    report_id: &str,
    payload: &[u8],
    target: Option<&str>,
) -> Result<Vec<u8>, AttemptError> {
    let view = ReportView::parse(payload)?;
    let lang = view.language.as_str();
    let dimensions: Vec<Value> = view
        .competencies
        .iter()
        .map(|c| {
            let rating = c.confirmed.as_ref().map_or(c.suggested.rating, |r| r.rating);
            json!({
                "assessment_type": 1,
                "title": c.name.pick(lang),
                // Our 1-5 rating on Feishu's 0-100 score scale.
                "score": u32::from(rating) * 20,
                "description": if c.confirmed.is_some() { "confirmed by the interviewer" } else { "suggested, not confirmed" },
            })
        })
        .collect();
    let mut body = json!({
        "external_id": report_id,
        "username": view.interviewers.first().cloned().unwrap_or_default(),
        "conclusion": conclusion(view.score().map(|s| s.recommendation.as_str())),
        "assessment_dimension_list": dimensions,
        "content": view.summary_text(),
    });
    if let Some(interview) = target_field(target, "external_interview_id") {
        body["external_interview_id"] = Value::String(interview);
    }
    serde_json::to_vec(&body).map_err(|error| AttemptError::Rejected {
        reason: format!("the assessment could not be written ({error}); this is a bug"),
    })
}

impl FeishuConnector {
    pub fn new(
        client: reqwest::Client,
        base_url: &str,
        app_id: &str,
        app_secret: SecretValue,
        interviewer_user_id: &str,
    ) -> FeishuConnector {
        FeishuConnector {
            client,
            base_url: base_url.to_string(),
            app_id: app_id.to_string(),
            redactor: std::sync::Mutex::new(Redactor::new([app_secret.clone()])),
            app_secret,
            interviewer_user_id: interviewer_user_id.to_string(),
            token: tokio::sync::Mutex::new(None),
        }
    }

    fn redactor(&self) -> Redactor {
        self.redactor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A tenant access token: the cached one until 5 minutes before it expires, else a new one.
    async fn tenant_token(&self, fresh: bool) -> Result<SecretValue, AttemptError> {
        let mut cached = self.token.lock().await;
        if !fresh
            && let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let redactor = self.redactor();
        let request = self
            .client
            .post(join(
                &self.base_url,
                "open-apis/auth/v3/tenant_access_token/internal",
            ))
            .json(&json!({ "app_id": self.app_id, "app_secret": self.app_secret.expose() }));
        let answer = exchange(request, &redactor).await?;
        let body = answer.json().ok();
        let code = body
            .as_ref()
            .and_then(|b| b.get("code"))
            .and_then(Value::as_i64);
        match (
            code,
            body.as_ref()
                .and_then(|b| b.get("tenant_access_token"))
                .and_then(Value::as_str),
        ) {
            (Some(0), Some(token)) => {
                let seconds = body
                    .as_ref()
                    .and_then(|b| b.get("expire"))
                    .and_then(Value::as_u64)
                    .unwrap_or(7200);
                let token = SecretValue::new(token);
                self.redactor
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .add(token.clone());
                let until = Instant::now() + Duration::from_secs(seconds.saturating_sub(300));
                *cached = Some((token.clone(), until));
                Ok(token)
            }
            (Some(code), _) if code != 0 => Err(code_error(code, &answer, &self.redactor())),
            _ if !answer.is_success() => Err(answer.error(&redactor)),
            _ => Err(AttemptError::Transport {
                detail: "the token answer has no tenant_access_token".into(),
            }),
        }
    }

    /// Sends a request built by `build` with a tenant token; a token error makes one fresh
    /// token and one more try. Returns the `data` of a `code: 0` answer.
    async fn call(
        &self,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<(u16, Value), AttemptError> {
        let mut fresh = false;
        loop {
            let token = self.tenant_token(fresh).await?;
            let answer = exchange(build(token.expose()), &self.redactor()).await?;
            let body = answer.json().ok();
            let code = body
                .as_ref()
                .and_then(|b| b.get("code"))
                .and_then(Value::as_i64);
            match code {
                Some(0) if answer.is_success() => {
                    let data = body.and_then(|mut b| b.get_mut("data").map(Value::take));
                    return Ok((answer.status, data.unwrap_or(Value::Null)));
                }
                Some(code) if TOKEN_CODES.contains(&code) && !fresh => fresh = true,
                Some(code) if code != 0 => return Err(code_error(code, &answer, &self.redactor())),
                _ if !answer.is_success() => return Err(answer.error(&self.redactor())),
                _ => {
                    return Err(AttemptError::Transport {
                        detail: "the answer has no code".into(),
                    });
                }
            }
        }
    }

    async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, AttemptError> {
        let url = join(&self.base_url, path);
        Ok(self
            .call(|token| self.client.get(&url).bearer_auth(token).query(query))
            .await?
            .1)
    }
}

fn code_error(code: i64, answer: &Answer, redactor: &Redactor) -> AttemptError {
    let msg = answer
        .json()
        .ok()
        .and_then(|b| b.get("msg").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default();
    let reason = redactor.redact(&format!("Feishu code {code}: {msg}"));
    if TOKEN_CODES.contains(&code) || APP_CREDENTIAL_CODES.contains(&code) {
        AttemptError::Unauthorized { reason }
    } else if code == RATE_LIMIT_CODE {
        AttemptError::Throttled {
            retry_after: crate::http::retry_after(&answer.headers),
            reason,
        }
    } else if answer.status >= 500 || matches!(answer.status, 408 | 425 | 429) {
        AttemptError::Status {
            status: answer.status,
            retry_after: crate::http::retry_after(&answer.headers),
            reason,
        }
    } else {
        AttemptError::Rejected { reason }
    }
}

fn text(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl HrConnector for FeishuConnector {
    fn send_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Acknowledged, AttemptError>> {
        Box::pin(async move {
            let body = assessment_body(report.report_id, report.payload, report.target)?;
            let url = join(
                &self.base_url,
                "open-apis/hire/v1/external_interview_assessments",
            );
            let (status, data) = self
                .call(|token| {
                    self.client
                        .post(&url)
                        .bearer_auth(token)
                        .header(
                            reqwest::header::CONTENT_TYPE,
                            "application/json; charset=utf-8",
                        )
                        .body(body.clone())
                })
                .await?;
            let id = text(&data, "/external_interview_assessment/id");
            Ok(Acknowledged {
                status,
                external_ref: (!id.is_empty()).then_some(id),
            })
        })
    }

    fn find_report<'a>(
        &'a self,
        _report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Option<Acknowledged>, AttemptError>> {
        // Feishu deduplicates on external_id itself; its API has no lookup of an assessment by
        // external id, so there is nothing to ask.
        Box::pin(async { Ok(None) })
    }

    fn pull_assigned(&self) -> BoxFuture<'_, Result<Vec<PulledInterview>, AttemptError>> {
        Box::pin(async move {
            let now = Utc::now();
            let until = now + chrono::Duration::days(14);
            let data = self
                .get_json(
                    "open-apis/hire/v1/interviews",
                    &[
                        ("start_time", now.timestamp_millis().to_string()),
                        ("end_time", until.timestamp_millis().to_string()),
                        ("page_size", "100".into()),
                        ("user_id_type", "user_id".into()),
                    ],
                )
                .await?;
            let mut pulled = Vec::new();
            for item in data
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let mine = item
                    .get("interview_record_list")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .any(|record| text(record, "/interviewer/id") == self.interviewer_user_id);
                if !mine {
                    continue;
                }
                let application_id = text(item, "/application_id");
                let application = self
                    .get_json(
                        &format!("open-apis/hire/v1/applications/{application_id}"),
                        &[],
                    )
                    .await?;
                let talent_id = text(&application, "/application/talent_id");
                let talent = self
                    .get_json(&format!("open-apis/hire/v1/talents/{talent_id}"), &[])
                    .await?;
                let begin = item.get("begin_time").and_then(|v| match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                });
                pulled.push(PulledInterview {
                    external_id: text(item, "/id"),
                    candidate_name: text(&talent, "/talent/basic_info/name"),
                    candidate_email: text(&talent, "/talent/basic_info/email"),
                    job_title: text(&application, "/application/job/name"),
                    resume_text: String::new(),
                    scheduled_at: begin.and_then(DateTime::<Utc>::from_timestamp_millis),
                    target: json!({
                        "interview_id": text(item, "/id"),
                        "application_id": application_id,
                        "talent_id": talent_id,
                    }),
                });
            }
            Ok(pulled)
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<ConnectionCheck, AttemptError>> {
        Box::pin(async move {
            self.tenant_token(true).await?;
            Ok(ConnectionCheck {
                detail: format!(
                    "{} issued a tenant access token for app {}",
                    self.base_url, self.app_id
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
        self.redactor().redact(text)
    }
}

pub(crate) fn data_sent() -> Vec<String> {
    vec![
            "an external interview assessment: the report id (as external_id), the first interviewer's name, the recommendation (pass / fail / undecided), one score per competency (rating × 20) and a short text summary".into(),
            "not sent: quotes, notes, facts, the timeline, audio, video or the transcript".into(),
        ]
}
