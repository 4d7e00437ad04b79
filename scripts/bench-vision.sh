#!/usr/bin/env bash
# Speed of the camera path (RetinaFace detection, then mini-Xception expression) on ONE core:
# frames per second and per-frame latency at 640x480 and 320x240, first alone, then while the speech
# pipeline replays a fixture interview in real time on the other core (the app's real load).
#
# Usage: scripts/bench-vision.sh          Figures only, no pass/fail. Goal: >= 10 fps at 640x480.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
command -v taskset >/dev/null || { echo "error: taskset is missing: install util-linux" >&2; exit 1; }

fixtures=tests/fixtures/interviews
session=dev-sales-en-01
[ -f "$fixtures/audio/$session/stereo.wav" ] || bash "$fixtures/make_audio.sh" "$session" >/dev/null

cargo build -q --release -p copilot-cli
bench="$(cargo bench -q -p copilot-vision --bench vision --no-run --message-format=json 2>/dev/null |
  jq -r 'select(.reason == "compiler-artifact" and .target.kind == ["bench"] and .executable != null) | .executable' | tail -n 1)"
[ -x "$bench" ] || { echo "error: could not build the vision benchmark: run cargo bench -p copilot-vision --no-run" >&2; exit 1; }

echo "== vision on core 0, alone"
BENCH_LABEL=alone taskset -c 0 "$bench"

echo "== vision on core 0 while the speech pipeline replays $session in real time on core 1"
taskset -c 1 "$CARGO_TARGET_DIR/release/copilot" replay "$fixtures/audio/$session/stereo.wav" \
  --job "$fixtures/jobs/sales_rep.json" --language en --realtime >/tmp/bench-vision-speech.jsonl 2>/dev/null &
speech=$!
trap 'kill $speech 2>/dev/null || true' EXIT
sleep 20 # let the replay reach its steady state (VAD + whisper on utterances)
BENCH_LABEL=+speech taskset -c 0 "$bench" | tail -n +2
kill "$speech" 2>/dev/null || true
echo "speech events during the run: $(grep -c '"type":"segment"' /tmp/bench-vision-speech.jsonl || true) transcript segments"
