//! Secrets for Interview Copilot (today: the database key) behind the [`SecretStore`] trait.
//!
//! Two backends:
//! - [`KeychainSecretStore`]: the OS keychain through `keyring-core` with one explicit platform
//!   store per OS: the Secret Service over D-Bus (`zbus-secret-service-keyring-store`) on Linux and
//!   the BSDs, Keychain Services (`apple-native-keyring-store`) on macOS, the Credential Manager
//!   (`windows-native-keyring-store`) on Windows.
//! - [`MemorySecretStore`]: a map in memory, for tests only.
//!
//! Architecture Invariant: there is no silent fallback. When the OS keychain cannot be reached,
//! [`KeychainSecretStore::connect`] and every call return [`SecretError::Unavailable`], which
//! says how to start one; a secret is never kept in memory or in a file instead.
//!
//! Secret values travel as [`SecretValue`]: zeroed on drop, and its `Debug` prints `***`.

mod keychain;
mod memory;

use std::fmt;

use zeroize::Zeroizing;

pub use keychain::KeychainSecretStore;
pub use memory::MemorySecretStore;

/// Where a secret lives: a service name and an account within it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretKey {
    pub service: String,
    pub account: String,
}

impl SecretKey {
    pub fn new(service: impl Into<String>, account: impl Into<String>) -> SecretKey {
        SecretKey {
            service: service.into(),
            account: account.into(),
        }
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" / \"{}\"", self.service, self.account)
    }
}

/// A secret read from a store: zeroed when dropped, shown as `***` by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<String>);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> SecretValue {
        SecretValue(Zeroizing::new(value.into()))
    }

    /// The secret text. Callers must not log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A place to keep secrets. Implementations are blocking; they are called rarely (at start-up).
pub trait SecretStore: Send + Sync {
    /// The secret under `key`, or `None` when there is none.
    fn get(&self, key: &SecretKey) -> Result<Option<SecretValue>, SecretError>;
    /// Stores `value` under `key`, replacing any previous value.
    fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError>;
    /// Removes the secret under `key`; removing an absent secret is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;
    /// A human name of the backend ("Secret Service", "macOS Keychain", ...), for messages.
    fn backend_name(&self) -> &'static str;
}

/// What can go wrong with a secret store. Messages name the problem and the fix.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the OS keychain ({backend}) is not available: {fix} (detail: {detail})")]
    Unavailable {
        backend: &'static str,
        fix: &'static str,
        detail: String,
    },
    #[error(
        "the OS keychain ({backend}) refused access to {key}: it is probably locked; unlock it (log in to your desktop session or unlock the login keyring) and retry (detail: {detail})"
    )]
    AccessDenied {
        backend: &'static str,
        key: SecretKey,
        detail: String,
    },
    #[error(
        "the OS keychain ({backend}) did not answer within {seconds} s for {key}: it may be waiting for an unlock prompt; answer the prompt or unlock the keychain, then retry"
    )]
    TimedOut {
        backend: &'static str,
        key: SecretKey,
        seconds: u64,
    },
    #[error(
        "the OS keychain entry {key} does not hold text: delete it with your keychain manager and store the secret again"
    )]
    NotText { key: SecretKey },
    #[error(
        "the OS keychain holds {count} entries for {key}: delete all but one with your keychain manager (for the Secret Service: `secret-tool search --all service <service> username <account>`), then retry"
    )]
    Ambiguous { key: SecretKey, count: usize },
    #[error("the OS keychain ({backend}) rejected {key}: {detail}; use a shorter or plainer name")]
    Rejected {
        backend: &'static str,
        key: SecretKey,
        detail: String,
    },
    #[error(
        "the OS keychain ({backend}) failed on {key}: {detail}; retry, and if it keeps failing restart the keychain service"
    )]
    Failed {
        backend: &'static str,
        key: SecretKey,
        detail: String,
    },
}
