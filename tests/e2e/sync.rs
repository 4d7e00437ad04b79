//! Sync with the HR system in the real window, against a small HR server on loopback (plain
//! `std::net`, one request per connection) that implements our REST contract
//! (`schemas/hr-api.openapi.yaml`), answers what the scenario plans (503 with Retry-After, 422,
//! 401 after a token rotation) and keeps a ledger of every request and of what it applied per
//! idempotency key.
//!
//! The scenario adds a REST connector in the settings, tests the connection, finishes demo
//! interviews and watches their reports in the queue: one retried after a 503 and delivered, one
//! refused with a 422 (shown with the server's reason) and resent, one paused by a 401 until the
//! user signs in again with the new token. In the end every report in the store was applied
//! exactly once, always with the same bytes under the same key, and no token ever shows.

use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context as _, Result, bail, ensure};

use crate::driver::Window;
use crate::scenarios::Context;

const FIRST_TOKEN: &str = "tok-e2e-first-7731c";
const SECOND_TOKEN: &str = "tok-e2e-second-9902f";
const SIGNING_KEY: &str = "sign-e2e-key-5521";
const CONNECTOR: &str = "hr";
/// Retries wait for Retry-After and the sender's next pass: a generous bound, not a speed check.
const DELIVERY_LIMIT: Duration = Duration::from_secs(60);
/// The most requests the ledger keeps (every queue is bounded); the scenario makes a few dozen.
const LEDGER_LIMIT: usize = 2_000;
const REFUSAL: &str = "candidate 17 is not in requisition 4412: link the interview to an open requisition, then resend";

/// One request the server answered.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    key: Option<String>,
    signature: Option<String>,
    body: Vec<u8>,
    status: u16,
}

/// A planned answer to the next `POST /reports`.
struct Planned {
    status: u16,
    body: String,
    retry_after: Option<&'static str>,
}

#[derive(Default)]
struct Ledger {
    token: String,
    planned: VecDeque<Planned>,
    requests: Vec<Request>,
    /// Idempotency key to the body applied under it.
    applied: BTreeMap<String, Vec<u8>>,
}

/// The loopback HR server; stops when dropped.
struct HrServer {
    address: SocketAddr,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HrServer {
    fn start(token: &str) -> Result<HrServer> {
        let listener =
            TcpListener::bind("127.0.0.1:0").context("binding the loopback HR server")?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let ledger = Arc::new(Mutex::new(Ledger {
            token: token.to_string(),
            ..Ledger::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (ledger, stop) = (ledger.clone(), stop.clone());
            std::thread::Builder::new()
                .name("e2e-hr-server".into())
                .spawn(move || serve(&listener, &ledger, &stop))?
        };
        Ok(HrServer {
            address,
            ledger,
            stop,
            thread: Some(thread),
        })
    }

    fn base_url(&self) -> String {
        format!("http://{}/hr", self.address)
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn plan(&self, status: u16, body: &str, retry_after: Option<&'static str>) {
        self.ledger().planned.push_back(Planned {
            status,
            body: body.to_string(),
            retry_after,
        });
    }

    fn rotate_token(&self, token: &str) {
        self.ledger().token = token.to_string();
    }

    /// Every report POST so far, in order.
    fn posts(&self) -> Vec<Request> {
        self.ledger()
            .requests
            .iter()
            .filter(|r| r.method == "POST")
            .cloned()
            .collect()
    }

    fn applied(&self) -> BTreeMap<String, Vec<u8>> {
        self.ledger().applied.clone()
    }
}

impl Drop for HrServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, ledger: &Mutex<Ledger>, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Err(error) = answer(stream, ledger) {
                    println!("    hr server: {error:#}");
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(error) => {
                println!("    hr server: accept failed: {error}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// A request as it arrived.
struct Incoming {
    method: String,
    path: String,
    /// Lower-case names.
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (headers, then `Content-Length` bytes of body).
fn read_request(stream: &mut TcpStream) -> Result<Incoming> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            bail!("the client closed the connection before its headers ended");
        }
        data.extend_from_slice(&chunk[..read]);
        ensure!(data.len() < 1 << 20, "headers over 1 MiB");
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .map(|v| v.parse())
        .transpose()
        .context("a Content-Length that is not a number")?
        .unwrap_or(0);
    ensure!(length <= 16 << 20, "a body over 16 MiB");
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            bail!("the body ended after {} of {length} bytes", body.len());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    Ok(Incoming {
        method,
        path,
        headers,
        body,
    })
}

fn answer(mut stream: TcpStream, ledger: &Mutex<Ledger>) -> Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Incoming {
        method,
        path,
        headers,
        body,
    } = read_request(&mut stream)?;
    let key = headers.get("idempotency-key").cloned();
    let (status, reply, retry_after) = {
        let mut ledger = ledger.lock().unwrap_or_else(PoisonError::into_inner);
        let authorised = headers.get("authorization").map(String::as_str)
            == Some(format!("Bearer {}", ledger.token).as_str());
        let (status, reply, retry_after) = if !authorised {
            (
                401,
                r#"{"error":"the token was revoked: ask your HR admin for a new one"}"#.to_string(),
                None,
            )
        } else {
            route(&mut ledger, &method, &path, key.as_deref(), &body)
        };
        ensure!(
            ledger.requests.len() < LEDGER_LIMIT,
            "the ledger is full ({LEDGER_LIMIT} requests): the app is sending in a loop"
        );
        ledger.requests.push(Request {
            method,
            path,
            key,
            signature: headers.get("x-copilot-signature").cloned(),
            body,
            status,
        });
        (status, reply, retry_after)
    };
    let mut response = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        reply.len()
    );
    if let Some(seconds) = retry_after {
        response.push_str(&format!("Retry-After: {seconds}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&reply);
    stream.write_all(response.as_bytes())?;
    stream.flush()?;
    Ok(())
}

fn route(
    ledger: &mut Ledger,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: &[u8],
) -> (u16, String, Option<&'static str>) {
    match (method, path) {
        ("GET", "/hr/assigned-interviews") => (
            200,
            serde_json::json!({ "interviews": [{
                "id": "req-4412-1",
                "candidate": { "name": "Priya Natarajan", "email": "priya@example.com", "resume_text": "" },
                "job": { "title": "Account Executive" },
                "scheduled_at": "2026-03-03T09:00:00Z"
            }]})
            .to_string(),
            None,
        ),
        ("POST", "/hr/reports") => {
            let Some(key) = key else {
                return (
                    400,
                    r#"{"error":"Idempotency-Key is missing"}"#.into(),
                    None,
                );
            };
            if let Some(planned) = ledger.planned.pop_front() {
                return (planned.status, planned.body, planned.retry_after);
            }
            match ledger.applied.get(key) {
                Some(earlier) if earlier.as_slice() == body => {
                    (200, format!(r#"{{"id":"hr-{key}"}}"#), None)
                }
                Some(_) => (
                    422,
                    r#"{"error":"this Idempotency-Key was used with other bytes"}"#.into(),
                    None,
                ),
                None => {
                    ledger.applied.insert(key.to_string(), body.to_vec());
                    (201, format!(r#"{{"id":"hr-{key}"}}"#), None)
                }
            }
        }
        ("GET", _) if path.starts_with("/hr/reports/") => {
            let id = path.trim_start_matches("/hr/reports/");
            if ledger.applied.contains_key(id) {
                (200, format!(r#"{{"id":"hr-{id}"}}"#), None)
            } else {
                (404, r#"{"error":"no such report"}"#.into(), None)
            }
        }
        _ => (404, r#"{"error":"no such endpoint"}"#.into(), None),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Finishes a new demo interview without audio (the quickest real path to a stored report).
async fn finish_demo_interview(window: &Window) -> Result<()> {
    window.click("nav-interviews").await?;
    window.click("interview-demo").await?;
    window.el("view-live").await?;
    window.click("live-finish").await?;
    window.el("review-dialog").await?;
    window.click("review-finish").await?;
    window.el("view-report").await?;
    Ok(())
}

/// Waits for the first POST of a report the server has not seen before; returns its key.
async fn new_report(window: &Window, server: &HrServer, known: &[String]) -> Result<String> {
    let mut found = None;
    window
        .wait_until_within(
            "the new report to reach the HR server",
            DELIVERY_LIMIT,
            async |_| {
                found = server
                    .posts()
                    .into_iter()
                    .filter_map(|r| r.key)
                    .find(|key| !known.contains(key));
                Ok(found.is_some())
            },
        )
        .await?;
    found.context("the new report vanished")
}

fn keys(server: &HrServer) -> Vec<String> {
    server.posts().into_iter().filter_map(|r| r.key).collect()
}

async fn wait_state(window: &Window, report: &str, state: &str) -> Result<()> {
    let row = format!("queue-row-{report}-{CONNECTOR}");
    window
        .wait_until_within(
            &format!("report {report} to be {state} in the queue"),
            DELIVERY_LIMIT,
            async |w| Ok(w.attr(&row, "data-state").await?.as_deref() == Some(state)),
        )
        .await
}

/// Every POST of `report` carried the same bytes, the key and a signature; it was applied once.
fn check_same_bytes(server: &HrServer, report: &str, expected_posts: usize) -> Result<()> {
    let posts: Vec<Request> = server
        .posts()
        .into_iter()
        .filter(|r| r.key.as_deref() == Some(report))
        .collect();
    ensure!(
        posts.len() == expected_posts,
        "report {report} was posted {} times, expected {expected_posts}: {:?}",
        posts.len(),
        posts.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    let first = &posts[0].body;
    ensure!(
        posts.iter().all(|p| &p.body == first),
        "report {report} was sent with different bytes"
    );
    ensure!(
        posts.iter().all(|p| p
            .signature
            .as_deref()
            .is_some_and(|s| s.starts_with("sha256=") && s.len() == 7 + 64)),
        "a POST of {report} lacks its X-Copilot-Signature"
    );
    let applied = server.applied();
    ensure!(
        applied.get(report) == Some(first),
        "report {report} is not applied with the bytes sent"
    );
    let report_json: serde_json::Value =
        serde_json::from_slice(first).context("the report body is not JSON")?;
    ensure!(
        report_json["report_id"] == report,
        "the body of {report} carries report_id {}",
        report_json["report_id"]
    );
    Ok(())
}

async fn no_secret_on_screen(window: &Window) -> Result<()> {
    let page = window.text("app").await?;
    for secret in [FIRST_TOKEN, SECOND_TOKEN, SIGNING_KEY] {
        ensure!(!page.contains(secret), "a secret shows on the screen");
    }
    // Password fields keep what was typed in `value`, never in the page text: check them too.
    for field in window.all("input").await? {
        let value = field.prop("value").await?.unwrap_or_default();
        ensure!(
            ![FIRST_TOKEN, SECOND_TOKEN, SIGNING_KEY].contains(&value.as_str()),
            "a field still holds a secret after it was saved"
        );
    }
    Ok(())
}

pub async fn hr_sync_delivers_retries_resends_and_signs_in_again(context: &Context) -> Result<()> {
    let server = HrServer::start(FIRST_TOKEN)?;
    let window = Window::launch(&context.settings).await?;
    // An earlier scenario may have closed the window before its switch back to English was saved.
    window.el("nav-jobs").await?;
    if window.text("nav-jobs").await?.contains("岗位") {
        window.click("lang-switch").await?;
    }
    window.wait_text("nav-jobs", "Jobs").await?;
    window.wait_text("sync-indicator", "Sync off").await?;

    // No connector yet: the sync screen says so and leads to the settings.
    window.click("nav-sync").await?;
    window.el("view-sync").await?;
    window.el("sync-no-connectors").await?;
    window.click("sync-add-connector").await?;
    window.el("view-connectors").await?;
    window.el("connectors-empty").await?;

    // A form with missing fields names them and adds nothing.
    window.fill("connector-name", "Acme HR").await?;
    window.click("connector-add-submit").await?;
    window.el("connector-add-invalid").await?;
    window
        .wait_text("connector-problem-base_url", "Required")
        .await?;
    window
        .wait_text("connector-problem-token", "Required")
        .await?;
    ensure!(
        window.exists("connectors-empty").await?,
        "a connector was added from an incomplete form"
    );
    window
        .fill("connector-field-base_url", &server.base_url())
        .await?;
    window.fill("connector-field-token", FIRST_TOKEN).await?;
    window
        .fill("connector-field-signing_key", SIGNING_KEY)
        .await?;
    window.screenshot("sync-connector-form").await?;
    window.click("connector-add-submit").await?;
    window.wait_text("connector-added", "Acme HR").await?;
    let sends = window
        .wait_text(
            &format!("connector-sends-{CONNECTOR}"),
            "never audio, video",
        )
        .await?;
    ensure!(
        sends.contains("finished report"),
        "what the connector sends: {sends:?}"
    );
    window
        .wait_text(
            &format!("connector-secrets-{CONNECTOR}"),
            "API token: stored",
        )
        .await?;
    no_secret_on_screen(&window).await?;

    // Test connection: the server answers with the token.
    window.click(&format!("connector-test-{CONNECTOR}")).await?;
    let result = format!("connector-test-result-{CONNECTOR}");
    window.wait_text(&result, "Connected").await?;
    window.wait_text(&result, "1 assigned interviews").await?;
    ensure!(
        window.attr(&result, "data-ok").await?.as_deref() == Some("true"),
        "the connection test is not marked ok"
    );
    window.screenshot("sync-connector-settings").await?;

    // Reports finished before the connector existed were queued when it was added: let them go.
    window.click("connectors-back").await?;
    window.el("view-sync").await?;
    window
        .wait_until_within(
            "earlier reports to be delivered",
            DELIVERY_LIMIT,
            async |w| Ok(w.attr("sync-indicator", "data-tone").await?.as_deref() == Some("ok")),
        )
        .await?;
    let earlier = keys(&server);

    // A report finished now: the first attempt meets a 503 with Retry-After, the retry delivers.
    server.plan(503, r#"{"error":"down for maintenance"}"#, Some("8"));
    finish_demo_interview(&window).await?;
    window.click("nav-sync").await?;
    let retried = new_report(&window, &server, &earlier).await?;
    let row = format!("queue-row-{retried}-{CONNECTOR}");
    window
        .wait_until_within("the 503 to show in the queue", DELIVERY_LIMIT, async |w| {
            Ok(w.text(&row).await?.contains("503")
                || w.attr(&row, "data-state").await?.as_deref() == Some("delivered"))
        })
        .await?;
    if window.attr(&row, "data-state").await?.as_deref() == Some("pending") {
        let text = window.text(&row).await?;
        ensure!(
            text.contains("Waiting") && text.contains("in "),
            "the retried row does not say when it is tried next: {text:?}"
        );
        window.screenshot("sync-queue-retry").await?;
    }
    wait_state(&window, &retried, "delivered").await?;
    check_same_bytes(&server, &retried, 2)?;
    let retry_at = server
        .posts()
        .iter()
        .filter(|r| r.key.as_deref() == Some(retried.as_str()))
        .map(|r| r.status)
        .collect::<Vec<_>>();
    ensure!(
        retry_at == [503, 201],
        "answers to the retried report: {retry_at:?}"
    );

    // A 422: a dead letter with the server's reason, resent with the same bytes.
    let known = keys(&server);
    server.plan(
        422,
        &serde_json::json!({ "error": REFUSAL }).to_string(),
        None,
    );
    finish_demo_interview(&window).await?;
    window.click("nav-sync").await?;
    let refused = new_report(&window, &server, &known).await?;
    let key = format!("{refused}-{CONNECTOR}");
    window
        .wait_text(&format!("dead-reason-{key}"), REFUSAL)
        .await?;
    window
        .wait_text(&format!("dead-status-{key}"), "HTTP 422")
        .await?;
    window.wait_text("sync-indicator", "1 refused").await?;
    ensure!(
        window.attr("sync-indicator", "data-tone").await?.as_deref() == Some("error"),
        "the indicator does not warn about the dead letter"
    );
    window.scroll_to("sync-dead").await?;
    window.screenshot("sync-dead-letter").await?;
    // A refused report is never retried on its own.
    tokio::time::sleep(Duration::from_secs(6)).await;
    ensure!(
        keys(&server).iter().filter(|k| **k == refused).count() == 1,
        "the refused report was sent again without Resend"
    );
    window.click(&format!("resend-{key}")).await?;
    window.el("sync-resent").await?;
    wait_state(&window, &refused, "delivered").await?;
    window.wait_gone(&format!("dead-{key}")).await?;
    check_same_bytes(&server, &refused, 2)?;

    // The HR admin revokes the token: the next report pauses the connector until the user signs in.
    let known = keys(&server);
    server.rotate_token(SECOND_TOKEN);
    finish_demo_interview(&window).await?;
    window.click("nav-sync").await?;
    let paused = new_report(&window, &server, &known).await?;
    window
        .wait_text(
            &format!("paused-reason-{CONNECTOR}"),
            "the token was revoked",
        )
        .await?;
    window.wait_text("sync-indicator", "Sign in again").await?;
    wait_state(&window, &paused, "paused").await?;
    window.screenshot("sync-sign-in-again").await?;
    window
        .fill(&format!("signin-secret-{CONNECTOR}"), SECOND_TOKEN)
        .await?;
    window.click(&format!("signin-save-{CONNECTOR}")).await?;
    window.wait_text("sync-signed-in", "Acme HR").await?;
    wait_state(&window, &paused, "delivered").await?;
    window.wait_gone(&format!("paused-{CONNECTOR}")).await?;
    check_same_bytes(&server, &paused, 2)?;
    no_secret_on_screen(&window).await?;

    // Sync now pulls the assigned interviews.
    window.click("sync-now").await?;
    window
        .wait_text("sync-run-result", "Assigned interviews received: 1")
        .await?;
    window.wait_text("sync-assigned", "Priya Natarajan").await?;
    window.wait_text("sync-indicator", "All sent").await?;
    window.screenshot("sync-all-delivered").await?;

    // Every report in the store reached the HR system exactly once.
    window.click("nav-reports").await?;
    window.el("report-list").await?;
    let reports = window.count("[data-testid^='report-row-']").await?;
    let applied = server.applied();
    ensure!(
        applied.len() == reports,
        "{reports} reports in the app, {} applied by the HR system",
        applied.len()
    );
    for (key, body) in &applied {
        let sent: Vec<Request> = server
            .posts()
            .into_iter()
            .filter(|r| r.key.as_deref() == Some(key.as_str()))
            .collect();
        ensure!(
            sent.iter().all(|r| &r.body == body),
            "report {key} was sent with different bytes"
        );
        ensure!(
            sent.iter().filter(|r| r.status == 201).count() == 1,
            "report {key} was created {} times",
            sent.iter().filter(|r| r.status == 201).count()
        );
    }
    // One lock at a time: the server thread takes the same lock for every request.
    let requests = server.ledger().requests.clone();
    let lookups = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/hr/reports/"))
        .count();
    let refused_at_first = requests
        .iter()
        .filter(|r| r.method == "POST" && r.status != 201 && r.status != 200)
        .count();
    println!(
        "    hr server: {} requests, {} report posts ({refused_at_first} answered 401/422/503), {} reports applied once each, {lookups} lookups",
        requests.len(),
        requests.iter().filter(|r| r.method == "POST").count(),
        applied.len()
    );

    // The sync screen in Chinese.
    window.click("nav-sync").await?;
    window.click("lang-switch").await?;
    window.wait_text("nav-sync", "HR 同步").await?;
    window.wait_text("sync-queue", "发送队列").await?;
    window.wait_text("sync-indicator", "已全部送达").await?;
    window.screenshot("sync-chinese").await?;
    window.click("sync-settings").await?;
    window
        .wait_text(&format!("connector-test-{CONNECTOR}"), "测试连接")
        .await?;
    window.click("lang-switch").await?;
    window.wait_text("nav-jobs", "Jobs").await?;
    window.close().await
}
