//! Connector kinds, their non-secret settings (stored in the database) and their secrets
//! (in the OS keychain), and building a connector from both.

use std::sync::Arc;

use copilot_secrets::{SecretKey, SecretStore, SecretValue};
use copilot_store::ConnectorRecord;
use serde::{Deserialize, Serialize};

use crate::connector::HrConnector;
use crate::connectors::{feishu, greenhouse};
use crate::error::SyncError;
use crate::http::{HttpSettings, http_client};
use crate::{FeishuConnector, GreenhouseConnector, RestConnector};

/// The keychain service under which connector secrets live (account: `<connector id>/<name>`).
pub const SECRET_SERVICE: &str = "interview-copilot-connector";

/// Where a connector's secret `name` lives in the keychain.
pub fn connector_secret_key(connector_id: &str, name: &str) -> SecretKey {
    SecretKey::new(SECRET_SERVICE, format!("{connector_id}/{name}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorKind {
    Rest,
    Feishu,
    Greenhouse,
}

impl ConnectorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorKind::Rest => "rest",
            ConnectorKind::Feishu => "feishu",
            ConnectorKind::Greenhouse => "greenhouse",
        }
    }

    pub fn parse(text: &str) -> Option<ConnectorKind> {
        Some(match text {
            "rest" => ConnectorKind::Rest,
            "feishu" => ConnectorKind::Feishu,
            "greenhouse" => ConnectorKind::Greenhouse,
            _ => return None,
        })
    }
}

/// The secrets a kind of connector takes: (name, required).
pub fn secret_names(kind: ConnectorKind) -> &'static [(&'static str, bool)] {
    match kind {
        ConnectorKind::Rest => &[("token", true), ("signing_key", false)],
        ConnectorKind::Feishu => &[("app_secret", true)],
        ConnectorKind::Greenhouse => &[("api_key", true)],
    }
}

fn feishu_base() -> String {
    feishu::DEFAULT_BASE_URL.into()
}

fn greenhouse_base() -> String {
    greenhouse::DEFAULT_BASE_URL.into()
}

fn private() -> String {
    "private".into()
}

/// A connector's non-secret settings, as stored (JSON, tagged by `kind`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConnectorConfig {
    /// Our published API (`schemas/hr-api.openapi.yaml`). Secrets: `token`, optional `signing_key`.
    Rest { base_url: String },
    /// Feishu / Lark Hire. Secret: `app_secret`.
    Feishu {
        #[serde(default = "feishu_base")]
        base_url: String,
        app_id: String,
        /// This interviewer's Feishu user id (to pull their interviews).
        #[serde(default)]
        interviewer_user_id: String,
    },
    /// Greenhouse Harvest API. Secret: `api_key`.
    Greenhouse {
        #[serde(default = "greenhouse_base")]
        base_url: String,
        /// The Greenhouse user notes are written as (`On-Behalf-Of`).
        user_id: String,
        #[serde(default)]
        interviewer_email: String,
        /// `admin_only`, `private` or `public`.
        #[serde(default = "private")]
        visibility: String,
    },
}

impl ConnectorConfig {
    pub fn kind(&self) -> ConnectorKind {
        match self {
            ConnectorConfig::Rest { .. } => ConnectorKind::Rest,
            ConnectorConfig::Feishu { .. } => ConnectorKind::Feishu,
            ConnectorConfig::Greenhouse { .. } => ConnectorKind::Greenhouse,
        }
    }

    pub fn base_url(&self) -> &str {
        match self {
            ConnectorConfig::Rest { base_url }
            | ConnectorConfig::Feishu { base_url, .. }
            | ConnectorConfig::Greenhouse { base_url, .. } => base_url,
        }
    }

    /// Problems an admin must fix, one line each (empty when valid).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let url = self.base_url();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            problems.push(format!(
                "base_url \"{url}\" must start with https:// (or http:// on a test network)"
            ));
        }
        match self {
            ConnectorConfig::Rest { .. } => {}
            ConnectorConfig::Feishu { app_id, .. } => {
                if app_id.trim().is_empty() {
                    problems.push(
                        "app_id is empty: copy it from the Feishu developer console (cli_...)"
                            .into(),
                    );
                }
            }
            ConnectorConfig::Greenhouse {
                user_id,
                visibility,
                ..
            } => {
                if user_id.parse::<u64>().is_err() {
                    problems.push(format!("user_id \"{user_id}\" must be the numeric Greenhouse user id notes are written as"));
                }
                if !matches!(visibility.as_str(), "admin_only" | "private" | "public") {
                    problems.push(format!(
                        "visibility \"{visibility}\" must be admin_only, private or public"
                    ));
                }
            }
        }
        problems
    }

    /// What leaves the machine through this connector, one line each (the settings screen).
    pub fn data_sent(&self) -> Vec<String> {
        match self {
            ConnectorConfig::Rest { .. } => crate::connectors::rest::data_sent(),
            ConnectorConfig::Feishu { .. } => crate::connectors::feishu::data_sent(),
            ConnectorConfig::Greenhouse { visibility, .. } => {
                crate::connectors::greenhouse::data_sent(visibility)
            }
        }
    }

    pub fn parse(connector_id: &str, json: &str) -> Result<ConnectorConfig, SyncError> {
        serde_json::from_str(json).map_err(|error| SyncError::InvalidConfig {
            connector_id: connector_id.to_string(),
            detail: error.to_string(),
        })
    }
}

fn read_secret(
    secrets: &dyn SecretStore,
    connector_id: &str,
    name: &'static str,
) -> Result<Option<SecretValue>, SyncError> {
    secrets
        .get(&connector_secret_key(connector_id, name))
        .map_err(|source| SyncError::Keychain { name, source })
}

fn required(
    secrets: &dyn SecretStore,
    connector_id: &str,
    name: &'static str,
) -> Result<SecretValue, SyncError> {
    read_secret(secrets, connector_id, name)?.ok_or_else(|| SyncError::MissingSecret {
        connector_id: connector_id.to_string(),
        name,
    })
}

/// Builds the connector a stored record describes, reading its secrets from `secrets`.
pub fn build_connector(
    record: &ConnectorRecord,
    secrets: &dyn SecretStore,
    http: HttpSettings,
) -> Result<Arc<dyn HrConnector>, SyncError> {
    let config = ConnectorConfig::parse(&record.id, &record.config)?;
    let problems = config.problems();
    if !problems.is_empty() {
        return Err(SyncError::InvalidConfig {
            connector_id: record.id.clone(),
            detail: problems.join("; "),
        });
    }
    let client = http_client(http)?;
    let id = record.id.as_str();
    Ok(match config {
        ConnectorConfig::Rest { base_url } => Arc::new(RestConnector::new(
            client,
            &base_url,
            required(secrets, id, "token")?,
            read_secret(secrets, id, "signing_key")?,
        )),
        ConnectorConfig::Feishu {
            base_url,
            app_id,
            interviewer_user_id,
        } => Arc::new(FeishuConnector::new(
            client,
            &base_url,
            &app_id,
            required(secrets, id, "app_secret")?,
            &interviewer_user_id,
        )),
        ConnectorConfig::Greenhouse {
            base_url,
            user_id,
            interviewer_email,
            visibility,
        } => Arc::new(GreenhouseConnector::new(
            client,
            &base_url,
            required(secrets, id, "api_key")?,
            &user_id,
            &interviewer_email,
            &visibility,
        )),
    })
}
