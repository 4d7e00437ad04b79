//! The [`HrConnector`] trait: what every HR system connection can do.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::RetryAfter;

/// A boxed future, so connectors can be chosen at run time (`Box<dyn HrConnector>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One report to deliver: the outbox row's key, bytes and target.
#[derive(Debug, Clone, Copy)]
pub struct OutgoingReport<'a> {
    /// The idempotency key and the external id the HR system sees.
    pub report_id: &'a str,
    /// The report snapshot (JSON, `schemas/report.schema.json`), the same bytes every time.
    pub payload: &'a [u8],
    pub payload_sha256: &'a str,
    /// Connector-specific ids from the assigned interview (JSON), if there was one.
    pub target: Option<&'a str>,
}

/// The HR system has the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    pub status: u16,
    /// The HR system's id for what it created.
    pub external_ref: Option<String>,
}

/// An interview the HR system assigned to this interviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledInterview {
    pub external_id: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub resume_text: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Where the report goes later (JSON): e.g. `{"candidate_id": "..."}`.
    pub target: serde_json::Value,
}

/// What "test connection" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionCheck {
    /// A human line: who we are signed in as, or what answered.
    pub detail: String,
}

/// Why an attempt did not deliver. Messages never hold a secret (see [`crate::Redactor`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttemptError {
    /// The server answered with a non-2xx status.
    #[error("the HR system answered {status}: {reason}")]
    Status {
        status: u16,
        retry_after: Option<RetryAfter>,
        /// The start of the server's answer (its reason), secrets removed.
        reason: String,
    },
    #[error("the HR system did not answer in time ({detail}); it will be retried")]
    Timeout { detail: String },
    #[error("cannot reach the HR system ({detail}); it will be retried when the network is back")]
    Connect { detail: String },
    /// The connection broke (reset, truncated answer) or the answer could not be read.
    #[error("the connection to the HR system broke ({detail}); it will be retried")]
    Transport { detail: String },
    /// The server asked to slow down inside a 2xx answer (e.g. Feishu's rate-limit codes).
    #[error("the HR system asked to slow down: {reason}")]
    Throttled {
        retry_after: Option<RetryAfter>,
        reason: String,
    },
    /// The credentials were refused inside an answer, or are missing from the keychain.
    #[error(
        "the HR system refused the credentials: {reason}; sign in again (update the connector's secret)"
    )]
    Unauthorized { reason: String },
    /// Refused for good (by the server, or because something needed is missing locally).
    #[error("the HR system cannot accept this report: {reason}")]
    Rejected { reason: String },
}

impl AttemptError {
    /// The HTTP status, when the server answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            AttemptError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// One HR system connection. Implementations are cheap to share and safe to call concurrently.
pub trait HrConnector: Send + Sync {
    /// Creates the report in the HR system, with `report.report_id` as the idempotency key /
    /// external id. Must send the same bytes for the same report every time.
    fn send_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Acknowledged, AttemptError>>;

    /// Looks the report up by its external id: `Some` when the HR system already has it.
    /// Connectors whose target honours idempotency keys may answer `None` without asking.
    fn find_report<'a>(
        &'a self,
        report: OutgoingReport<'a>,
    ) -> BoxFuture<'a, Result<Option<Acknowledged>, AttemptError>>;

    /// The interviewer's upcoming interviews.
    fn pull_assigned(&self) -> BoxFuture<'_, Result<Vec<PulledInterview>, AttemptError>>;

    /// Checks the URL and the credentials with a harmless request.
    fn test_connection(&self) -> BoxFuture<'_, Result<ConnectionCheck, AttemptError>>;

    /// `false` when the HR system has no idempotency keys: then the sender looks a report up
    /// by its external id before creating it again after an attempt whose outcome is unknown.
    fn supports_idempotency(&self) -> bool;

    /// What leaves the machine through this connector, one line each, for the settings screen.
    fn data_sent(&self) -> Vec<String>;

    /// `text` with every secret of this connector replaced by `***`.
    fn redact(&self, text: &str) -> String;
}
