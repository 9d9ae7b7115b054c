#!/usr/bin/env bash
# The chaos drill (docs/operations.md, "Chaos drill"): real redis-server (append-only) and the
# ingest, text-embedding, trend-aggregation and recommendation executables, with real data
# streaming through them, while each service is SIGKILLed and restarted once, each worker is
# SIGTERMed in the middle of its backlog, Redis is restarted, Redis is frozen for 10 s and Redis
# is out of memory for 3 minutes (15 s quick) under a backlog; then every count is checked
# against the files.
#
#   scripts/chaos.sh                 one full run (VISUELLE train + test, search series, H&M purchases)
#   scripts/chaos.sh --runs 3        three runs in a row, stopping at the first failure
#   scripts/chaos.sh --quick         the bounded form CI runs (scripts/test.sh)
#   scripts/chaos.sh --cluster       on a Redis Cluster of 3 primaries and 3 replicas: 1,000 slots
#                                    holding the item streams resharded, a primary killed, one frozen
#   scripts/chaos.sh --partitions 3  every work stream split into 3 partitions (STYLECAST_STREAM_PARTITIONS)
#   scripts/chaos.sh --no-build      use the binaries of the last debug build, or those in
#                                    $STYLECAST_BIN_DIR when set (scripts/test.sh: its .build-test)
#
# Other options go to the drill (`.build/debug/chaos-drill --help`), e.g. --work-dir DIR to keep
# the logs and Redis data, --time-limit SECONDS. SWIFT_JOBS (default 2) limits compile jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1
build=1
drill_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --no-build) build=0 ;;
    --partitions) export STYLECAST_STREAM_PARTITIONS="$2"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) drill_args+=("$1") ;;
  esac
  shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "chaos.sh: --runs must be a positive integer, got '$runs'" >&2; exit 2; }

if [ "$build" = 1 ]; then
  scripts/setup.sh
  # Every executable product (the services, the client, the drill) in one debug build.
  swift build -j "${SWIFT_JOBS:-2}"
fi
if [ "$build" = 0 ] && [ -n "${STYLECAST_BIN_DIR:-}" ]; then
  bin="$STYLECAST_BIN_DIR"
else
  bin="$(swift build --show-bin-path)"
fi
for executable in chaos-drill stylecast ingest text-embedding trend-aggregation recommendation; do
  [ -x "$bin/$executable" ] || { echo "chaos.sh: $bin/$executable is missing; run without --no-build" >&2; exit 1; }
done

for run in $(seq "$runs"); do
  echo
  echo "== chaos drill: run $run of $runs ($(date -u +%H:%M:%S) UTC)"
  if ! "$bin/chaos-drill" ${drill_args[@]+"${drill_args[@]}"}; then
    echo "chaos.sh: run $run of $runs failed" >&2
    exit 1
  fi
done
echo
echo "chaos.sh: $runs run(s) in a row passed"
