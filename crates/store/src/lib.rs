//! copilot-store (being built).
