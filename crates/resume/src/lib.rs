//! copilot-resume (being built).
