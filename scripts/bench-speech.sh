#!/usr/bin/env bash
# Speed of the speech pipeline (Silero VAD + whisper.cpp through whisper-rs) on the fixture interviews.
#
# Usage: scripts/bench-speech.sh [SESSION ...]     (default: dev-sales-en-01 dev-pm-en-01)
# Prints, per interview: audio length, speech sent to whisper, whisper processing time, wall time and the
# real-time factor (wall / audio). Figures only, no pass/fail.
#
# A side-by-side run of whisper.cpp's own `whisper-cli` is NOT possible from what the build has: the
# whisper.cpp source bundled in whisper-rs-sys contains only the library (CMakeLists.txt, ggml, include, src),
# not the examples/ directory that defines whisper-cli. The script checks and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
sessions=("$@"); ((${#sessions[@]})) || sessions=(dev-sales-en-01 dev-pm-en-01)

fixtures=tests/fixtures/interviews
for s in "${sessions[@]}"; do
  [ -f "$fixtures/audio/$s/stereo.wav" ] || bash "$fixtures/make_audio.sh" "$s" >/dev/null
done

cargo build -q -p copilot-speech --example replay
replay="$CARGO_TARGET_DIR/debug/examples/replay"

printf '%-20s %8s %10s %12s %8s %8s\n' interview audio_s speech_s whisper_s wall_s rtf
for s in "${sessions[@]}"; do
  wav="$fixtures/audio/$s/stereo.wav"
  lang=$(jq -r .language "$fixtures/sessions/$s.json")
  job=$(jq -r .job_id "$fixtures/sessions/$s.json")
  audio_s=$(jq .duration_s "$fixtures/audio/$s/timing.json")
  start=$(date +%s.%N)
  "$replay" "$wav" --language "$lang" --job "$fixtures/jobs/$job.json" > "/tmp/bench-speech-$s.jsonl" 2>/dev/null
  end=$(date +%s.%N)
  jq -s --arg s "$s" --argjson audio "$audio_s" --argjson wall "$(echo "$end - $start" | bc)" -r '
    [.[] | select(.type == "timing")] as $t
    | [$s, $audio, (($t | map(.audio_ms) | add) / 1000), (($t | map(.processing_ms) | add) / 1000), $wall, ($wall / $audio)]
    | "\(.[0]) \(.[1]) \(.[2]) \(.[3]) \(.[4]) \(.[5])"' "/tmp/bench-speech-$s.jsonl" |
    awk '{ printf "%-20s %8.1f %10.1f %12.1f %8.1f %8.3f\n", $1, $2, $3, $4, $5, $6 }'
done

src=$(ls -d "$HOME"/.cargo/registry/src/*/whisper-rs-sys-*/whisper.cpp 2>/dev/null | head -n1 || true)
if [ -n "$src" ] && [ -d "$src/examples/cli" ]; then
  echo "whisper.cpp examples found in $src: build whisper-cli with cmake to compare (not automated yet)"
else
  echo "whisper-cli: not comparable here: ${src:-whisper-rs-sys source not found} has no examples/ (library only)"
fi
