//! The recovery key shown once at creation opens the database when the keychain lost its key.

use copilot_secrets::{MemorySecretStore, SecretStore};
use copilot_store::{RecoveryKeyError, Store, StoreError, keychain_key};

use crate::common::{create, fixture_jobs, place, reopen, snapshot, stored_key};

#[tokio::test]
async fn the_recovery_key_reopens_and_restores_the_keychain_entry() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, recovery_key) = create(&place.path, &secrets).await;
    store.save_jobs(&fixture_jobs()).await?;
    store.close().await;
    let original_key = stored_key(&secrets, &place.path);

    let text = recovery_key.expose();
    assert_eq!(text.len(), 14 * 4 + 13, "{}", text.len());
    assert_eq!(format!("{recovery_key:?}"), "RecoveryKey(***)");

    // A new machine (empty keychain), the key typed in lower case with spaces.
    let new_keychain = MemorySecretStore::new();
    let typed = text.to_lowercase().replace('-', " ");
    let store = Store::recover(&place.path, &new_keychain, &typed).await?;
    assert_eq!(store.list_jobs().await?.len(), 4);
    store.close().await;
    assert_eq!(stored_key(&new_keychain, &place.path), original_key);

    // From now on a plain open works.
    let store = reopen(&place.path, &new_keychain).await;
    assert_eq!(store.list_jobs().await?.len(), 4);
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn a_recovery_key_of_another_database_is_refused() -> anyhow::Result<()> {
    let first = place();
    let second = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&first.path, &secrets).await;
    store.close().await;
    let (store, other_recovery_key) = create(&second.path, &secrets).await;
    store.close().await;

    let empty = MemorySecretStore::new();
    let before = snapshot(first.folder.path());
    let error = Store::recover(&first.path, &empty, other_recovery_key.expose())
        .await
        .expect_err("another database's key must not open it");
    assert!(
        matches!(error, StoreError::RecoveryKeyDoesNotMatch { .. }),
        "{error:?}"
    );
    assert_eq!(snapshot(first.folder.path()), before);
    assert!(
        empty.is_empty(),
        "a key that did not work must not be stored"
    );
    Ok(())
}

#[tokio::test]
async fn typos_and_missing_files_are_reported() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, recovery_key) = create(&place.path, &secrets).await;
    store.close().await;
    secrets.delete(&keychain_key(&place.path.canonicalize()?))?;

    // Swap two different neighbouring symbols: the checksum catches it.
    let mut symbols: Vec<char> = recovery_key.expose().chars().collect();
    let swap = (0..symbols.len() - 1)
        .find(|&i| symbols[i] != '-' && symbols[i + 1] != '-' && symbols[i] != symbols[i + 1])
        .expect("two different neighbours");
    symbols.swap(swap, swap + 1);
    let typo: String = symbols.into_iter().collect();
    let before = snapshot(place.folder.path());
    let error = Store::recover(&place.path, &secrets, &typo)
        .await
        .expect_err("a typo must be caught");
    assert!(
        matches!(
            error,
            StoreError::InvalidRecoveryKey(RecoveryKeyError::ChecksumMismatch)
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("mistyped"), "{error}");

    let error = Store::recover(&place.path, &secrets, "ABCD-EFGH")
        .await
        .expect_err("too short");
    assert!(
        matches!(
            error,
            StoreError::InvalidRecoveryKey(RecoveryKeyError::WrongLength { found: 8 })
        ),
        "{error:?}"
    );
    assert_eq!(snapshot(place.folder.path()), before);
    assert!(secrets.is_empty());

    let error = Store::recover(
        &place.folder.path().join("absent.db"),
        &secrets,
        recovery_key.expose(),
    )
    .await
    .expect_err("nothing to recover");
    assert!(matches!(error, StoreError::NoDatabase { .. }), "{error:?}");
    assert!(!place.folder.path().join("absent.db").exists());
    Ok(())
}
