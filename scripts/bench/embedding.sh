#!/usr/bin/env bash
# Text-embedding benchmark (issue 4): sentences/second of all-MiniLM-L6-v2 with one thread, our
# figures beside their anchors, measured in the same run, on a 512-text corpus of real
# descriptions and reviews from the shared data (scripts/bench/embedding_corpus.py):
#   ours    EmbeddingEngine.embed, the service path without gRPC (embedding-bench engine), and
#           the text-embedding service's Embed over gRPC on loopback (embedding-bench grpc),
#           with its embedding cache off (the corpus is sent again and again), so that both
#           columns measure the encoder; separate rows give Embed served from the cache (a
#           second service with the cache on, the corpus sent once before timing);
#   anchors ONNX Runtime on an ONNX export of the same weights, and sentence-transformers on
#           PyTorch (scripts/bench/embedding_anchors.py, in the benchmark venv .venv-bench);
# at batch 1, 8, 32 and 128 (consecutive texts of the corpus), plus our percentage of the
# sgemm-bound limit (every matrix product of the model at the sgemm rate measured in the run);
# and the latency (p50, p99) of one 10-word text (the first ten words of the corpus' first
# text, a search query's length), one call at a time: ours without gRPC, over gRPC (cache off,
# and a cache hit) and ONNX Runtime's. The gRPC latency is taken from two clients: embedding-bench
# (grpc-swift, as the services call each other) and h2load (nghttp2's C client, the same request
# bytes), each with its bare round trip (Health/Check) beside it, so that the client's share of a
# call shows. Prints Markdown tables (paste them into docs/benchmarks.md).
#
#   scripts/bench/embedding.sh [--seconds S] [--data DIR]
#     S: least measuring time per figure (default 3; every figure covers whole passes over the
#        corpus); DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data).
# First run creates .venv-bench with torch, onnxruntime, onnx and sentence-transformers from
# PyPI (PyPI's torch is the CUDA build, about 6 GB; only its CPU side is used).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=3
data="${STYLECAST_DATA_DIR:-../shared/data}"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    *) echo "usage: scripts/bench/embedding.sh [--seconds S] [--data DIR]" >&2; exit 2 ;;
  esac
done
[ -d "$data/hm" ] || { echo "embedding.sh: no shared data in $data (pass --data DIR)" >&2; exit 1; }

scripts/setup.sh
command -v h2load >/dev/null || { echo "embedding.sh: needs h2load (apt-get install nghttp2-client)" >&2; exit 1; }
models="${STYLECAST_MODELS_DIR:-$PWD/models}"
echo "embedding-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build embedding-bench text-embedding >&2
bin=$(release_bin_path)

venv=.venv-bench
if ! "$venv/bin/python" -c 'import onnx, onnxruntime, sentence_transformers, torch' 2>/dev/null; then
  echo "embedding.sh: creating $venv (torch, onnxruntime, onnx, sentence-transformers) ..." >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet torch onnxruntime onnx sentence-transformers >&2
fi

work=$(mktemp -d)
redis_pid=""
service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
corpus=$work/corpus.jsonl
results=$work/results.jsonl
python3 scripts/bench/embedding_corpus.py "$data" "$corpus"
query=$(python3 -c 'import json, sys; print(" ".join(json.loads(open(sys.argv[1]).readline()).split()[:10]))' "$corpus")
# The gRPC request bodies h2load sends: Embed with the query as its one text, and an empty
# Health/Check (5-byte gRPC framing, then the protobuf message).
python3 - "$query" "$work" <<'PY'
import struct, sys
query, work = sys.argv[1].encode(), sys.argv[2]
assert len(query) < 128  # one-byte length varint
message = b"\x0a" + bytes([len(query)]) + query  # EmbedRequest.texts (field 1)
open(f"{work}/embed.bin", "wb").write(b"\x00" + struct.pack(">I", len(message)) + message)
open(f"{work}/empty.bin", "wb").write(b"\x00" + struct.pack(">I", 0))
PY

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throwaway Redis for the service (no persistence, its own directory).
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!

# Our side runs twice: with the machine's OpenBLAS settings as they are, and as the launchers
# run the services when OPENBLAS_CORETYPE is unset (kernel from the CPU flags,
# scripts/lib/blas-kernel.sh; OPENBLAS_L2_SIZE unset with it). The anchors run once.
launcher_kernel=$(unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; . scripts/lib/blas-kernel.sh 2>/dev/null; echo "${OPENBLAS_CORETYPE:-}")
run_ours() {
  local label=$1
  shift
  echo "embedding-bench: service path without gRPC and sgemm limit, $label ..." >&2
  "$@" "$bin/embedding-bench" engine --corpus "$corpus" --models "$models" --seconds "$seconds" --query "$query" \
    | sed "s/^{/{\"setting\": \"$label\", /" >>"$results"
  run_service "$label" grpc 0 "$@"
}
# Starts text-embedding with the embedding cache TTL given (0: off), runs embedding-bench grpc
# against it (path $2; "grpc-cached" sends the corpus once before timing), stops it.
run_service() {
  local label=$1 path=$2 ttl=$3
  shift 3
  local grpc_port warm=()
  grpc_port=$(free_port)
  [ "$path" = grpc-cached ] && warm=(--warm)
  "$@" STYLECAST_REDIS_URL="redis://127.0.0.1:$redis_port/0" \
    STYLECAST_GRPC_HOST=127.0.0.1 STYLECAST_GRPC_PORT="$grpc_port" \
    STYLECAST_METRICS_HOST=127.0.0.1 STYLECAST_METRICS_PORT="$(free_port)" \
    STYLECAST_MODELS_DIR="$models" STYLECAST_LOG_LEVEL=warning STYLECAST_EMBED_CACHE_TTL_S="$ttl" \
    "$bin/text-embedding" >"$work/text-embedding-$label-$path.log" 2>&1 &
  service_pid=$!
  echo "embedding-bench: Embed over gRPC (text-embedding on 127.0.0.1:$grpc_port, $path), $label ..." >&2
  if ! "$bin/embedding-bench" grpc --corpus "$corpus" --target "127.0.0.1:$grpc_port" --seconds "$seconds" \
    --query "$query" --label "$path" "${warm[@]}" | sed "s/^{/{\"setting\": \"$label\", /" >>"$results"; then
    cat "$work/text-embedding-$label-$path.log" >&2
    exit 1
  fi
  if [ "$path" = grpc ]; then
    echo "embedding-bench: the 10-word call and the bare round trip from h2load, $label ..." >&2
    h2load_latency "$label" grpc-h2load stylecast.v1.TextEmbedding/Embed "$work/embed.bin" \
      "$(python3 -c "print(max(100, int(100 * $seconds)))")" "$grpc_port"
    h2load_latency "$label" grpc-h2load-health grpc.health.v1.Health/Check "$work/empty.bin" 2000 "$grpc_port"
  fi
  kill -TERM "$service_pid"
  wait "$service_pid" || true
  service_pid=""
}
# One call at a time from h2load: appends the p50 and p99 (from its per-request log) and the
# response bytes per call to the results.
#   h2load_latency SETTING PATH METHOD BODY REQUESTS PORT
h2load_latency() {
  h2load -n "$5" -c 1 -m 1 -d "$4" --log-file "$work/h2load-$2.log" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:$6/$3" >"$work/h2load-$2.out"
  python3 - "$1" "$2" "$work/h2load-$2.out" "$work/h2load-$2.log" >>"$results" <<'PY'
import json, re, sys
setting, path, out, log = sys.argv[1:]
text = open(out).read()
succeeded = int(re.search(r"(\d+) succeeded", text).group(1))
data = int(re.search(r"\((\d+)\) data", text).group(1))
latencies = sorted(int(line.split()[2]) / 1000 for line in open(log) if line.strip())
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(json.dumps({"setting": setting, "bench": "latency", "path": path, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
                  "calls": succeeded, "response_bytes": data / max(succeeded, 1)}))
PY
}
run_ours environment env
run_ours launcher env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ${launcher_kernel:+OPENBLAS_CORETYPE=$launcher_kernel}
# Cache hits do not run the encoder: once, with the launcher's settings and the default TTL.
run_service launcher grpc-cached 86400 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ${launcher_kernel:+OPENBLAS_CORETYPE=$launcher_kernel}

echo "embedding-bench: anchors (ONNX Runtime, sentence-transformers) ..." >&2
"$venv/bin/python" scripts/bench/embedding_anchors.py --model "$models/all-MiniLM-L6-v2" --corpus "$corpus" \
  --onnx "$venv/onnx/all-MiniLM-L6-v2-pooled.onnx" --seconds "$seconds" --query "$query" \
  2>"$work/anchors.log" >>"$results" \
  || { cat "$work/anchors.log" >&2; exit 1; }

python3 - "$results" "$*" "$query" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
arguments, query = sys.argv[2], sys.argv[3]
names = {"environment": "as set on the machine", "launcher": "chosen by the launcher"}
limits = {r["setting"]: r for r in rows if r.get("bench") == "limit"}
ours = {(r["setting"], r["path"], r["batch"]): r for r in rows if r.get("bench") == "embedding" and r["path"] != "grpc-cached"}
cached = {r["batch"]: r for r in rows if r.get("bench") == "embedding" and r["path"] == "grpc-cached"}
latency = {(r.get("setting"), r.get("path") or r.get("engine")): r for r in rows if r.get("bench") == "latency"}
ort = {r["batch"]: r for r in rows if r.get("engine") == "onnxruntime" and "batch" in r}
pt = {r["batch"]: r for r in rows if r.get("engine") == "pytorch"}
ort_sorted = {r["batch"]: r for r in rows if r.get("engine") == "onnxruntime_sorted"}
padding = {r["padding"]: r["padded_per_real_token"] for r in rows if "padding" in r}
check = next(r for r in rows if r.get("check"))
some_ort, some_pt = next(iter(ort.values())), next(iter(pt.values()))
print(f"All figures in sentences/second with 1 thread, measured in one run of "
      f"`scripts/bench/embedding.sh{(' ' + arguments) if arguments else ''}`.")
print()
first = next(iter(limits.values()))
print(f"Corpus: {first['texts']} texts, {first['mean_tokens']:.1f} tokens on average (longest {first['max_tokens']}), "
      f"{first['mflops_per_text']:.0f} MFLOP of matrix products per text "
      f"({first['dense_mflops_per_token']:.1f} MFLOP per token in the dense layers, plus attention).")
print(f"Anchors: ONNX Runtime {some_ort['version']} (ONNX export of the same weights with pooling and "
      f"normalisation; max |difference| to sentence-transformers {check['max_abs_difference']:.1e}), "
      f"sentence-transformers {some_pt['sentence_transformers']} on PyTorch {some_pt['version']}; both tokenise "
      f"and pad each batch to its longest text. Ours tokenises and packs (no padding). \"Length-sorted\": ONNX "
      f"Runtime on the corpus sorted by token count before batching (almost no padding; not the same batches).")
for setting, limit in limits.items():
    print(f"sgemm-bound limit, {limit['kernel']} ({names[setting]}): {limit['sgemm_gflops']:.1f} GFLOP/s "
          f"(cblas_sgemm on the model's four dense shapes at {limit['sgemm_rows']} rows, FLOP-weighted) "
          f"= {limit['limit_sentences_per_second']:.0f} sentences/s.")
print()
print("| batch | OpenBLAS kernel | ours, no gRPC | ours, gRPC Embed | ONNX Runtime (anchor) | ONNX Runtime, length-sorted "
      "| sentence-transformers/PyTorch (anchor) | anchors' padded / real tokens "
      "| ours / ORT (no gRPC, gRPC) | % of sgemm limit (no gRPC, gRPC) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for setting, limit in limits.items():
    for batch in sorted({b for (s, _, b) in ours if s == setting}):
        engine, grpc = ours[(setting, "engine", batch)], ours.get((setting, "grpc", batch))
        e = engine["sentences_per_second"]
        g = grpc["sentences_per_second"] if grpc else float("nan")
        o = ort[batch]["sentences_per_second"]
        p = pt[batch]["sentences_per_second"]
        sorted_rate = ort_sorted[batch]["sentences_per_second"]
        bound = limit["limit_sentences_per_second"]
        kernel = f"{engine['kernel']} ({names[setting]})"
        if grpc and grpc["kernel"] != engine["kernel"]:
            kernel += f", service: {grpc['kernel']}"
        if grpc and grpc.get("cache_hits"):
            kernel += f", {grpc['cache_hits']} cache hits"
        print(f"| {batch} | {kernel} | {e:.0f} | {g:.0f} | {o:.0f} | {sorted_rate:.0f} | {p:.0f} "
              f"| {padding[batch]:.2f} | {e / o:.2f}x, {g / o:.2f}x "
              f"| {100 * e / bound:.0f}%, {100 * g / bound:.0f}% |")
for batch, r in sorted(cached.items()):
    print(f"| {batch} | cache hits: Embed answered from Redis ({r['cache_hits']:,} hits while timed) | - "
          f"| {r['sentences_per_second']:,.0f} | {ort[batch]['sentences_per_second']:.0f} | - | - | - "
          f"| -, {r['sentences_per_second'] / ort[batch]['sentences_per_second']:,.0f}x | - |")
print()
anchor = latency[(None, "onnxruntime")]
print(f"Latency of one call embedding one 10-word text ({anchor['tokens']} tokens: \"{query}\"), one call at a time, "
      f"milliseconds, p50 / p99:")
print()
print("| OpenBLAS setting | ours, no gRPC | ours, gRPC Embed (cache off), grpc-swift client "
      "| ours, gRPC Embed (cache off), h2load client | ours, gRPC Embed (cache hit) "
      "| ONNX Runtime (anchor, no server) | ORT / ours, p50 (no gRPC; gRPC from grpc-swift, from h2load; above 1: ours faster) |")
print("|---|---|---|---|---|---|---|")
for setting in limits:
    engine, grpc, lean = latency[(setting, "engine")], latency[(setting, "grpc")], latency[(setting, "grpc-h2load")]
    # An error answer (wrong request bytes) would be a few bytes: an embedding is 384 floats.
    assert lean["response_bytes"] >= 4 * 384, f"h2load's Embed calls did not return embeddings: {lean}"
    hit = latency.get((setting, "grpc-cached"))
    hit_text = f"{hit['p50_ms']:.2f} / {hit['p99_ms']:.2f}" if hit else "-"
    print(f"| {names[setting]} | {engine['p50_ms']:.2f} / {engine['p99_ms']:.2f} | {grpc['p50_ms']:.2f} / {grpc['p99_ms']:.2f} "
          f"| {lean['p50_ms']:.2f} / {lean['p99_ms']:.2f} | {hit_text} | {anchor['p50_ms']:.2f} / {anchor['p99_ms']:.2f} "
          f"| {anchor['p50_ms'] / engine['p50_ms']:.2f}; {anchor['p50_ms'] / grpc['p50_ms']:.2f}, "
          f"{anchor['p50_ms'] / lean['p50_ms']:.2f} |")
print()
print("The round trip alone (grpc.health.v1.Health/Check, no work in the service), one call at a time, p50 / p99:")
print()
for setting in limits:
    swift, lean = latency[(setting, "grpc-health")], latency[(setting, "grpc-h2load-health")]
    print(f"- {names[setting]}: {swift['p50_ms']:.2f} / {swift['p99_ms']:.2f} ms from the grpc-swift client "
          f"(embedding-bench), {lean['p50_ms']:.2f} / {lean['p99_ms']:.2f} ms from h2load.")
PY
