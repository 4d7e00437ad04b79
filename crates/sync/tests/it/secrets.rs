//! Connector secrets: never in the database (raw file, WAL, or any decrypted column), never in
//! an error or stored reason, even when the server echoes them back; and a token stored in the
//! real OS keychain is read back by another process (with `COPILOT_KEYCHAIN_TEST=1`).

use std::sync::Arc;

use copilot_secrets::{KeychainSecretStore, SecretStore};
use copilot_store::OutboxState;
use copilot_sync::{ManualClock, RetryPolicy, connector_secret_key};
use sqlx::{Connection, Row};

use crate::common::{World, at, sender};
use crate::server::{Config, Fault, FaultServer};

const CANARY: &str = "CANARY-7f3a9e1c-do-not-leak";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every value of every table, decrypted with the database key, as text.
async fn decrypted_dump(world: &World) -> anyhow::Result<String> {
    let key = world.key_hex();
    let url = format!("sqlite://{}", world.path.display());
    let options: sqlx::sqlite::SqliteConnectOptions = url
        .parse::<sqlx::sqlite::SqliteConnectOptions>()?
        .pragma("key", format!("\"x'{key}'\""));
    let mut connection = sqlx::SqliteConnection::connect_with(&options).await?;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut connection)
            .await?;
    let mut dump = String::new();
    for table in &tables {
        let sql = format!("SELECT * FROM \"{table}\"");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut connection)
            .await?;
        for row in rows {
            for index in 0..row.len() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(index) {
                    dump.push_str(&text);
                } else if let Ok(Some(bytes)) = row.try_get::<Option<Vec<u8>>, _>(index) {
                    dump.push_str(&String::from_utf8_lossy(&bytes));
                }
                dump.push('\t');
            }
            dump.push('\n');
        }
    }
    anyhow::ensure!(
        dump.contains("rep-0000"),
        "the dump reads the decrypted data"
    );
    Ok(dump)
}

#[tokio::test]
async fn the_token_never_reaches_the_database_errors_or_reasons() -> anyhow::Result<()> {
    let world = World::new().await?;
    let mut config = Config::new(CANARY);
    config.echo_credentials = true;
    let server = FaultServer::start(config, None).await?;
    world.add_rest("hr", &server.url, CANARY).await?;
    world.save_reports(3).await?;
    let clock = Arc::new(ManualClock::new(at(6, 9, 0)));
    let sender = sender(
        &world.store,
        clock.clone(),
        5,
        world.secrets.clone(),
        RetryPolicy::default(),
    );
    // A hostile server echoes the Authorization header in its 422 and 401 answers.
    server.script(&[
        Fault::Unprocessable,
        Fault::Unprocessable,
        Fault::Unauthorized,
    ]);
    sender.run_once().await?;
    let rows = world.store.outbox().await?;
    let states: Vec<OutboxState> = rows.iter().map(|r| r.state).collect();
    assert_eq!(
        states.iter().filter(|s| **s == OutboxState::Dead).count(),
        2,
        "{states:?}"
    );
    assert_eq!(
        states.iter().filter(|s| **s == OutboxState::Paused).count(),
        1,
        "{states:?}"
    );
    let reasons: Vec<String> = rows.iter().filter_map(|r| r.last_error.clone()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("Bearer ***")),
        "the echo was scrubbed: {reasons:?}"
    );
    let connector = world.store.connector("hr").await?;
    let mut texts = reasons.join("\n");
    texts.push_str(&format!("{connector:?}"));
    texts.push_str(&format!("{:?}", world.store.outbox().await?));
    let check = copilot_sync::build_connector(
        &connector,
        &*world.secrets,
        copilot_sync::HttpSettings::default(),
    )?;
    texts.push_str(&format!("{:?}", check.test_connection().await));
    assert!(
        !texts.contains(CANARY),
        "a secret leaked into reasons or errors"
    );

    // The decrypted database, and the raw files (database, WAL, shared memory).
    let dump = decrypted_dump(&world).await?;
    assert!(!dump.contains(CANARY), "the token is in the database");
    for entry in std::fs::read_dir(world.dir.path())? {
        let path = entry?.path();
        let bytes = std::fs::read(&path)?;
        assert!(
            !contains(&bytes, CANARY.as_bytes()),
            "{} holds the token",
            path.display()
        );
    }
    // The secret is where it belongs.
    let stored = world.secrets.get(&connector_secret_key("hr", "token"))?;
    assert_eq!(
        stored.map(|s| s.expose().to_string()).as_deref(),
        Some(CANARY)
    );
    Ok(())
}

const CHILD: &str = "COPILOT_SYNC_KEYCHAIN_CHILD";
const CHILD_URL: &str = "COPILOT_SYNC_KEYCHAIN_URL";
const MARKER: &str = "SYNC-KEYCHAIN-CHILD:";

fn keychain_test_enabled() -> bool {
    std::env::var("COPILOT_KEYCHAIN_TEST").is_ok_and(|v| v == "1")
}

/// Not a test of its own: a second process that reads the connector token from the real
/// keychain and uses it against the server. Without `COPILOT_SYNC_KEYCHAIN_CHILD` it does nothing.
#[test]
fn keychain_child_process() {
    let Ok(connector_id) = std::env::var(CHILD) else {
        return;
    };
    let url = std::env::var(CHILD_URL).expect("url");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = runtime.block_on(async move {
        let keychain = KeychainSecretStore::connect()?;
        let token = keychain
            .get(&connector_secret_key(&connector_id, "token"))?
            .ok_or_else(|| anyhow::anyhow!("no token in the keychain"))?;
        let connector = copilot_sync::RestConnector::new(
            copilot_sync::http_client(copilot_sync::HttpSettings::default())?,
            &url,
            token,
            None,
        );
        let check = copilot_sync::HrConnector::test_connection(&connector).await?;
        anyhow::Ok(check.detail)
    });
    match outcome {
        Ok(detail) => println!("{MARKER}ok {detail}"),
        Err(error) => println!("{MARKER}error {error}"),
    }
}

#[tokio::test]
async fn a_token_in_the_real_keychain_is_read_back_by_another_process() -> anyhow::Result<()> {
    if !keychain_test_enabled() {
        eprintln!(
            "skipped: set COPILOT_KEYCHAIN_TEST=1 and run under scripts/with-keychain.sh to use the real Secret Service"
        );
        return Ok(());
    }
    let token = format!("tok-keychain-{}", std::process::id());
    let server = FaultServer::start(Config::new(&token), None).await?;
    let keychain = KeychainSecretStore::connect()?;
    let connector_id = format!("it-{}", std::process::id());
    let key = connector_secret_key(&connector_id, "token");
    keychain.set(&key, &token)?;
    // Async, so this runtime keeps serving the HR server while the child runs.
    let output = tokio::process::Command::new(std::env::current_exe()?)
        .args(["secrets::keychain_child_process", "--exact", "--nocapture"])
        .env(CHILD, &connector_id)
        .env(CHILD_URL, &server.url)
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix(MARKER))
        .unwrap_or_default()
        .to_string();
    keychain.delete(&key)?;
    assert!(line.starts_with("ok "), "child: {line}\n{stdout}");
    assert!(keychain.get(&key)?.is_none());
    Ok(())
}
