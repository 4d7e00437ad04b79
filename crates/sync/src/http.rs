//! The HTTP client (reqwest over rustls with the ring provider) and helpers every connector
//! shares: reading an answer whole, turning a non-2xx answer into an [`AttemptError`], and
//! scrubbing secrets out of anything a server said.

use std::sync::Once;
use std::time::Duration;

use copilot_secrets::SecretValue;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::connector::AttemptError;
use crate::error::SyncError;
use crate::policy::RetryAfter;

/// How long a request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// The whole exchange, answer included.
    pub timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }
}

static CRYPTO: Once = Once::new();

/// A client for the connectors: no redirects (a report is never re-posted elsewhere), the
/// given timeouts, TLS by rustls with ring (installed as the process default once).
pub fn http_client(settings: HttpSettings) -> Result<reqwest::Client, SyncError> {
    CRYPTO.call_once(|| {
        // Another part of the process may have installed a provider first; that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("InterviewCopilot/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| SyncError::HttpClient {
            detail: error.to_string(),
        })
}

/// Replaces every secret a connector holds with `***` in text that may leave it (errors,
/// stored reasons). Secrets shorter than 4 characters are not searched for (too many false hits;
/// no real token is that short).
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<SecretValue>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = SecretValue>) -> Redactor {
        Redactor {
            secrets: secrets
                .into_iter()
                .filter(|s| s.expose().len() >= 4)
                .collect(),
        }
    }

    pub fn add(&mut self, secret: SecretValue) {
        if secret.expose().len() >= 4 {
            self.secrets.push(secret);
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.expose()) {
                out = out.replace(secret.expose(), "***");
            }
        }
        out
    }
}

/// An answer read whole.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn json(&self) -> Result<serde_json::Value, AttemptError> {
        serde_json::from_slice(&self.body).map_err(|error| AttemptError::Transport {
            detail: format!("the answer is not the JSON expected ({error})"),
        })
    }

    /// The error for a non-2xx answer, with Retry-After and the start of the body.
    pub fn error(&self, redactor: &Redactor) -> AttemptError {
        AttemptError::Status {
            status: self.status,
            retry_after: retry_after(&self.headers),
            reason: redactor.redact(&excerpt(&self.body)),
        }
    }
}

pub(crate) fn retry_after(headers: &HeaderMap) -> Option<RetryAfter> {
    headers
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(RetryAfter::parse)
}

/// The first 300 characters of a body, on one line.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(no reason given)".into();
    }
    let mut cut: String = one_line.chars().take(300).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut
}

/// Sends a request and reads the whole answer; transport failures become retryable errors.
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    redactor: &Redactor,
) -> Result<Answer, AttemptError> {
    let response = request
        .send()
        .await
        .map_err(|error| transport_error(&error, redactor))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|error| transport_error(&error, redactor))?;
    Ok(Answer {
        status,
        headers,
        body: body.to_vec(),
    })
}

fn transport_error(error: &reqwest::Error, redactor: &Redactor) -> AttemptError {
    // reqwest's message names the URL (which never holds a secret) and the cause chain.
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    let detail = redactor.redact(&detail);
    if error.is_timeout() {
        AttemptError::Timeout { detail }
    } else if error.is_connect() {
        AttemptError::Connect { detail }
    } else {
        AttemptError::Transport { detail }
    }
}

/// `base` + `path` with exactly one slash between them.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}
