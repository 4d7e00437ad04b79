//! Files the store must refuse, each with its own error, leaving every byte as it was.

use std::path::Path;

use copilot_secrets::{MemorySecretStore, SecretError, SecretStore};
use copilot_store::{Store, StoreError, StoreErrorKind, keychain_key};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::common::{create, fixture_jobs, place, snapshot, stored_key};

/// Opens `path` expecting a refusal, and checks that no file in its folder changed.
async fn refused(path: &Path, secrets: &dyn SecretStore) -> StoreError {
    let folder = path.parent().expect("a folder");
    let before = snapshot(folder);
    let error = Store::open(path, secrets)
        .await
        .expect_err("the store must refuse this file");
    assert_eq!(snapshot(folder), before, "files changed after: {error}");
    error
}

#[tokio::test]
async fn plaintext_sqlite_is_refused_and_untouched() -> anyhow::Result<()> {
    let place = place();
    let pool = SqlitePoolOptions::new()
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&place.path)
                .create_if_missing(true),
        )
        .await?;
    sqlx::query("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')")
        .execute(&pool)
        .await?;
    pool.close().await;

    let secrets = MemorySecretStore::new();
    let error = refused(&place.path, &secrets).await;
    assert!(
        matches!(error, StoreError::PlaintextDatabase { .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), StoreErrorKind::DatabaseRefused);
    assert!(
        error.to_string().contains("unencrypted SQLite database"),
        "{error}"
    );
    assert!(secrets.is_empty(), "no key may be made for a refused file");
    Ok(())
}

#[tokio::test]
async fn an_empty_file_a_folder_and_a_foreign_file_are_refused() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();

    std::fs::write(&place.path, b"")?;
    let error = refused(&place.path, &secrets).await;
    assert!(matches!(error, StoreError::EmptyFile { .. }), "{error:?}");

    let folder_path = place.folder.path().join("a-folder.db");
    std::fs::create_dir(&folder_path)?;
    let error = refused(&folder_path, &secrets).await;
    assert!(matches!(error, StoreError::NotAFile { .. }), "{error:?}");

    // A file that is not SQLite at all, with no key: the key is missing.
    let notes = place.folder.path().join("notes.db");
    std::fs::write(&notes, "meeting notes, not a database\n".repeat(300))?;
    let error = refused(&notes, &secrets).await;
    assert!(
        matches!(error, StoreError::KeyNotInKeychain { .. }),
        "{error:?}"
    );
    // With some key in the keychain for it: it does not decrypt.
    secrets.set(&keychain_key(&notes.canonicalize()?), &"ab".repeat(32))?;
    let error = refused(&notes, &secrets).await;
    assert!(matches!(error, StoreError::WrongKey { .. }), "{error:?}");
    assert!(secrets.len() == 1);
    Ok(())
}

#[tokio::test]
async fn a_missing_damaged_or_wrong_key_is_refused() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store.save_jobs(&fixture_jobs()).await?;
    store.close().await;
    let entry = keychain_key(&place.path.canonicalize()?);
    let right_key = stored_key(&secrets, &place.path);

    secrets.delete(&entry)?;
    let error = refused(&place.path, &secrets).await;
    assert!(
        matches!(error, StoreError::KeyNotInKeychain { .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), StoreErrorKind::KeyNotInKeychain);
    assert!(
        error.to_string().ends_with(
            "is not in the OS keychain: reopen with your recovery key (`copilot store recover`)"
        ),
        "{error}"
    );

    secrets.set(&entry, "not-a-hex-key")?;
    let error = refused(&place.path, &secrets).await;
    assert!(
        matches!(error, StoreError::KeyInKeychainDamaged { .. }),
        "{error:?}"
    );

    // A well-formed key of another database.
    let mut wrong = right_key.clone().into_bytes();
    wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
    secrets.set(&entry, std::str::from_utf8(&wrong)?)?;
    let error = refused(&place.path, &secrets).await;
    assert!(matches!(error, StoreError::WrongKey { .. }), "{error:?}");
    assert!(
        error.to_string().contains("file is not a database"),
        "{error}"
    );

    // The right key still opens it: nothing was damaged by the failed attempts.
    secrets.set(&entry, &right_key)?;
    let store = crate::common::reopen(&place.path, &secrets).await;
    assert_eq!(store.list_jobs().await?.len(), 4);
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn an_unavailable_keychain_is_a_clear_error_and_creates_nothing() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    secrets.set_available(false);

    // New database: nothing is created without a place for the key.
    let error = refused(&place.path, &secrets).await;
    assert!(
        matches!(
            error,
            StoreError::Keychain {
                source: SecretError::Unavailable { .. },
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("is not available"), "{error}");
    assert_eq!(error.kind(), StoreErrorKind::KeychainUnavailable);
    assert!(!place.path.exists());

    // Existing database: refused, untouched.
    secrets.set_available(true);
    let (store, _) = create(&place.path, &secrets).await;
    store.close().await;
    secrets.set_available(false);
    let error = refused(&place.path, &secrets).await;
    assert!(matches!(error, StoreError::Keychain { .. }), "{error:?}");
    Ok(())
}

#[tokio::test]
async fn an_unwritable_location_says_so_and_writes_nothing() -> anyhow::Result<()> {
    // Tests run as root, where permission bits do not stop writes: put the database "inside"
    // a regular file instead, which no user can write into.
    let place = place();
    let blocker = place.folder.path().join("not-a-folder");
    std::fs::write(&blocker, b"a file")?;
    let secrets = MemorySecretStore::new();
    let path = blocker.join("copilot.db");
    let before = snapshot(place.folder.path());
    let error = Store::open(&path, &secrets)
        .await
        .expect_err("cannot create there");
    assert!(matches!(error, StoreError::NotWritable { .. }), "{error:?}");
    assert_eq!(error.kind(), StoreErrorKind::NotWritable);
    let message = error.to_string();
    assert!(message.contains("not-a-folder/copilot.db"), "{message}");
    assert!(message.ends_with("nothing was written"), "{message}");
    assert_eq!(snapshot(place.folder.path()), before);
    assert!(
        secrets.is_empty(),
        "no key may be left for a database that was not made"
    );
    Ok(())
}

#[tokio::test]
async fn a_missing_folder_is_created() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let path = place.folder.path().join("nested/deeper/copilot.db");
    let (store, _) = create(&path, &secrets).await;
    store.close().await;
    assert!(path.is_file());
    Ok(())
}
