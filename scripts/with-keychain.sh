#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (Secret Service),
# so the OS keychain works headless. The keyring lives in a throwaway XDG_DATA_HOME.
# Usage: scripts/with-keychain.sh <command> [args...]
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "error: dbus-run-session or gnome-keyring-daemon is missing: run scripts/install-system-deps.sh" >&2
  exit 1
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# The keyring needs a non-empty password to unlock without a GUI prompt.
exec dbus-run-session -- bash -c 'printf "copilot-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' _ "$@"
