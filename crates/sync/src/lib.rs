//! Delivery of finished reports to the HR system, and assigned interviews in.
//!
//! A finished report is written with its outbox rows in one transaction (`copilot-store`).
//! The [`Sender`] delivers due rows whenever the network is there, across restarts and days
//! offline: the same idempotency key (the report id, also the external id the HR system sees)
//! and the same bytes on every attempt.
//!
//! - [`policy`]: the sending rules as pure code, with the clock and the random numbers injected:
//!   2xx done; 408/425/429/5xx, timeouts and connection errors retried with exponential backoff
//!   and full jitter, capped at an hour and never before `Retry-After`; 401/403 pause the
//!   connector until the user signs in again; other 4xx become dead letters.
//! - [`HrConnector`]: one trait, three connectors: [`RestConnector`] (our published OpenAPI
//!   spec, `schemas/hr-api.openapi.yaml`), [`FeishuConnector`] (Feishu/Lark Hire external
//!   interview assessments) and [`GreenhouseConnector`] (Harvest API candidate notes).
//! - Secrets (tokens, app secrets, API keys) are read from the OS keychain through
//!   [`copilot_secrets::SecretStore`] when a connector is built; they never reach the database,
//!   an error message or a log line ([`Redactor`] scrubs server answers that echo them).
//!
//! Architecture Invariant: by default only the report leaves the machine; raw audio and video
//! never do (no connector has a way to send them). [`HrConnector::data_sent`] lists what each
//! one sends, for the settings screen.

mod clock;
mod config;
mod connector;
mod connectors;
mod error;
mod http;
pub mod policy;
mod sender;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{
    ConnectorConfig, ConnectorKind, SECRET_SERVICE, build_connector, connector_secret_key,
    secret_names,
};
pub use connector::{
    Acknowledged, AttemptError, BoxFuture, ConnectionCheck, HrConnector, OutgoingReport,
    PulledInterview,
};
pub use connectors::feishu::FeishuConnector;
pub use connectors::greenhouse::GreenhouseConnector;
pub use connectors::rest::{RestConnector, signature as rest_signature};
pub use error::SyncError;
pub use http::{HttpSettings, Redactor, http_client};
pub use policy::{Decision, RetryAfter, RetryPolicy};
pub use sender::{ConnectorFactory, PullSummary, RunSummary, Sender, SenderConfig};
