//! Each connector against recorded example exchanges written from the vendors' documentation:
//! the server checks every request (method, path, headers, body) and answers as documented.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use copilot_secrets::SecretValue;
use copilot_sync::{
    AttemptError, FeishuConnector, GreenhouseConnector, HrConnector, HttpSettings, OutgoingReport,
    RestConnector, http_client, rest_signature,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::common::report_json;
use crate::server::{read_request, respond};

/// One documented exchange: what the client must send, and the answer.
pub struct Exchange {
    pub method: &'static str,
    /// The path, and the query if it matters (`starts_with` match).
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub status: u16,
    pub answer: String,
}

/// Serves the exchanges in order; anything else is a failure (answered 599).
struct Recorded {
    url: String,
    failures: Arc<Mutex<Vec<String>>>,
    served: Arc<Mutex<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Recorded {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Recorded {
    async fn start(exchanges: Vec<Exchange>) -> anyhow::Result<Recorded> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let failures = Arc::new(Mutex::new(Vec::new()));
        let served = Arc::new(Mutex::new(0usize));
        let (f, s) = (failures.clone(), served.clone());
        let task = tokio::spawn(async move {
            let mut exchanges = exchanges.into_iter();
            while let Ok((mut stream, _)) = listener.accept().await {
                let Ok(Some(request)) = read_request(&mut stream).await else {
                    continue;
                };
                let Some(expected) = exchanges.next() else {
                    f.lock()
                        .unwrap()
                        .push(format!("unexpected {} {}", request.method, request.path));
                    let _ = respond(&mut stream, 599, &[], "{}").await;
                    continue;
                };
                let mut problems = Vec::new();
                if request.method != expected.method || !request.path.starts_with(&expected.path) {
                    problems.push(format!(
                        "expected {} {}, got {} {}",
                        expected.method, expected.path, request.method, request.path
                    ));
                }
                for (name, value) in &expected.headers {
                    let got = request.headers.get(&name.to_ascii_lowercase());
                    if got != Some(value) {
                        problems.push(format!("header {name}: expected {value:?}, got {got:?}"));
                    }
                }
                if let Some(body) = &expected.body {
                    let got: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
                    if &got != body {
                        problems.push(format!("body: expected {body}, got {got}"));
                    }
                }
                *s.lock().unwrap() += 1;
                if problems.is_empty() {
                    let _ = respond(&mut stream, expected.status, &[], &expected.answer).await;
                } else {
                    f.lock().unwrap().extend(problems);
                    let _ = respond(&mut stream, 599, &[], "{}").await;
                }
            }
        });
        Ok(Recorded {
            url,
            failures,
            served,
            task,
        })
    }

    fn check(&self, expected_count: usize) {
        let failures = self.failures.lock().unwrap().clone();
        assert!(failures.is_empty(), "{failures:#?}");
        assert_eq!(
            *self.served.lock().unwrap(),
            expected_count,
            "every documented exchange happened"
        );
    }
}

fn client() -> reqwest::Client {
    http_client(HttpSettings {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
    })
    .expect("client")
}

fn outgoing<'a>(id: &'a str, payload: &'a [u8], target: Option<&'a str>) -> OutgoingReport<'a> {
    OutgoingReport {
        report_id: id,
        payload,
        payload_sha256: "",
        target,
    }
}

#[tokio::test]
async fn rest_posts_the_report_bytes_with_key_token_and_signature() -> anyhow::Result<()> {
    let payload = report_json("rep-1").into_bytes();
    let signature = rest_signature("sign-key-123", &payload);
    assert_eq!(signature.len(), "sha256=".len() + 64);
    let server = Recorded::start(vec![
        Exchange {
            method: "POST",
            path: "/api/reports".into(),
            headers: vec![
                ("Idempotency-Key", "rep-1".into()),
                ("Authorization", "Bearer tok-rest-1".into()),
                ("X-Copilot-Signature", signature.clone()),
                ("X-Copilot-Assignment", "as-7".into()),
                ("Content-Type", "application/json".into()),
            ],
            body: Some(serde_json::from_slice(&payload)?),
            status: 201,
            answer: r#"{"id":"hr-991"}"#.into(),
        },
        Exchange {
            method: "GET",
            path: "/api/reports/rep-2".into(),
            headers: vec![("Authorization", "Bearer tok-rest-1".into())],
            body: None,
            status: 404,
            answer: r#"{"error":"not found"}"#.into(),
        },
        Exchange {
            method: "GET",
            path: "/api/assigned-interviews".into(),
            headers: vec![],
            body: None,
            status: 200,
            answer: r#"{"interviews":[{"id":"as-8","candidate":{"name":"Wang Fang","email":"wf@example.com"},"job":{"title":"Teacher"},"scheduled_at":"2026-12-03T02:00:00Z"}]}"#.into(),
        },
    ])
    .await?;
    let connector = RestConnector::new(
        client(),
        &format!("{}/api/", server.url),
        SecretValue::new("tok-rest-1"),
        Some(SecretValue::new("sign-key-123")),
    );
    let ack = connector
        .send_report(outgoing(
            "rep-1",
            &payload,
            Some(r#"{"assignment_id":"as-7"}"#),
        ))
        .await?;
    assert_eq!(
        (ack.status, ack.external_ref.as_deref()),
        (201, Some("hr-991"))
    );
    assert_eq!(
        connector
            .find_report(outgoing("rep-2", &payload, None))
            .await?,
        None
    );
    let pulled = connector.pull_assigned().await?;
    assert_eq!(pulled.len(), 1);
    assert_eq!(pulled[0].candidate_name, "Wang Fang");
    assert_eq!(pulled[0].target, json!({"assignment_id": "as-8"}));
    server.check(3);
    Ok(())
}

#[tokio::test]
async fn feishu_gets_a_tenant_token_and_creates_an_external_assessment() -> anyhow::Result<()> {
    let payload = report_json("rep-3").into_bytes();
    let token_request = json!({"app_id": "cli_a1b2c3", "app_secret": "feishu-secret-xyz"});
    let assessment = json!({
        "external_id": "rep-3",
        "external_interview_id": "ext-iv-5",
        "username": "Ana",
        "conclusion": 2,
        "assessment_dimension_list": [
            {"assessment_type": 1, "title": "Closing", "score": 80, "description": "confirmed by the interviewer"},
            {"assessment_type": 1, "title": "Prospecting", "score": 40, "description": "suggested, not confirmed"}
        ],
        "content": "Interview Copilot report — Lin Wei — Sales Representative\nRecommendation: advance (score 72/100, confirmed by the interviewer)\n- Closing: 4/5 (confirmed)\n- Prospecting: 2/5 (suggested)\n[copilot-report:rep-3]"
    });
    let server = Recorded::start(vec![
        Exchange {
            method: "POST",
            path: "/open-apis/auth/v3/tenant_access_token/internal".into(),
            headers: vec![],
            body: Some(token_request.clone()),
            status: 200,
            answer: r#"{"code":0,"msg":"ok","tenant_access_token":"t-g1044ghJRUIJJ5ELMYDMGOU","expire":7200}"#.into(),
        },
        // The token was revoked meanwhile: Feishu answers code 99991663; one fresh token, one retry.
        Exchange {
            method: "POST",
            path: "/open-apis/hire/v1/external_interview_assessments".into(),
            headers: vec![("Authorization", "Bearer t-g1044ghJRUIJJ5ELMYDMGOU".into())],
            body: Some(assessment.clone()),
            status: 400,
            answer: r#"{"code":99991663,"msg":"Invalid access token for authorization. Please make a request with token attached."}"#.into(),
        },
        Exchange {
            method: "POST",
            path: "/open-apis/auth/v3/tenant_access_token/internal".into(),
            headers: vec![],
            body: Some(token_request),
            status: 200,
            answer: r#"{"code":0,"msg":"ok","tenant_access_token":"t-second","expire":7200}"#.into(),
        },
        Exchange {
            method: "POST",
            path: "/open-apis/hire/v1/external_interview_assessments".into(),
            headers: vec![
                ("Authorization", "Bearer t-second".into()),
                ("Content-Type", "application/json; charset=utf-8".into()),
            ],
            body: Some(assessment.clone()),
            status: 200,
            answer: r#"{"code":0,"msg":"success","data":{"external_interview_assessment":{"id":"6989181065243969836","external_id":"rep-3","conclusion":2}}}"#.into(),
        },
        // A documented business error: a dead letter with Feishu's message.
        Exchange {
            method: "POST",
            path: "/open-apis/hire/v1/external_interview_assessments".into(),
            headers: vec![("Authorization", "Bearer t-second".into())],
            body: None,
            status: 200,
            answer: r#"{"code":1002001,"msg":"external interview not found"}"#.into(),
        },
    ])
    .await?;
    let connector = FeishuConnector::new(
        client(),
        &server.url,
        "cli_a1b2c3",
        SecretValue::new("feishu-secret-xyz"),
        "ou_ana",
    );
    let target = r#"{"external_interview_id":"ext-iv-5"}"#;
    let ack = connector
        .send_report(outgoing("rep-3", &payload, Some(target)))
        .await?;
    assert_eq!(ack.external_ref.as_deref(), Some("6989181065243969836"));
    let error = connector
        .send_report(outgoing("rep-3", &payload, Some(target)))
        .await
        .expect_err("business error");
    assert!(
        matches!(&error, AttemptError::Rejected { reason } if reason.contains("1002001") && reason.contains("external interview not found")),
        "{error}"
    );
    server.check(5);
    Ok(())
}

#[tokio::test]
async fn feishu_refused_app_credentials_pause_and_never_echo_the_secret() -> anyhow::Result<()> {
    let server = Recorded::start(vec![Exchange {
        method: "POST",
        path: "/open-apis/auth/v3/tenant_access_token/internal".into(),
        headers: vec![],
        body: None,
        status: 200,
        answer: r#"{"code":10014,"msg":"app secret invalid: feishu-secret-xyz"}"#.into(),
    }])
    .await?;
    let connector = FeishuConnector::new(
        client(),
        &server.url,
        "cli_a1b2c3",
        SecretValue::new("feishu-secret-xyz"),
        "",
    );
    let error = connector.test_connection().await.expect_err("refused");
    assert!(
        matches!(error, AttemptError::Unauthorized { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("feishu-secret-xyz"), "{error}");
    assert!(!format!("{error:?} {connector:?}").contains("feishu-secret-xyz"));
    server.check(1);
    Ok(())
}

#[tokio::test]
async fn greenhouse_writes_a_note_and_finds_it_again_instead_of_duplicating() -> anyhow::Result<()>
{
    let payload = report_json("rep-4").into_bytes();
    // Basic auth: the API key as user name, an empty password.
    let basic = "Basic Z2gta2V5LTc3Nzo="; // base64("gh-key-777:")
    let note = json!({
        "user_id": 158108,
        "body": "Interview Copilot report — Lin Wei — Sales Representative\nRecommendation: advance (score 72/100, confirmed by the interviewer)\n- Closing: 4/5 (confirmed)\n- Prospecting: 2/5 (suggested)\n[copilot-report:rep-4]",
        "visibility": "private"
    });
    let server = Recorded::start(vec![
        Exchange {
            method: "POST",
            path: "/v1/candidates/2223445/activity_feed/notes".into(),
            headers: vec![("Authorization", basic.into()), ("On-Behalf-Of", "158108".into())],
            body: Some(note.clone()),
            status: 201,
            answer: r#"{"id":226809052,"created_at":"2026-12-01T10:00:00.000Z","body":"...","user":{"id":158108,"name":"Ana Diaz"},"private":true,"visiblity":"private","visibility":"private"}"#.into(),
        },
        Exchange {
            method: "GET",
            path: "/v1/candidates/2223445/activity_feed".into(),
            headers: vec![("Authorization", basic.into())],
            body: None,
            status: 200,
            answer: r#"{"notes":[{"id":226809052,"created_at":"2026-12-01T10:00:00.000Z","body":"Interview Copilot report ... [copilot-report:rep-4]","user":{"id":158108},"private":true}],"emails":[],"activities":[]}"#.into(),
        },
        Exchange {
            method: "GET",
            path: "/v1/users/158108".into(),
            headers: vec![("Authorization", basic.into())],
            body: None,
            status: 200,
            answer: r#"{"id":158108,"name":"Ana Diaz","primary_email_address":"ana@example.com"}"#.into(),
        },
    ])
    .await?;
    let connector = GreenhouseConnector::new(
        client(),
        &server.url,
        SecretValue::new("gh-key-777"),
        "158108",
        "ana@example.com",
        "private",
    );
    assert!(
        !connector.supports_idempotency(),
        "Harvest has no idempotency keys: the sender looks first"
    );
    let target = r#"{"candidate_id":"2223445","application_id":"69103370"}"#;
    let ack = connector
        .send_report(outgoing("rep-4", &payload, Some(target)))
        .await?;
    assert_eq!(ack.external_ref.as_deref(), Some("226809052"));
    let found = connector
        .find_report(outgoing("rep-4", &payload, Some(target)))
        .await?;
    assert_eq!(
        found.and_then(|a| a.external_ref).as_deref(),
        Some("226809052")
    );
    let check = connector.test_connection().await?;
    assert!(check.detail.contains("Ana Diaz"), "{}", check.detail);
    // A report of an interview that did not come from Greenhouse has nowhere to go: refused.
    let error = connector
        .send_report(outgoing("rep-5", &payload, None))
        .await
        .expect_err("no candidate");
    assert!(matches!(error, AttemptError::Rejected { .. }));
    server.check(3);
    Ok(())
}
