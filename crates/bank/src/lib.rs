//! copilot-bank (being built).
