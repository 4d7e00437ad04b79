//! The file on disk is SQLCipher-encrypted, every connection is keyed first, and the
//! connection settings are the documented ones.

use std::time::Duration;

use copilot_secrets::MemorySecretStore;
use copilot_store::Store;
use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::common::{contains, create, fixture_jobs, place, reopen, snapshot, stored_key};

const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

#[tokio::test]
async fn nothing_on_disk_is_plaintext() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store.save_jobs(&fixture_jobs()).await?;
    store.set_setting("greeting", "PLAINTEXT-MARKER-42").await?;

    // While open (main file, WAL and shared memory) and after closing.
    for moment in ["open", "closed"] {
        let files = snapshot(place.folder.path());
        assert!(
            files.iter().any(|(name, _)| name == "copilot.db"),
            "{moment}"
        );
        for (name, bytes) in &files {
            if name == "copilot.db" {
                assert!(
                    !bytes.starts_with(SQLITE_HEADER),
                    "{name} has the plaintext header"
                );
                assert!(bytes.len() > 4096, "{name} is only {} bytes", bytes.len());
            }
            for plaintext in [
                "Sales Representative".as_bytes(),
                "销售代表".as_bytes(),
                b"PLAINTEXT-MARKER-42",
                b"CREATE TABLE",
                b"model_versions",
            ] {
                assert!(
                    !contains(bytes, plaintext),
                    "{moment}: {name} contains {:?}",
                    String::from_utf8_lossy(plaintext)
                );
            }
        }
        if moment == "open" {
            store.clone().close().await;
        }
    }
    // Closing checkpoints and removes the WAL; the temporary creation file is gone.
    let names: Vec<String> = snapshot(place.folder.path())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["copilot.db"]);
    Ok(())
}

#[tokio::test]
async fn connections_use_wal_full_sync_foreign_keys_and_sqlcipher() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let diagnostics = store.diagnostics().await?;
    assert_eq!(diagnostics.journal_mode, "wal");
    assert_eq!(diagnostics.synchronous, "full");
    assert!(diagnostics.foreign_keys);
    let cipher = diagnostics.cipher_version.expect("SQLCipher is linked");
    assert!(cipher.starts_with('4'), "SQLCipher {cipher}");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))?
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    assert_eq!(
        diagnostics.schema_version, migrations as i64,
        "every migration applied"
    );
    store.close().await;

    // The same after reopening (journal_mode is stored in the file, synchronous per connection).
    let store = reopen(&place.path, &secrets).await;
    let diagnostics = store.diagnostics().await?;
    assert_eq!(
        (diagnostics.journal_mode.as_str(), diagnostics.synchronous),
        ("wal", "full")
    );
    store.close().await;
    Ok(())
}

/// Options built with `journal_mode` BEFORE `key`: sqlx must still send `PRAGMA key` first.
fn options(path: &std::path::Path, hex_key: &str) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .pragma("key", format!("\"x'{hex_key}'\""))
        .disable_statement_logging()
}

#[tokio::test]
async fn every_pooled_connection_is_keyed_and_a_wrong_key_fails() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store.save_jobs(&fixture_jobs()).await?;
    store.close().await;
    let right_key = stored_key(&secrets, &place.path);

    // Four connections held at once, each opened with the pragma string.
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .min_connections(4)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options(&place.path, &right_key))
        .await?;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(pool.acquire().await?);
    }
    for connection in &mut held {
        let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM model_versions")
            .fetch_one(&mut **connection)
            .await?;
        assert_eq!(versions, 4);
    }
    drop(held);
    pool.close().await;

    // A wrong key: SQLCipher's "file is not a database" (code 26) on connect.
    let wrong_key = "00".repeat(32);
    let before = std::fs::read(&place.path)?;
    let error = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options(&place.path, &wrong_key))
        .await
        .expect_err("a wrong key must not open the database");
    let database_error = error.as_database_error().expect("a SQLite error");
    assert_eq!(database_error.code().as_deref(), Some("26"), "{error}");
    assert!(
        error.to_string().contains("file is not a database"),
        "{error}"
    );
    assert_eq!(std::fs::read(&place.path)?, before);

    // And no key at all: plain SQLite cannot read it either.
    let unkeyed = async {
        let pool = SqlitePoolOptions::new()
            .connect_with(SqliteConnectOptions::new().filename(&place.path))
            .await?;
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .execute(&pool)
            .await
    }
    .await;
    let error = unkeyed.expect_err("no key must not open the database");
    assert!(
        error.to_string().contains("file is not a database"),
        "{error}"
    );
    assert_eq!(std::fs::read(&place.path)?, before);

    // Many concurrent queries through the store's own pool all see the data.
    let store = reopen(&place.path, &secrets).await;
    let lists = futures_join(&store).await;
    assert!(lists.iter().all(|count| *count == 4), "{lists:?}");
    store.close().await;
    Ok(())
}

async fn futures_join(store: &Store) -> Vec<usize> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let store = store.clone();
        tasks.spawn(async move { store.list_jobs().await.map(|jobs| jobs.len()) });
    }
    let mut counts = Vec::new();
    while let Some(result) = tasks.join_next().await {
        counts.push(result.expect("task ran").expect("list_jobs works"));
    }
    counts
}
