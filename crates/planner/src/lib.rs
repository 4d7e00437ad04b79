//! copilot-planner (being built).
