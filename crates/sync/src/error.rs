//! Errors of the sync crate (not of one attempt: see [`crate::AttemptError`]).

use copilot_secrets::SecretError;
use copilot_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("the connector's secret \"{name}\" could not be read from the OS keychain: {source}")]
    Keychain {
        name: &'static str,
        #[source]
        source: SecretError,
    },

    #[error(
        "connector \"{connector_id}\" has no {name} in the OS keychain: set it again (`copilot connector add` or the connector settings) and retry"
    )]
    MissingSecret {
        connector_id: String,
        name: &'static str,
    },

    #[error(
        "the settings of connector \"{connector_id}\" are not valid: {detail}; fix them in the connector settings"
    )]
    InvalidConfig {
        connector_id: String,
        detail: String,
    },

    #[error(
        "the HTTP client could not be built ({detail}): this is a bug or a broken TLS setup; report it"
    )]
    HttpClient { detail: String },
}
