//! A secret store in memory: for tests only, it forgets everything when dropped.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::{SecretError, SecretKey, SecretStore, SecretValue};

/// **Test-only** secret store: a map in memory. Never use it in the app: a database key kept
/// here is lost when the process ends.
///
/// [`MemorySecretStore::set_available`] makes every call fail with
/// [`SecretError::Unavailable`], to test how callers handle a missing OS keychain.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    secrets: HashMap<SecretKey, SecretValue>,
    unavailable: bool,
}

impl MemorySecretStore {
    pub fn new() -> MemorySecretStore {
        MemorySecretStore::default()
    }

    /// `false` makes every call fail as if no OS keychain were running; `true` restores it.
    pub fn set_available(&self, available: bool) {
        self.lock().unavailable = !available;
    }

    /// How many secrets are stored.
    pub fn len(&self) -> usize {
        self.lock().secrets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The map stays consistent even if a holder panicked: every update is a single insert.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn available(&self) -> Result<MutexGuard<'_, State>, SecretError> {
        let state = self.lock();
        if state.unavailable {
            return Err(SecretError::Unavailable {
                backend: self.backend_name(),
                fix: "call `MemorySecretStore::set_available(true)` (this store is for tests only)",
                detail: "made unavailable by the test".into(),
            });
        }
        Ok(state)
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, key: &SecretKey) -> Result<Option<SecretValue>, SecretError> {
        Ok(self.available()?.secrets.get(key).cloned())
    }

    fn set(&self, key: &SecretKey, value: &str) -> Result<(), SecretError> {
        self.available()?
            .secrets
            .insert(key.clone(), SecretValue::new(value));
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.available()?.secrets.remove(key);
        Ok(())
    }

    fn backend_name(&self) -> &'static str {
        "memory (tests only)"
    }
}
