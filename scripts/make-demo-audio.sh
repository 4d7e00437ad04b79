#!/usr/bin/env bash
# Makes the demo recording the app's "Demo interview" replays through the real speech pipeline: the
# first two questions and answers of the scripted sales interview (tests/fixtures/interviews), spoken
# by espeak-ng (left channel = interviewer, right = candidate), 16 kHz stereo WAV.
#
# Usage: scripts/make-demo-audio.sh [OUT.wav] [SECONDS]
#   OUT.wav  default: $COPILOT_DATA_DIR/demo/demo-sales-en.wav, else ~/.local/share/interview-copilot/demo/
#   SECONDS  default 125.2 (the end of the second answer)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${COPILOT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/interview-copilot}"
out="${1:-$data_dir/demo/demo-sales-en.wav}"
seconds="${2:-125.2}"
source_wav="$repo/tests/fixtures/interviews/audio/dev-sales-en-01/stereo.wav"
if [ ! -f "$source_wav" ]; then
  bash "$repo/tests/fixtures/interviews/make_audio.sh" dev-sales-en-01 >/dev/null
fi
mkdir -p "$(dirname "$out")"
sox "$source_wav" "$out.partial.wav" trim 0 "$seconds"
mv "$out.partial.wav" "$out"
echo "$out"
