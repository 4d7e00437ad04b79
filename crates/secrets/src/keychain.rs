//! The OS keychain through `keyring-core` and one explicit platform store per OS.

use std::sync::{Arc, mpsc};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

use crate::{SecretError, SecretKey, SecretStore, SecretValue};

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod platform {
    pub const BACKEND: &str = "Secret Service";
    pub const FIX: &str = "start gnome-keyring or KWallet (a Secret Service provider) in your desktop session, or, on a machine without a desktop, run inside `dbus-run-session` with `gnome-keyring-daemon --unlock --components=secrets`";

    pub fn open() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
        let store: std::sync::Arc<keyring_core::CredentialStore> =
            zbus_secret_service_keyring_store::Store::new()?;
        Ok(store)
    }
}

#[cfg(target_os = "macos")]
mod platform {
    pub const BACKEND: &str = "macOS Keychain";
    pub const FIX: &str =
        "log in to a macOS user session (the login keychain must exist and be unlocked)";

    pub fn open() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
        let store: std::sync::Arc<keyring_core::CredentialStore> =
            apple_native_keyring_store::keychain::Store::new()?;
        Ok(store)
    }
}

#[cfg(target_os = "windows")]
mod platform {
    pub const BACKEND: &str = "Windows Credential Manager";
    pub const FIX: &str =
        "run the app in an interactive Windows user session (the Credential Manager is per user)";

    pub fn open() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
        let store: std::sync::Arc<keyring_core::CredentialStore> =
            windows_native_keyring_store::Store::new()?;
        Ok(store)
    }
}

#[cfg(not(any(
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ),
    target_os = "macos",
    target_os = "windows"
)))]
mod platform {
    pub const BACKEND: &str = "none on this platform";
    pub const FIX: &str = "use Linux, macOS or Windows: Interview Copilot keeps its database key only in an OS keychain";

    pub fn open() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
        Err(keyring_core::Error::NotSupportedByStore(
            "no OS keychain is supported on this platform".to_string(),
        ))
    }
}

/// How long one keychain call may take: long enough for a person to answer an unlock prompt,
/// short enough that a keychain with no way to prompt does not hang the app forever.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// The OS keychain. Cheap to clone; every call goes to the platform store, nothing is cached.
#[derive(Clone)]
pub struct KeychainSecretStore {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for KeychainSecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainSecretStore")
            .field("backend", &platform::BACKEND)
            .finish()
    }
}

impl KeychainSecretStore {
    /// Connects to this platform's keychain, or says why it cannot (never falls back).
    ///
    /// On Linux this opens a D-Bus session connection to the Secret Service; a keychain that is
    /// reachable but locked is only detected by the first [`SecretStore`] call.
    pub fn connect() -> Result<KeychainSecretStore, SecretError> {
        let store = platform::open().map_err(|error| SecretError::Unavailable {
            backend: platform::BACKEND,
            fix: platform::FIX,
            detail: error.to_string(),
        })?;
        Ok(KeychainSecretStore { store })
    }

    /// Runs one keychain call on its own thread so that a keychain stuck on a prompt that can
    /// never be shown ends in [`SecretError::TimedOut`] instead of a hang.
    fn call<T: Send + 'static>(
        &self,
        key: &SecretKey,
        operation: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<T, SecretError> {
        let entry = self
            .store
            .build(&key.service, &key.account, None)
            .map_err(|error| map_error(key, error))?;
        let (reply_to, reply) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("keychain-call".into())
            .spawn(move || {
                // The receiver may have timed out and gone; nothing to do then.
                let _ = reply_to.send(operation(entry));
            })
            .map_err(|error| SecretError::Failed {
                backend: platform::BACKEND,
                key: key.clone(),
                detail: format!("could not start a thread for the keychain call: {error}"),
            })?;
        match reply.recv_timeout(CALL_TIMEOUT) {
            Ok(result) => result.map_err(|error| map_error(key, error)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(SecretError::TimedOut {
                backend: platform::BACKEND,
                key: key.clone(),
                seconds: CALL_TIMEOUT.as_secs(),
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(SecretError::Failed {
                backend: platform::BACKEND,
                key: key.clone(),
                detail: "the keychain call stopped without an answer (it panicked)".into(),
            }),
        }
    }
}

fn map_error(key: &SecretKey, error: KeyringError) -> SecretError {
    let backend = platform::BACKEND;
    let key = key.clone();
    match error {
        KeyringError::NoStorageAccess(detail) => SecretError::AccessDenied {
            backend,
            key,
            detail: detail.to_string(),
        },
        KeyringError::BadEncoding(mut bytes) => {
            zeroize::Zeroize::zeroize(&mut bytes);
            SecretError::NotText { key }
        }
        KeyringError::Ambiguous(entries) => SecretError::Ambiguous {
            key,
            count: entries.len(),
        },
        KeyringError::TooLong(attribute, limit) => SecretError::Rejected {
            backend,
            key,
            detail: format!("{attribute} is longer than the keychain's limit of {limit}"),
        },
        KeyringError::Invalid(parameter, reason) => SecretError::Rejected {
            backend,
            key,
            detail: format!("{parameter} {reason}"),
        },
        KeyringError::NoDefaultStore => SecretError::Unavailable {
            backend,
            fix: platform::FIX,
            detail: error.to_string(),
        },
        // The Secret Service reports a vanished D-Bus connection or a missing provider as a
        // platform failure; the detail says which.
        other => SecretError::Failed {
            backend,
            key,
            detail: other.to_string(),
        },
    }
}

impl SecretStore for KeychainSecretStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretValue>, SecretError> {
        self.call(key, |entry| match entry.get_password() {
            Ok(password) => Ok(Some(SecretValue::new(password))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(other) => Err(other),
        })
    }

    fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError> {
        let value = SecretValue::new(value);
        self.call(key, move |entry| entry.set_password(value.expose()))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.call(key, |entry| match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(other) => Err(other),
        })
    }

    fn backend_name(&self) -> &'static str {
        platform::BACKEND
    }
}
