//! Integration tests of copilot-store: encryption, key management and refusals, recovery, and
//! the data API, on real SQLCipher files in temporary folders with the test-only
//! `MemorySecretStore` standing in for the OS keychain.

mod common;
mod consent;
mod data;
mod encryption;
mod outbox;
mod recovery;
mod refusals;
mod revisions;
