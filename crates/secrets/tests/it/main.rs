//! Integration tests of copilot-secrets: the test-only memory store, and the real OS keychain
//! (the Secret Service) when `COPILOT_KEYCHAIN_TEST=1` says one is running.

mod keychain;
mod memory;
