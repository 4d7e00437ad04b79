#!/usr/bin/env bash
# End-to-end tests of the desktop app: builds the UI and the app (with `custom-protocol`, so it
# serves ui/dist instead of the dev server), then drives the real window under Xvfb through
# tauri-driver + WebKitWebDriver, inside a D-Bus session with an unlocked gnome-keyring (the store
# keeps its database key in the OS keychain). Each run uses a fresh HOME and data folder.
#
# Screenshots: target/e2e-screenshots/ (or E2E_SCREENSHOTS, so parallel runs keep theirs apart).
# Logs of the helpers: printed on failure.
# Environment: CARGO_TARGET_DIR (default target/), E2E_PORT (tauri-driver, default 4444).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
port="${E2E_PORT:-4444}"
native_port=$((port + 1))
screenshots="${E2E_SCREENSHOTS:-$repo/target/e2e-screenshots}"

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "error: $1 is missing: $2" >&2
    exit 1
  }
}
need npm "install Node.js 20+ and npm"
need Xvfb "run scripts/install-system-deps.sh (package xvfb)"
need dbus-run-session "run scripts/install-system-deps.sh (package dbus)"
need gnome-keyring-daemon "run scripts/install-system-deps.sh (package gnome-keyring)"
need import "run scripts/install-system-deps.sh (package imagemagick)"
need jq "run scripts/install-system-deps.sh (package jq)"
[ -x /usr/bin/WebKitWebDriver ] || {
  echo "error: /usr/bin/WebKitWebDriver is missing: run scripts/install-system-deps.sh (package webkit2gtk-driver)" >&2
  exit 1
}

echo "== UI: npm ci && npm run build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)

# One feature set for the app, the e2e binary and scripts/test.sh's Rust tests (the whole workspace,
# all targets, the app with `custom-protocol`), so after those tests this step only links the app
# instead of compiling every dependency a second time with other features.
features=(--workspace --locked --features interview-copilot/custom-protocol)
echo "== app: cargo build ${features[*]} --all-targets"
cargo build "${features[@]}" --all-targets
app="$CARGO_TARGET_DIR/debug/interview-copilot"

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "== installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi
driver="$(command -v tauri-driver)"

echo "== building the e2e test binary"
test_bin="$(cargo test "${features[@]}" --no-run --message-format=json 2>/dev/null |
  jq -r 'select(.reason == "compiler-artifact" and .target.name == "e2e" and .executable != null) | .executable' | tail -n 1)"
[ -x "$test_bin" ] || {
  echo "error: could not build the e2e test binary: run \`cargo test ${features[*]} --no-run\` to see why" >&2
  exit 1
}

run_dir="$(mktemp -d -t copilot-e2e.XXXXXX)"
mkdir -p "$run_dir/home" "$run_dir/data" "$screenshots"
rm -f "$screenshots"/*.png

# The demo interview replays a short clip through the real pipeline: its models must be in the cache.
echo "== models for the demo interview and the camera (tiny.en, Silero VAD, ONNX Runtime, RetinaFace, mini-Xception, a test image)"
for model in onnxruntime silero-vad tiny.en retinaface-mnet025 fer-mini-xception testimage-astronaut; do
  cargo run -q -p copilot-models --bin copilot-models -- fetch "$model" >/dev/null
done
need sox "run scripts/install-system-deps.sh (package sox)"
demo_audio="$run_dir/demo.wav"
bash scripts/make-demo-audio.sh "$demo_audio" 77 >/dev/null

display=90
xvfb_pid=""
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT
# Parallel runs race for a free display: when another run took this one a moment earlier, our
# Xvfb exits at once, and we try the next display rather than share theirs (and their screenshots).
for _ in $(seq 20); do
  while [ -e "/tmp/.X$display-lock" ] || [ -e "/tmp/.X11-unix/X$display" ]; do display=$((display + 1)); done
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$run_dir/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
  sleep 0.3
  kill -0 "$xvfb_pid" 2>/dev/null && break
  xvfb_pid=""
  display=$((display + 1))
done
[ -n "$xvfb_pid" ] && [ -e "/tmp/.X11-unix/X$display" ] || { echo "error: Xvfb did not start:" >&2; cat "$run_dir/xvfb.log" >&2; exit 1; }

echo "== running the scenarios (display :$display, data $run_dir/data)"
status=0
env -i PATH="$PATH" LANG=C.UTF-8 HOME="$run_dir/home" DISPLAY=":$display" \
  COPILOT_E2E=1 COPILOT_E2E_APP="$app" COPILOT_DATA_DIR="$run_dir/data" \
  COPILOT_DEMO_AUDIO="$demo_audio" ${COPILOT_MODELS_DIR:+COPILOT_MODELS_DIR="$COPILOT_MODELS_DIR"} \
  COPILOT_E2E_WEBDRIVER="http://127.0.0.1:$port" COPILOT_E2E_SCREENSHOTS="$screenshots" \
  DRIVER="$driver" PORT="$port" NATIVE_PORT="$native_port" TEST_BIN="$test_bin" RUN_DIR="$run_dir" \
  dbus-run-session -- bash -c '
    set -u
    printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$DRIVER" --port "$PORT" --native-port "$NATIVE_PORT" --native-driver /usr/bin/WebKitWebDriver \
      >"$RUN_DIR/tauri-driver.log" 2>&1 &
    driver_pid=$!
    # Both tauri-driver and the WebKitWebDriver it starts must listen before the first session.
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$NATIVE_PORT") 2>/dev/null && break; sleep 0.1; done
    "$TEST_BIN"
    status=$?
    kill "$driver_pid" 2>/dev/null
    wait "$driver_pid" 2>/dev/null
    exit $status
  ' || status=$?

if [ "$status" -ne 0 ]; then
  echo "== tauri-driver log" >&2
  tail -n 50 "$run_dir/tauri-driver.log" >&2 || true
fi
echo "== screenshots in $screenshots"
ls "$screenshots"
exit "$status"
