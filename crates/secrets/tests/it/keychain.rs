//! The real OS keychain. The round trip needs a running, unlocked Secret Service and only runs
//! when `COPILOT_KEYCHAIN_TEST=1`; the CI script provides one with
//! `dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ...'`.

use std::process::Command;

use copilot_secrets::{KeychainSecretStore, SecretKey, SecretStore, SecretValue};

const SERVICE: &str = "interview-copilot-test";
const CHILD_ACTION: &str = "COPILOT_KEYCHAIN_CHILD";
const CHILD_ACCOUNT: &str = "COPILOT_KEYCHAIN_CHILD_ACCOUNT";
const CHILD_VALUE: &str = "COPILOT_KEYCHAIN_CHILD_VALUE";
const RESULT_MARKER: &str = "KEYCHAIN-CHILD-RESULT:";

fn keychain_test_enabled() -> bool {
    std::env::var("COPILOT_KEYCHAIN_TEST").is_ok_and(|value| value == "1")
}

/// Runs [`keychain_child_process`] in a fresh process of this test binary and returns what it
/// printed after the marker.
fn run_child(action: &str, account: &str, value: &str, extra_env: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let mut command = Command::new(exe);
    command
        .args(["keychain::keychain_child_process", "--exact", "--nocapture"])
        .env(CHILD_ACTION, action)
        .env(CHILD_ACCOUNT, account)
        .env(CHILD_VALUE, value);
    for (name, value) in extra_env {
        command.env(name, value);
    }
    let output = command.output().expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child {action} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(RESULT_MARKER))
        .unwrap_or_else(|| panic!("child {action} printed no result: {stdout}"))
        .to_string()
}

/// Not a test of its own: the body of a child process spawned by the tests below. Without
/// `COPILOT_KEYCHAIN_CHILD` it does nothing.
#[test]
fn keychain_child_process() {
    let Ok(action) = std::env::var(CHILD_ACTION) else {
        return;
    };
    let account = std::env::var(CHILD_ACCOUNT).unwrap_or_default();
    let value = std::env::var(CHILD_VALUE).unwrap_or_default();
    let key = SecretKey::new(SERVICE, account);
    let outcome = KeychainSecretStore::connect().and_then(|store| match action.as_str() {
        "connect" => Ok("connected".to_string()),
        "set" => store.set(&key, &value).map(|()| "stored".to_string()),
        "get" => store.get(&key).map(|found| match found {
            Some(secret) => format!("found {}", secret.expose()),
            None => "absent".to_string(),
        }),
        "delete" => store.delete(&key).map(|()| "deleted".to_string()),
        other => panic!("unknown child action {other}"),
    });
    match outcome {
        Ok(text) => println!("{RESULT_MARKER}{text}"),
        Err(error) => println!("{RESULT_MARKER}error {error}"),
    }
}

#[test]
fn round_trip_in_the_real_keychain_across_processes() -> anyhow::Result<()> {
    if !keychain_test_enabled() {
        eprintln!(
            "skipped: set COPILOT_KEYCHAIN_TEST=1 inside a session with an unlocked Secret Service \
             (dbus-run-session + gnome-keyring-daemon --unlock) to test the real OS keychain"
        );
        return Ok(());
    }
    let store = KeychainSecretStore::connect()?;
    assert_eq!(store.backend_name(), "Secret Service");
    let account = format!("it-{}", std::process::id());
    let key = SecretKey::new(SERVICE, account.as_str());
    let value = "0123456789abcdef 密钥 ✓";

    // In this process: absent, stored, read back, replaced.
    store.delete(&key)?;
    assert_eq!(store.get(&key)?, None);
    store.set(&key, "first")?;
    assert_eq!(
        store.get(&key)?.as_ref().map(SecretValue::expose),
        Some("first")
    );
    store.set(&key, value)?;
    assert_eq!(
        store.get(&key)?.as_ref().map(SecretValue::expose),
        Some(value)
    );

    // Another process reads what this one stored; a third stores, a fourth reads.
    assert_eq!(
        run_child("get", &account, "", &[]),
        format!("found {value}")
    );
    assert_eq!(run_child("set", &account, "from-child", &[]), "stored");
    assert_eq!(run_child("get", &account, "", &[]), "found from-child");
    assert_eq!(
        store.get(&key)?.as_ref().map(SecretValue::expose),
        Some("from-child")
    );

    // Deleted by a child, gone for everyone; deleting again is fine.
    assert_eq!(run_child("delete", &account, "", &[]), "deleted");
    assert_eq!(store.get(&key)?, None);
    assert_eq!(run_child("get", &account, "", &[]), "absent");
    store.delete(&key)?;
    Ok(())
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
#[test]
fn no_secret_service_is_a_clear_error_not_a_fallback() {
    // A session bus address that leads nowhere: the store must refuse, not keep secrets in memory.
    let outcome = run_child(
        "set",
        "unreachable",
        "must-not-be-kept",
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/copilot-test-bus",
        )],
    );
    assert!(
        outcome.starts_with("error the OS keychain (Secret Service) is not available: start gnome-keyring or KWallet"),
        "{outcome}"
    );
}
