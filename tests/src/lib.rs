//! Cross-crate tests of Interview Copilot. `e2e/` drives the real app window through tauri-driver and
//! WebKitWebDriver under Xvfb (run it with `scripts/e2e.sh`; without `COPILOT_E2E` it skips). The
//! scripted interview fixtures (`fixtures/interviews/`) serve every crate's tests and the engine's
//! evaluation. Cross-crate API tests of the core live in `crates/core/tests/it`.
