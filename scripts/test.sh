#!/usr/bin/env bash
# Sets up and runs every test: generated-code check, the layout checks (agreements only in
# StylecastContracts, no gRPC in service cores, the module graph in docs), the deployment files (compose file,
# Kubernetes manifests), build, the Python grpcio interop tests and the Swift test suite, against
# a throwaway redis-server on a free loopback port that is stopped at the end, also when a step
# fails; the queue, ingest, trend and recommendation tests again on a throwaway Redis Cluster;
# then the bounded chaos drill (scripts/chaos.sh --quick), which starts its own Redis, on one
# server and on a Redis Cluster with partitioned streams (--cluster --partitions 3).
#
# Everything runs on a build of its own in .build-test/: a debug build (assertions, testability)
# compiled with -O, dependencies included. The end-to-end tests start the real executables and
# send the real datasets through them, which unoptimised gRPC, SwiftNIO and parsing made 2-3x
# slower (docs/operations.md, "The test build"). Its own scratch path keeps it from rebuilding,
# or being rebuilt by, the plain `swift build` of everyday work.
#
#   scripts/test.sh            everything
#   SWIFT_JOBS=1 scripts/test.sh   fewer parallel compile jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${SWIFT_JOBS:-2}
test_build=(--scratch-path .build-test)
started=$(date +%s)
step() { echo; echo "== $* ($(( $(date +%s) - started )) s)"; }

step "setup"
scripts/setup.sh

step "generated protobuf code matches Protos/"
if command -v protoc >/dev/null 2>&1; then
  scripts/generate-protos.sh --check
else
  echo "SKIPPED: protoc is not installed, so the generated code cannot be checked" >&2
fi

step "layout: agreements in StylecastContracts, no gRPC in service cores, the documented module graph"
scripts/check-layout.sh --self-test
scripts/check-layout.sh
scripts/module-graph.sh --check docs/architecture.md

step "python venv for the interop and deployment tests (.venv-test)"
if [ ! -x .venv-test/bin/python ] \
  || ! .venv-test/bin/python -c 'import grpc_health, grpc_reflection, pytest, yaml, kubernetes_validate' 2>/dev/null; then
  python3 -m venv .venv-test
  # kubernetes-validate bundles the Kubernetes API schemas: it validates offline.
  .venv-test/bin/pip install -q --disable-pip-version-check \
    'grpcio>=1.60' 'grpcio-health-checking>=1.60' 'grpcio-reflection>=1.60' 'pytest>=8' \
    'pyyaml>=6' 'kubernetes-validate>=1.30'
fi

step "deployment files: docker-compose.yml, deploy/Dockerfile, deploy/k8s, deploy/k8s-cluster"
if command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"
else
  echo "SKIPPED: docker-compose is not installed, so docker-compose.yml is not validated" >&2
fi
scripts/validate-k8s.sh deploy/k8s
scripts/validate-k8s.sh deploy/k8s-cluster
.venv-test/bin/python -m pytest -q Tests/Interop/test_deploy_manifests.py

step "throwaway redis-server"
redis_dir=$(mktemp -d)
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$redis_dir" --save "" --appendonly no \
  --logfile "$redis_dir/redis.log" &
redis_pid=$!
cleanup() {
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  rm -rf "$redis_dir"
}
trap cleanup EXIT
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null
export STYLECAST_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "redis-server pid $redis_pid on port $redis_port"

step "build (debug with -O, in .build-test, -j $jobs)"
swift build "${test_build[@]}" --build-tests -j "$jobs" -Xswiftc -O
bin=$(swift build "${test_build[@]}" --show-bin-path)

step "interop tests with Python grpcio"
# (the deployment-file tests ran in their own step above)
STYLECAST_BIN_DIR="$bin" .venv-test/bin/python -m pytest -q Tests/Interop \
  --ignore=Tests/Interop/test_deploy_manifests.py

step "swift test"
# Serially: several tests compute for tens of seconds on a cooperative-pool thread, and run in
# parallel on 2 cores they would starve the timing-sensitive Redis and lifecycle tests.
swift test "${test_build[@]}" --skip-build --no-parallel

step "swift test on Redis Cluster: the queue, ingest, trend and recommendation tests again"
# STYLECAST_TEST_REDIS_CLUSTER=1: library tests share one cluster of 3 primaries and 3 replicas,
# and each end-to-end harness starts a cluster of its own (TestStackRedis) instead of one server.
env -u STYLECAST_TEST_REDIS_URL STYLECAST_TEST_REDIS_CLUSTER=1 swift test "${test_build[@]}" --skip-build --no-parallel \
  --skip 'scriptsFallBackAfterFlush' --filter 'StylecastRedisTests\.(RedisClientTests|WorkQueueTests|BatchApplyTests|WorkQueueFailureTests|StreamStatusTests|QueueDrillProcessTests)|EndToEndTests\.(IngestServiceTests|IngestDeliveryTests|IngestBadInputTests|IngestBodyTests|TrendForecastRPCTests|TrendAggregationTests|TrendCallsTests|RecommendationServiceTests|PipelineReliabilityTests|ReliabilityTests|RefreshRaceTests)|IngestServiceTests\.IngestStoreTests'

step "chaos drill, bounded (scripts/chaos.sh --quick)"
# Its own append-only redis-server on a free port and the services built above, killed,
# restarted and frozen while data flows (docs/operations.md, "Chaos drill").
STYLECAST_BIN_DIR="$bin" scripts/chaos.sh --quick --no-build

step "chaos drill on Redis Cluster with 3 stream partitions, bounded (scripts/chaos.sh --quick --cluster --partitions 3)"
# A cluster of 3 primaries and 3 replicas (append-only): slots holding the item streams
# resharded, a primary killed and one frozen while data flows through streams split into 3
# partitions (docs/operations.md, "On Redis Cluster", "Choosing partitions").
STYLECAST_BIN_DIR="$bin" scripts/chaos.sh --quick --no-build --cluster --partitions 3
