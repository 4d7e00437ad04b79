//! A fault-injecting HR server on a real loopback socket, implementing the REST contract
//! (`schemas/hr-api.openapi.yaml`) with a ledger of what it applied per idempotency key.
//!
//! Faults: 500, 503, 429 with `Retry-After` in seconds or as an HTTP date, a timeout after it
//! committed, a connection reset (before or after committing), a truncated body after
//! committing, 401 (while `unauthorized` is on), 422; plus "down" (every connection dropped)
//! and a kill hook that asks the test to `kill -9` the sending process mid-request.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    Status500,
    Status503,
    TooManySeconds(u64),
    /// 429 with an HTTP date; `None` = real now + `retry_after_secs`.
    TooManyDate(Option<DateTime<Utc>>),
    TimeoutAfterCommit,
    ResetBeforeCommit,
    ResetAfterCommit,
    TruncatedAfterCommit,
    Unauthorized,
    Unprocessable,
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Status500 => "500",
            Fault::Status503 => "503",
            Fault::TooManySeconds(_) => "429 Retry-After seconds",
            Fault::TooManyDate(_) => "429 Retry-After HTTP-date",
            Fault::TimeoutAfterCommit => "timeout after commit",
            Fault::ResetBeforeCommit => "connection reset before commit",
            Fault::ResetAfterCommit => "connection reset after commit",
            Fault::TruncatedAfterCommit => "truncated body after commit",
            Fault::Unauthorized => "401",
            Fault::Unprocessable => "422",
        }
    }

    /// The random mix of the fault runs (401 is injected separately, once, "mid-run").
    pub fn random_mix(retry_after_secs: u64) -> Vec<Fault> {
        vec![
            Fault::Status500,
            Fault::Status503,
            Fault::TooManySeconds(retry_after_secs),
            Fault::TooManyDate(None),
            Fault::TimeoutAfterCommit,
            Fault::ResetBeforeCommit,
            Fault::ResetAfterCommit,
            Fault::TruncatedAfterCommit,
            Fault::Unprocessable,
        ]
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub token: String,
    pub signing_key: Option<String>,
    pub fault_rate: f64,
    pub kill_rate: f64,
    pub mix: Vec<Fault>,
    pub retry_after_secs: u64,
    /// How long a "timeout after commit" answer is held back (longer than the client waits).
    pub hang: Duration,
    /// A hostile server: error bodies echo the Authorization header (for the canary test).
    pub echo_credentials: bool,
    pub seed: u64,
}

impl Config {
    pub fn new(token: &str) -> Config {
        Config {
            token: token.to_string(),
            signing_key: None,
            fault_rate: 0.0,
            kill_rate: 0.0,
            mix: Vec::new(),
            retry_after_secs: 1,
            hang: Duration::from_millis(1500),
            echo_credentials: false,
            seed: 7,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Times the report was created (must never exceed 1).
    pub applied: u32,
    pub body_sha256: String,
    /// Requests answered from the ledger (the key was already applied).
    pub replays: u32,
    /// Requests with this key but other bytes.
    pub conflicts: u32,
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub method: String,
    pub answer: String,
}

struct Inner {
    rng: StdRng,
    ledger: BTreeMap<String, Entry>,
    log: Vec<Logged>,
    injected: BTreeMap<&'static str, u64>,
    scripted: VecDeque<Fault>,
    kills: u64,
}

pub struct Shared {
    config: Mutex<Config>,
    inner: Mutex<Inner>,
    pub unauthorized: AtomicBool,
    pub down: AtomicBool,
    kill: Option<mpsc::Sender<oneshot::Sender<()>>>,
}

pub struct FaultServer {
    pub url: String,
    pub shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FaultServer {
    /// Starts on 127.0.0.1 with a free port. `kill`: where kill requests go (the test answers
    /// each after the sending process is dead).
    pub async fn start(
        config: Config,
        kill: Option<mpsc::Sender<oneshot::Sender<()>>>,
    ) -> anyhow::Result<FaultServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                rng: StdRng::seed_from_u64(config.seed),
                ledger: BTreeMap::new(),
                log: Vec::new(),
                injected: BTreeMap::new(),
                scripted: VecDeque::new(),
                kills: 0,
            }),
            config: Mutex::new(config),
            unauthorized: AtomicBool::new(false),
            down: AtomicBool::new(false),
            kill,
        });
        let for_task = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = for_task.clone();
                tokio::spawn(async move {
                    let _ = serve(shared, stream).await;
                });
            }
        });
        Ok(FaultServer { url, shared, task })
    }

    pub fn set_faults(&self, fault_rate: f64, kill_rate: f64) {
        let mut config = lock(&self.shared.config);
        config.fault_rate = fault_rate;
        config.kill_rate = kill_rate;
    }

    /// The next POSTs get these faults, in order, before any random ones.
    pub fn script(&self, faults: &[Fault]) {
        lock(&self.shared.inner)
            .scripted
            .extend(faults.iter().copied());
    }

    pub fn ledger(&self) -> BTreeMap<String, Entry> {
        lock(&self.shared.inner).ledger.clone()
    }

    pub fn log(&self) -> Vec<Logged> {
        lock(&self.shared.inner).log.clone()
    }

    pub fn injected(&self) -> BTreeMap<&'static str, u64> {
        lock(&self.shared.inner).injected.clone()
    }

    pub fn kills(&self) -> u64 {
        lock(&self.shared.inner).kills
    }

    pub fn posts(&self) -> usize {
        self.log().iter().filter(|l| l.method == "POST").count()
    }
}

pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

pub async fn read_request(stream: &mut TcpStream) -> anyhow::Result<Option<Request>> {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
        anyhow::ensure!(buffer.len() < 1 << 20, "head too long");
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

pub async fn respond(
    stream: &mut TcpStream,
    status: u16,
    extra: &[(&str, String)],
    body: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

fn reset(stream: TcpStream) {
    // SO_LINGER 0: closing sends RST instead of FIN.
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

fn sha(body: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(body))
}

async fn serve(shared: Arc<Shared>, mut stream: TcpStream) -> anyhow::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let key = request.headers.get("idempotency-key").cloned();
    let log = |answer: &str| {
        lock(&shared.inner).log.push(Logged {
            method: request.method.clone(),
            answer: answer.to_string(),
        });
    };
    if shared.down.load(Ordering::SeqCst) {
        log("down");
        reset(stream);
        return Ok(());
    }
    let config = lock(&shared.config).clone();
    let auth = request
        .headers
        .get("authorization")
        .cloned()
        .unwrap_or_default();
    let unauthorized_body = |what: &str| {
        if config.echo_credentials {
            format!("{{\"error\":\"{what}\",\"received\":\"{auth}\"}}")
        } else {
            format!("{{\"error\":\"{what}\"}}")
        }
    };
    if auth != format!("Bearer {}", config.token) || shared.unauthorized.load(Ordering::SeqCst) {
        log("401");
        *lock(&shared.inner).injected.entry("401").or_default() += 1;
        return Ok(respond(
            &mut stream,
            401,
            &[],
            &unauthorized_body("token expired: sign in again"),
        )
        .await?);
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/assigned-interviews") => {
            log("200");
            let body = r#"{"interviews":[{"id":"as-1","candidate":{"name":"Lin Wei","email":"lin@example.com","resume_text":"Sales, 5 years"},"job":{"title":"Sales Representative"},"scheduled_at":"2026-12-02T09:00:00Z"}]}"#;
            Ok(respond(&mut stream, 200, &[], body).await?)
        }
        ("GET", path) if path.starts_with("/reports/") => {
            let id = &path["/reports/".len()..];
            let applied = lock(&shared.inner)
                .ledger
                .get(id)
                .is_some_and(|e| e.applied > 0);
            if applied {
                log("200");
                Ok(respond(&mut stream, 200, &[], &format!("{{\"id\":\"hr-{id}\"}}")).await?)
            } else {
                log("404");
                Ok(respond(&mut stream, 404, &[], "{\"error\":\"no such report\"}").await?)
            }
        }
        ("POST", "/reports") => {
            post_report(shared.clone(), stream, &request, key.clone(), &config, log).await
        }
        _ => {
            log("404");
            Ok(respond(&mut stream, 404, &[], "{}").await?)
        }
    }
}

async fn post_report(
    shared: Arc<Shared>,
    mut stream: TcpStream,
    request: &Request,
    key: Option<String>,
    config: &Config,
    log: impl Fn(&str),
) -> anyhow::Result<()> {
    let Some(key) = key else {
        log("400");
        return Ok(respond(
            &mut stream,
            400,
            &[],
            "{\"error\":\"Idempotency-Key missing\"}",
        )
        .await?);
    };
    if let Some(signing_key) = &config.signing_key {
        let expected = copilot_sync::rest_signature(signing_key, &request.body);
        if request.headers.get("x-copilot-signature") != Some(&expected) {
            log("401 signature");
            return Ok(respond(&mut stream, 401, &[], "{\"error\":\"bad signature\"}").await?);
        }
    }
    let body_sha = sha(&request.body);
    // Replays: answered from the ledger, never applied again.
    let known = {
        let mut inner = lock(&shared.inner);
        match inner.ledger.get_mut(&key) {
            Some(entry) if entry.applied > 0 && entry.body_sha256 != body_sha => {
                entry.conflicts += 1;
                Some(false)
            }
            Some(entry) if entry.applied > 0 => {
                entry.replays += 1;
                Some(true)
            }
            _ => None,
        }
    };
    match known {
        Some(false) => {
            log("422 conflict");
            return Ok(respond(
                &mut stream,
                422,
                &[],
                "{\"error\":\"Idempotency-Key reused with other bytes\"}",
            )
            .await?);
        }
        Some(true) => {
            log("201 replay");
            return Ok(respond(&mut stream, 201, &[], &format!("{{\"id\":\"hr-{key}\"}}")).await?);
        }
        None => {}
    }
    let (fault, kill, kill_after_commit) = {
        let mut inner = lock(&shared.inner);
        let scripted = inner.scripted.pop_front();
        let fault = scripted.or_else(|| {
            (!config.mix.is_empty() && inner.rng.random_bool(config.fault_rate.clamp(0.0, 1.0)))
                .then(|| {
                    let at = inner.rng.random_range(0..config.mix.len());
                    config.mix[at]
                })
        });
        let kill = shared.kill.is_some() && inner.rng.random_bool(config.kill_rate.clamp(0.0, 1.0));
        let after = inner.rng.random_bool(0.5);
        if let Some(fault) = fault.filter(|_| !kill) {
            *inner.injected.entry(fault.name()).or_default() += 1;
        }
        (fault, kill, after)
    };
    let apply = |shared: &Shared| {
        let mut inner = lock(&shared.inner);
        let entry = inner.ledger.entry(key.clone()).or_default();
        entry.applied += 1;
        entry.body_sha256 = body_sha.clone();
    };
    if kill {
        if kill_after_commit {
            apply(&shared);
        }
        log(if kill_after_commit {
            "kill after commit"
        } else {
            "kill before commit"
        });
        lock(&shared.inner).kills += 1;
        if let Some(kill) = &shared.kill {
            let (done, wait) = oneshot::channel();
            if kill.send(done).await.is_ok() {
                let _ = wait.await;
            }
        }
        reset(stream);
        return Ok(());
    }
    let created = format!("{{\"id\":\"hr-{key}\"}}");
    match fault {
        None => {
            apply(&shared);
            log("201");
            Ok(respond(&mut stream, 201, &[], &created).await?)
        }
        Some(Fault::Status500) => {
            log("500");
            Ok(respond(&mut stream, 500, &[], "{\"error\":\"internal\"}").await?)
        }
        Some(Fault::Status503) => {
            log("503");
            Ok(respond(&mut stream, 503, &[], "{\"error\":\"maintenance\"}").await?)
        }
        Some(Fault::TooManySeconds(seconds)) => {
            log("429 seconds");
            Ok(respond(
                &mut stream,
                429,
                &[("Retry-After", seconds.to_string())],
                "{\"error\":\"slow down\"}",
            )
            .await?)
        }
        Some(Fault::TooManyDate(at)) => {
            let at = at.unwrap_or_else(|| {
                Utc::now() + chrono::Duration::seconds(config.retry_after_secs as i64)
            });
            log("429 date");
            Ok(respond(
                &mut stream,
                429,
                &[("Retry-After", http_date(at))],
                "{\"error\":\"slow down\"}",
            )
            .await?)
        }
        Some(Fault::TimeoutAfterCommit) => {
            apply(&shared);
            log("timeout after commit");
            tokio::time::sleep(config.hang).await;
            Ok(respond(&mut stream, 201, &[], &created).await?)
        }
        Some(Fault::ResetBeforeCommit) => {
            log("reset before commit");
            reset(stream);
            Ok(())
        }
        Some(Fault::ResetAfterCommit) => {
            apply(&shared);
            log("reset after commit");
            reset(stream);
            Ok(())
        }
        Some(Fault::TruncatedAfterCommit) => {
            apply(&shared);
            log("truncated after commit");
            stream
                .write_all(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 200\r\nConnection: close\r\n\r\n{\"id\":\"hr-")
                .await?;
            stream.shutdown().await?;
            Ok(())
        }
        Some(Fault::Unauthorized) => {
            log("401");
            let body = if config.echo_credentials {
                format!(
                    "{{\"error\":\"token expired\",\"auth\":\"{}\"}}",
                    request
                        .headers
                        .get("authorization")
                        .cloned()
                        .unwrap_or_default()
                )
            } else {
                "{\"error\":\"token expired\"}".into()
            };
            Ok(respond(&mut stream, 401, &[], &body).await?)
        }
        Some(Fault::Unprocessable) => {
            log("422");
            let body = if config.echo_credentials {
                format!(
                    "{{\"error\":\"candidate is archived\",\"auth\":\"{}\"}}",
                    request
                        .headers
                        .get("authorization")
                        .cloned()
                        .unwrap_or_default()
                )
            } else {
                "{\"error\":\"candidate is archived\"}".into()
            };
            Ok(respond(&mut stream, 422, &[], &body).await?)
        }
    }
}
