//! `copilot sync status|run|retry` and `copilot connector add|test|list`: the HR sync from the
//! command line. Secrets are read from environment variables or standard input, never from
//! the command line (where `ps` and the shell history would keep them).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use copilot_core::{Copilot, KeychainSecretStore, NewConnector, SecretStore};

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Counts per state, the connectors, and every report not yet delivered.
    Status,
    /// Pull assigned interviews and send every report that is due (`--watch`: keep sending).
    Run {
        #[arg(long)]
        watch: bool,
    },
    /// Resend a dead letter (or a paused delivery) of a report: same key, same bytes.
    Retry { report_id: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Rest,
    Feishu,
    Greenhouse,
}

#[derive(Subcommand)]
pub enum ConnectorCommand {
    /// Add an HR connector. Secrets: `--secret-env token=HR_TOKEN` (read from that environment
    /// variable) or `--secret-stdin token` (one line from standard input).
    Add {
        #[arg(long)]
        id: String,
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        name: Option<String>,
        /// Default: the vendor's API for feishu and greenhouse; required for rest.
        #[arg(long)]
        base_url: Option<String>,
        /// Feishu: the app id (cli_...).
        #[arg(long)]
        app_id: Option<String>,
        /// Feishu: this interviewer's user id; Greenhouse: the numeric user notes are written as.
        #[arg(long)]
        user_id: Option<String>,
        /// Greenhouse: this interviewer's e-mail (to pull their scheduled interviews).
        #[arg(long)]
        interviewer_email: Option<String>,
        /// Greenhouse note visibility: admin_only, private or public.
        #[arg(long)]
        visibility: Option<String>,
        #[arg(long = "secret-env", value_name = "NAME=VAR")]
        secret_env: Vec<String>,
        #[arg(long = "secret-stdin", value_name = "NAME")]
        secret_stdin: Option<String>,
    },
    /// Check a connector's URL and credentials with a harmless request.
    Test { id: String },
    /// The connectors, what each sends, and which secrets the keychain holds.
    List,
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub async fn run_sync(
    copilot: &Copilot,
    secrets: KeychainSecretStore,
    command: SyncCommand,
    json: bool,
) -> Result<()> {
    match command {
        SyncCommand::Status => {
            let status = copilot.sync_status(&secrets).await?;
            if json {
                return print_json(&status);
            }
            println!(
                "pending {}  sending {}  delivered {}  dead letters {}  paused {}",
                status.pending, status.sending, status.delivered, status.dead, status.paused
            );
            if let Some(next) = &status.next_attempt_at {
                println!("next attempt: {next}");
            }
            for connector in &status.connectors {
                let state = if connector.paused {
                    "PAUSED: sign in again"
                } else {
                    "active"
                };
                println!("connector {} ({}, {state})", connector.id, connector.kind);
                if let Some(reason) = &connector.paused_reason {
                    println!("  reason: {reason}");
                }
            }
            for item in status.queue.iter().filter(|i| i.state != "delivered") {
                println!(
                    "{} -> {}: {} after {} attempts{}",
                    item.report_id,
                    item.connector_id,
                    item.state,
                    item.attempts,
                    item.last_error
                        .as_deref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                );
            }
        }
        SyncCommand::Run { watch } => {
            let secrets: Arc<dyn SecretStore> = Arc::new(secrets);
            let report = copilot.sync_run_once(secrets.clone()).await?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "sent {}: {} delivered, {} to retry, {} dead letters, {} paused; {} assigned interviews pulled",
                    report.attempted,
                    report.delivered,
                    report.retried,
                    report.dead,
                    report.paused,
                    report.pulled
                );
                for failure in &report.failures {
                    println!("pull failed: {failure}");
                }
            }
            if watch {
                let sender = copilot.sync_sender(secrets);
                let (stop_tx, stop) = tokio::sync::watch::channel(false);
                tokio::spawn(async move {
                    let _ = tokio::signal::ctrl_c().await;
                    let _ = stop_tx.send(true);
                });
                sender
                    .run(stop)
                    .await
                    .map_err(copilot_core::CoreError::from)?;
            }
        }
        SyncCommand::Retry { report_id } => {
            let count = copilot.resend_report(&report_id).await?;
            if json {
                print_json(&serde_json::json!({ "report_id": report_id, "requeued": count }))?;
            } else {
                println!("{report_id}: {count} deliveries queued again (same key, same bytes)");
            }
        }
    }
    Ok(())
}

fn read_secrets(env: &[String], stdin_name: Option<&str>) -> Result<BTreeMap<String, String>> {
    let mut secrets = BTreeMap::new();
    for pair in env {
        let (name, var) = pair.split_once('=').with_context(|| {
            format!("--secret-env {pair}: write NAME=ENV_VAR, e.g. token=HR_TOKEN")
        })?;
        let value = std::env::var(var).with_context(|| {
            format!("--secret-env {name}: the environment variable {var} is not set")
        })?;
        secrets.insert(name.to_string(), value);
    }
    if let Some(name) = stdin_name {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let value = line.trim_end_matches(['\r', '\n']).to_string();
        if value.is_empty() {
            bail!("--secret-stdin {name}: standard input was empty");
        }
        secrets.insert(name.to_string(), value);
    }
    Ok(secrets)
}

pub async fn run_connector(
    copilot: &Copilot,
    secrets: KeychainSecretStore,
    command: ConnectorCommand,
    json: bool,
) -> Result<()> {
    match command {
        ConnectorCommand::Add {
            id,
            kind,
            name,
            base_url,
            app_id,
            user_id,
            interviewer_email,
            visibility,
            secret_env,
            secret_stdin,
        } => {
            let mut config = serde_json::Map::new();
            let kind_name = match kind {
                KindArg::Rest => "rest",
                KindArg::Feishu => "feishu",
                KindArg::Greenhouse => "greenhouse",
            };
            config.insert("kind".into(), kind_name.into());
            for (key, value) in [
                ("base_url", base_url),
                ("app_id", app_id),
                ("interviewer_email", interviewer_email),
                ("visibility", visibility),
            ] {
                if let Some(value) = value {
                    config.insert(key.into(), value.into());
                }
            }
            if let Some(user) = user_id {
                let key = if matches!(kind, KindArg::Feishu) {
                    "interviewer_user_id"
                } else {
                    "user_id"
                };
                config.insert(key.into(), user.into());
            }
            let info = copilot
                .add_connector(
                    &secrets,
                    &NewConnector {
                        name: name.unwrap_or_else(|| id.clone()),
                        id,
                        config: serde_json::Value::Object(config),
                        secrets: read_secrets(&secret_env, secret_stdin.as_deref())?,
                    },
                )
                .await?;
            if json {
                print_json(&info)?;
            } else {
                println!("added connector {} ({}); it sends:", info.id, info.kind);
                for line in &info.data_sent {
                    println!("  - {line}");
                }
            }
        }
        ConnectorCommand::Test { id } => {
            let test = copilot.test_connector(&secrets, &id).await?;
            if json {
                print_json(&test)?;
            } else {
                println!("{}: {}", if test.ok { "ok" } else { "FAILED" }, test.detail);
            }
            if !test.ok {
                bail!("connector {id} did not pass the test: {}", test.detail);
            }
        }
        ConnectorCommand::List => {
            let list = copilot.list_connectors(&secrets).await?;
            if json {
                return print_json(&list);
            }
            for connector in list {
                let secrets: Vec<String> = connector
                    .secrets
                    .iter()
                    .map(|s| {
                        format!(
                            "{} {}",
                            s.name,
                            if s.present { "in keychain" } else { "MISSING" }
                        )
                    })
                    .collect();
                println!(
                    "{} ({}, {}) — {}",
                    connector.id,
                    connector.kind,
                    if connector.paused { "paused" } else { "active" },
                    secrets.join(", ")
                );
                for line in &connector.data_sent {
                    println!("  sends: {line}");
                }
            }
        }
    }
    Ok(())
}
