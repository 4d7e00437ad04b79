//! copilot-core (being built).
