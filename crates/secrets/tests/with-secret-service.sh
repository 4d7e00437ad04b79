#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring Secret Service
# and a fresh HOME, for the real-keychain tests (they run only with COPILOT_KEYCHAIN_TEST=1):
#
#   crates/secrets/tests/with-secret-service.sh cargo test -p copilot-secrets --test it
#
# Needs the Debian packages dbus, gnome-keyring (and libsecret-tools for manual checks).
# The password must not be empty, or gnome-keyring tries to show a GUI prompt and fails.
set -eu
if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command> [args...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
    command -v "$tool" >/dev/null || {
        echo "$tool is missing: install the packages dbus and gnome-keyring (scripts/install-system-deps.sh)" >&2
        exit 1
    }
done
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# The real HOME stays available to cargo and rustup through CARGO_HOME and RUSTUP_HOME.
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo} RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} \
HOME=$keyring_home COPILOT_KEYCHAIN_TEST=1 \
dbus-run-session -- sh -c '
    printf copilot-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    # Wait (at most 5 s) until the daemon owns the Secret Service name, so that D-Bus does not
    # start a second, locked daemon for the first request.
    tries=0
    until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
        tries=$((tries + 1))
        [ "$tries" -ge 50 ] && { echo "the Secret Service did not start" >&2; exit 1; }
        sleep 0.1
    done
    exec "$@"
' sh "$@"
