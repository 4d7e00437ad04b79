use copilot_secrets::{MemorySecretStore, SecretError, SecretKey, SecretStore, SecretValue};

#[test]
fn stores_reads_replaces_and_deletes() -> anyhow::Result<()> {
    let store = MemorySecretStore::new();
    let key = SecretKey::new("interview-copilot", "database-key:/tmp/a.db");
    let other = SecretKey::new("interview-copilot", "database-key:/tmp/b.db");

    assert_eq!(store.get(&key)?, None);
    store.set(&key, "first")?;
    store.set(&other, "other")?;
    assert_eq!(
        store.get(&key)?.as_ref().map(SecretValue::expose),
        Some("first")
    );
    store.set(&key, "second")?;
    assert_eq!(
        store.get(&key)?.as_ref().map(SecretValue::expose),
        Some("second")
    );
    assert_eq!(store.len(), 2);

    store.delete(&key)?;
    assert_eq!(store.get(&key)?, None);
    // Deleting what is absent is not an error.
    store.delete(&key)?;
    assert_eq!(
        store.get(&other)?.as_ref().map(SecretValue::expose),
        Some("other")
    );
    Ok(())
}

#[test]
fn an_unavailable_store_says_so_on_every_call() -> anyhow::Result<()> {
    let store = MemorySecretStore::new();
    let key = SecretKey::new("svc", "acct");
    store.set(&key, "kept")?;
    store.set_available(false);
    for result in [
        store.get(&key).map(|_| ()),
        store.set(&key, "x"),
        store.delete(&key),
    ] {
        let error = result.expect_err("an unavailable store must fail");
        assert!(
            matches!(error, SecretError::Unavailable { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("is not available"), "{error}");
    }
    store.set_available(true);
    assert_eq!(
        store.get(&key)?.as_ref().map(SecretValue::expose),
        Some("kept")
    );
    Ok(())
}

#[test]
fn secret_values_never_show_in_debug_output() -> anyhow::Result<()> {
    let store = MemorySecretStore::new();
    let key = SecretKey::new("svc", "acct");
    store.set(&key, "hunter2-very-secret")?;
    let value = store.get(&key)?;
    let debug = format!("{value:?} {store:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("***"), "{debug}");
    Ok(())
}
