#!/usr/bin/env bash
# Fuzzes the input readers with libFuzzer (docs/fuzzing.md): builds stylecast-fuzz with the fuzzer
# and AddressSanitizer, then runs each target for a bounded time on its corpus and prints, per
# target, the runs, seconds, coverage and new crashes. Exits 1 when any target found a crash
# (saved under the output folder), 2 on a usage or build error.
#
#   scripts/fuzz.sh                          every target, 60 s each, 1 worker
#   scripts/fuzz.sh --seconds 600 --target png --target idx
#   scripts/fuzz.sh --jobs 16 --seconds 300  16 workers per target (libFuzzer -fork)
#   scripts/fuzz.sh --keep-going             go on after a crash, saving every crashing input
#   scripts/fuzz.sh --build-only             just build; prints the binary's path
#   scripts/fuzz.sh --bundle                 build, then pack the binary and the shared libraries it
#                                            needs into .build-fuzz/stylecast-fuzz-bundle.tar.gz
#   scripts/fuzz.sh --binary PATH            run a binary built elsewhere (no Swift toolchain needed)
#   scripts/fuzz.sh --totals                 seconds and runs each target has had so far here
#   --out DIR                                corpus, crashes, logs, history (default .build-fuzz/fuzz)
#
# Targets: safetensors tokenizer csv jsonl png idx. The tokenizer needs models/all-MiniLM-L6-v2
# (scripts/setup.sh, or STYLECAST_MODELS_DIR). SWIFT_JOBS (default 2) bounds compile jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

all_targets=(safetensors tokenizer csv jsonl png idx)
seconds=60
jobs=1
targets=()
build=yes
run=yes
keep_going=no
bundle=no
binary=""
out="$root/.build-fuzz/fuzz"
scratch_path="$root/.build-fuzz"

# User + system CPU seconds of this shell's finished children (the fuzzer and its workers), in
# $cpu_total. `times` reports only the shell it runs in, so this must not run in a subshell.
measure_cpu() {
  times >"$scratch/times"
  cpu_total=$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += t[1] * 60 + t[2] }
    printf "%d\n", n }' "$scratch/times")
}
usage() { sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p;}' "$0"; }
fail() { echo "fuzz.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?}; shift ;;
    --target) targets+=("${2:?}"); shift ;;
    --jobs) jobs=${2:?}; shift ;;
    --keep-going) keep_going=yes ;;
    --build-only) run=no ;;
    --bundle) run=no; bundle=yes ;;
    --no-build) build=no ;;
    --binary) binary=${2:?}; build=no; shift ;;
    --out) out=${2:?}; shift ;;
    --totals) run=totals; build=no ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument $1" ;;
  esac
  shift
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || fail "--seconds must be a positive whole number"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || fail "--jobs must be a positive whole number"
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || fail "no target $target; the targets are ${all_targets[*]}"
done
mkdir -p "$out"
history="$out/history.tsv"

if [ "$run" = totals ]; then
  [ -f "$history" ] || fail "no runs recorded in $history yet"
  awk -F'\t' 'BEGIN { printf "%-12s %6s %10s %12s %14s %8s\n", "target", "runs", "seconds", "cpu seconds", "executions", "crashes" }
    NR > 1 { n[$2]++; s[$2] += $3; c[$2] += $5; e[$2] += $6; x[$2] += $8 }
    END { for (t in n) printf "%-12s %6d %10d %12d %14d %8d\n", t, n[t], s[t], c[t], e[t], x[t] }' "$history"
  exit 0
fi

if [ "$build" = yes ]; then
  # Release with AddressSanitizer and libFuzzer's coverage instrumentation in every module;
  # the Swift runtime and Foundation linked in, so the binary runs on another x86-64 Linux
  # machine without a Swift toolchain. -DSTYLECAST_LIBFUZZER makes stylecast-fuzz hand its
  # main over to libFuzzer (Tests/Fuzz/Driver/main.swift).
  echo "== building stylecast-fuzz with -sanitize=fuzzer,address (scratch path .build-fuzz)"
  swift build -c release --product stylecast-fuzz --scratch-path "$scratch_path" -j "${SWIFT_JOBS:-2}" \
    --static-swift-stdlib -Xswiftc -sanitize=fuzzer,address -Xswiftc -DSTYLECAST_LIBFUZZER
  binary="$(swift build -c release --scratch-path "$scratch_path" --show-bin-path)/stylecast-fuzz"
fi
[ -n "$binary" ] || binary="$scratch_path/release/stylecast-fuzz"
[ -x "$binary" ] || fail "$binary is missing: build it first (scripts/fuzz.sh --build-only)"
echo "binary: $binary ($(du -h "$binary" | cut -f1))"
if [ "$bundle" = yes ]; then
  # The binary without debug info (ASan reports keep function names) and every shared library
  # it loads except glibc's own, for an x86-64 Linux with glibc 2.35 or later and nothing else.
  staging=$(mktemp -d)
  mkdir -p "$staging/stylecast-fuzz/lib"
  objcopy --strip-debug "$binary" "$staging/stylecast-fuzz/stylecast-fuzz"
  ldd "$binary" | awk '$3 ~ /^\// { print $3 }' | while read -r library; do
    case "$(basename "$library")" in
      libc.so.*|libm.so.*|libresolv.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*) ;;
      *) cp -L "$library" "$staging/stylecast-fuzz/lib/" ;;
    esac
  done
  tar -C "$staging" -czf "$scratch_path/stylecast-fuzz-bundle.tar.gz" stylecast-fuzz
  rm -rf "$staging"
  echo "bundle: $scratch_path/stylecast-fuzz-bundle.tar.gz ($(du -h "$scratch_path/stylecast-fuzz-bundle.tar.gz" | cut -f1)):" \
    "tar xzf it, then scripts/fuzz.sh --binary stylecast-fuzz/stylecast-fuzz"
fi
[ "$run" = yes ] || exit 0
# A bundled binary finds its shared libraries beside it.
if [ -d "$(dirname "$binary")/lib" ]; then
  export LD_LIBRARY_PATH="$(cd "$(dirname "$binary")/lib" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

export STYLECAST_MODELS_DIR="${STYLECAST_MODELS_DIR:-$root/models}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export STYLECAST_FUZZ_SCRATCH="$scratch"
# libFuzzer reports crashes itself; the Swift runtime's backtracer would compete for the signal
# and spend up to 30 s symbolicating each one.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$root/Tests/Fuzz/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

[ -f "$history" ] || printf 'date\ttarget\tseconds\tjobs\tcpu_seconds\texecutions\tcoverage\tcrashes\n' >"$history"
summary=()
status=0
for target in "${targets[@]}"; do
  corpus="$out/corpus/$target"
  crashes="$out/crashes/$target"
  log="$out/$target.log"
  mkdir -p "$corpus" "$crashes"
  seeds=("$root/Tests/Fuzz/Corpus/$target")
  [ -d "$root/Tests/Fuzz/Regressions/$target" ] && seeds+=("$root/Tests/Fuzz/Regressions/$target")
  before=$(find "$crashes" -type f | wc -l)
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1
    -artifact_prefix="$crashes/" -dict="$root/Tests/Fuzz/Dictionaries/$target.dict")
  # Fork mode runs the workers as child processes (and survives a crash with -ignore_crashes).
  if [ "$keep_going" = yes ]; then
    flags+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  elif [ "$jobs" -gt 1 ]; then
    flags+=(-fork="$jobs")
  fi
  echo
  echo "== $target: $seconds s, $jobs worker(s); corpus $corpus; log $log"
  started=$(date +%s)
  measure_cpu
  cpu_before=$cpu_total
  set +e
  STYLECAST_FUZZ_TARGET="$target" "$binary" "${flags[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1
  code=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  measure_cpu
  cpu=$(( cpu_total - cpu_before ))
  new=$(( $(find "$crashes" -type f ! -name 'slow-unit-*' | wc -l) - before ))
  [ "$new" -ge 0 ] || new=0
  # The last status line: "#RUNS<tab>... cov: EDGES ft: FEATURES corp: UNITS/SIZE ..." (fork
  # mode writes "#RUNS: cov: ..." with the total over its workers).
  last=$(grep -E '^#[0-9]+:?[[:space:]]' "$log" | tail -1 || true)
  runs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  runs=${runs:-0} cov=${cov:-0} corp=${corp:-0}
  if [ "$code" -ne 0 ] && [ "$new" -eq 0 ]; then
    # libFuzzer failed without an artifact (bad flag, setup error): show why.
    tail -20 "$log" >&2
    new=1
  fi
  if [ "$new" -gt 0 ]; then
    status=1
    grep -E 'ERROR: |SUMMARY: |Fatal error|Test unit written' "$log" | head -8 || true
    echo "crashing inputs: $crashes"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$elapsed" "$jobs" "$cpu" "$runs" "$cov" "$new" \
    >>"$history"
  summary+=("$(printf '%-12s %12s %8s %6s %8s %8s %8s %12s' "$target" "$runs" "$elapsed" "$jobs" "$cpu" "$cov" "$corp" "$new")")
done

echo
printf '%-12s %12s %8s %6s %8s %8s %8s %12s\n' target runs seconds jobs "cpu s" cov corpus "new crashes"
printf '%s\n' "${summary[@]}"
[ "$status" -eq 0 ] || echo "FAILED: crashing inputs are under $out/crashes; reproduce one with STYLECAST_FUZZ_TARGET=NAME $binary FILE"
exit "$status"
