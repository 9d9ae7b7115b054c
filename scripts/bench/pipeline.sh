#!/usr/bin/env bash
# Pipeline benchmark (issue 22): the demo's ingest and drain on the real data, with two
# text-embedding replicas, measured in one run:
#   drain rate   items / seconds from the first ingest call until every group has read and
#                acknowledged everything (`stylecast status --wait-drained`), the demo's six files
#                in the demo's order;
#   CPU share    each service's and Redis's CPU seconds over that time (/proc/<pid>/stat), as a
#                share of one core;
#   encoder      the encoder alone on the same item texts (every item of items.ingested, as the
#                worker builds them), one engine per replica at once, one inference thread each,
#                32 texts per pass (embedding-bench encoder);
#   efficiency   drain rate / encoder-alone rate;
#   Redis        Redis's own time per command over the drain (INFO commandstats, reset before
#                the first ingest), the ten costliest.
# Release build; a throwaway Redis and the services are started with `stylecast up` and stopped
# at the end. Prints a Markdown table (paste it into docs/benchmarks.md).
#
#   scripts/bench/pipeline.sh [--data DIR] [--replicas N] [--seconds S]
#     DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data); N: text-embedding
#     replicas (default 2); S: least measuring time of the encoder-alone figure (default 20).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${STYLECAST_DATA_DIR:-../shared/data}
replicas=2
seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: scripts/bench/pipeline.sh [--data DIR] [--replicas N] [--seconds S]" >&2; exit 2 ;;
  esac
done
[[ "$replicas" =~ ^[1-8]$ ]] || { echo "pipeline.sh: --replicas must be 1-8, got '$replicas'" >&2; exit 2; }
# shellcheck source=../lib/demo-files.sh
. scripts/lib/demo-files.sh
files=("${demo_files[@]}")
for entry in "${files[@]}"; do
  [ -f "$data/${entry#* }" ] || { echo "pipeline.sh: $data/${entry#* } is missing (--data DIR)" >&2; exit 2; }
done

scripts/setup.sh
echo "pipeline.sh: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build ingest text-embedding image-generation recommendation trend-aggregation stylecast embedding-bench >&2
bin=$(release_bin_path)
# shellcheck source=../lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh
run_dir=$(mktemp -d -t stylecast-pipeline.XXXXXX)
export STYLECAST_RUN_DIR=$run_dir
unset STYLECAST_REDIS_URL
trap '"$bin/stylecast" down --purge >&2 || true' EXIT
"$bin/stylecast" up --bin "$bin" --scale "text-embedding=$replicas" >&2

# CPU seconds (user + system) of every process of the stack: name, then seconds.
cpu_seconds() {
  python3 - "$run_dir/stack.json" <<'PY'
import json, os, sys
stack = json.load(open(sys.argv[1]))
ticks = os.sysconf("SC_CLK_TCK")
processes = [("redis-server", stack["redis"]["pid"])] if stack.get("redis") else []
processes += [(service["name"], service["pid"]) for service in stack["services"]]
for name, pid in processes:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    print(name, (int(fields[11]) + int(fields[12])) / ticks)
PY
}

redis_url=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["redisURL"])' "$run_dir/stack.json")
redis-cli -u "$redis_url" CONFIG RESETSTAT >/dev/null
cpu_seconds >"$run_dir/cpu-before.txt"
started=$(date +%s.%N)
index=0
for entry in "${files[@]}"; do
  echo "pipeline.sh: ingesting ${entry#* } ..." >&2
  "$bin/stylecast" ingest --source "${entry%% *}" "$data/${entry#* }" --json >"$run_dir/ingest-$index.json"
  index=$((index + 1))
done
"$bin/stylecast" status --wait-drained --timeout 3600 >&2
ended=$(date +%s.%N)
cpu_seconds >"$run_dir/cpu-after.txt"
redis-cli -u "$redis_url" INFO commandstats >"$run_dir/commandstats.txt"

echo "pipeline.sh: the encoder alone on the same texts, $replicas engines at once ..." >&2
"$bin/embedding-bench" encoder --redis "$redis_url" --threads "$replicas" --batch 32 --seconds "$seconds" \
  >"$run_dir/encoder.json"

python3 - "$run_dir" "$started" "$ended" "$replicas" "${OPENBLAS_CORETYPE:-default}" <<'PY'
import glob, json, sys
run_dir, started, ended, replicas, kernel = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
elapsed = ended - started
summaries = [json.load(open(path)) for path in sorted(glob.glob(run_dir + "/ingest-*.json"))]
items = sum(s["items"]["accepted"] for s in summaries)
def load(name):
    return {line.split()[0]: float(line.split()[1]) for line in open(f"{run_dir}/{name}") if line.strip()}
before, after = load("cpu-before.txt"), load("cpu-after.txt")
encoder = json.loads(open(f"{run_dir}/encoder.json").read().strip().splitlines()[-1])
rate = items / elapsed
print(f"Pipeline, the demo's six files with {replicas} text-embedding replicas (OpenBLAS kernel {kernel}, "
      f"release build, all on this machine's cores):")
print()
print("| figure | value |")
print("|---|---|")
print(f"| items ingested and drained | {items:,} in {elapsed:.1f} s |")
print(f"| drain rate | {rate:.1f} items/s |")
print(f"| encoder alone, {encoder['threads']} engines at once, {encoder['batch']} texts per pass, "
      f"{encoder['texts']:,} item texts | {encoder['sentences_per_second']:.1f} items/s |")
print(f"| pipeline efficiency (drain / encoder alone) | {rate / encoder['sentences_per_second']:.2f} |")
print()
print("| process | CPU seconds | share of one core |")
print("|---|---|---|")
for name in sorted(after, key=lambda n: -(after[n] - before.get(n, 0))):
    used = after[name] - before.get(name, 0)
    print(f"| {name} | {used:.1f} | {100 * used / elapsed:.0f}% |")
print()
# Redis's own time per command over the drain (INFO commandstats, reset before the first ingest).
commands = []
for line in open(f"{run_dir}/commandstats.txt"):
    if line.startswith("cmdstat_"):
        name, fields = line.strip()[len("cmdstat_"):].split(":", 1)
        stats = dict(field.split("=") for field in fields.split(","))
        commands.append((name, int(stats["calls"]), int(stats["usec"])))
commands.sort(key=lambda c: -c[2])
print("| Redis command | calls | calls per item | Redis CPU seconds | share of Redis's command time |")
print("|---|---|---|---|---|")
total_usec = sum(c[2] for c in commands) or 1
for name, calls, usec in commands[:10]:
    print(f"| {name} | {calls:,} | {calls / items:.2f} | {usec / 1e6:.1f} | {100 * usec / total_usec:.0f}% |")
print()
print(f"Target: efficiency >= 0.85: {'met' if rate / encoder['sentences_per_second'] >= 0.85 else 'NOT met'}.")
PY
