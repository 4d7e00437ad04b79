//! copilot-secrets (being built).
