//! Integration tests of copilot-engine over the scripted fixture interviews.

mod behaviour;
mod eval;
mod fixtures;
mod snapshots;
