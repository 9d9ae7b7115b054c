#!/usr/bin/env bash
# Checks that what the services agree on stays in one place, and that service cores stay free of
# gRPC (docs/architecture.md, "Where the agreements live"):
#
#   1. No Redis key, work-stream field, recommendation reason or default port is spelled outside
#      Shared/StylecastContracts: no "stylecast:..." or 'stylecast:...' string, no entry["field"]
#      read, no stream field name in Lua or beside XADD, no reason: "..." literal, no 50051-50055
#      or 9101-9105 (comments are not checked).
#   2. C stays in the C targets and the module that wraps each: CBLAS and CPackedGEMM are
#      imported by StylecastTensor only (and tensor-bench, whose anchor is a direct cblas_sgemm
#      call).
#   3. No service core imports gRPC: in Services/<Service>/<Service>Service/, only the files under
#      RPC/ may import GRPCCore, GRPCNIOTransport*, GRPCProtobuf or StylecastGRPC.
#
#   scripts/check-layout.sh [ROOT]    check the tree at ROOT (default: this repository)
#   scripts/check-layout.sh --self-test
#                                     plant one violation of each rule in a scratch tree and
#                                     fail unless every one is reported (run by scripts/test.sh)
set -euo pipefail

if [ "${1:-}" = "--self-test" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/Services/Demo/DemoService/RPC" "$scratch/Shared/StylecastContracts" "$scratch/Tests/X"
  cat >"$scratch/Services/Demo/DemoService/Core.swift" <<'SWIFT'
import GRPCCore
// "stylecast:{ok}" in a comment is fine, and so is port 50051 here.
let stream = "stylecast:{items.ingested}"
let port = 50053
let id = entry["item_id"]
let lua = "redis.call('XADD', KEYS[1], '*', 'signal_id', ARGV[1])"
let item = RankedItem(itemID: "a", score: 1, reason: "popular")
SWIFT
  printf 'import GRPCCore\nlet stream = "stylecast:{signals}"\n' >"$scratch/Services/Demo/DemoService/RPC/Handler.swift"
  printf 'let key = "stylecast:{signals}"\n' >"$scratch/Shared/StylecastContracts/Keys.swift"
  printf 'import StylecastGRPC\nlet metrics = "127.0.0.1:9104"\nimport CBLAS\nimport CPackedGEMM\n' >"$scratch/Tests/X/T.swift"
  report=$("$0" "$scratch" 2>&1 || true)
  expected=(
    "Core.swift:1: gRPC import in a service core"
    "Core.swift:3: key literal"
    "Core.swift:4: default port literal"
    "Core.swift:5: stream field read by name"
    "Core.swift:6: stream field name in Lua"
    "Core.swift:7: recommendation reason literal"
    "RPC/Handler.swift:2: key literal"
    "T.swift:2: default port literal"
    "T.swift:3: C module outside StylecastTensor"
    "T.swift:4: C module outside StylecastTensor"
  )
  failed=0
  for line in "${expected[@]}"; do
    if ! grep -qF "$line" <<<"$report"; then echo "check-layout self-test: not reported: $line" >&2; failed=1; fi
  done
  for line in "Core.swift:2:" "RPC/Handler.swift:1:" "StylecastContracts/Keys.swift" "T.swift:1:"; do
    if grep -qF "$line" <<<"$report"; then echo "check-layout self-test: wrongly reported: $line" >&2; failed=1; fi
  done
  if [ "$failed" = 0 ]; then echo "check-layout self-test: all ${#expected[@]} planted violations reported, nothing else"; fi
  exit "$failed"
fi

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# Every Swift file but the contracts module, generated code and build folders.
# (StylecastContractsTests spells the wire values on purpose: it pins them.)
mapfile -t files < <(find Services Shared Tests -name '*.swift' \
  -not -path 'Shared/StylecastContracts/*' -not -path 'Tests/StylecastContractsTests/*' -not -path '*/Generated/*' \
  -not -path '*/.build*' 2>/dev/null | LC_ALL=C sort)

violations=0
# report RULE PATTERN [FILES...]: lines matching the extended regex PATTERN outside comments.
report() {
  local rule=$1 pattern=$2
  shift 2
  [ "$#" -gt 0 ] || return 0
  local hits
  hits=$(grep -nE "$pattern" "$@" /dev/null | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
  if [ -n "$hits" ]; then
    while IFS= read -r hit; do
      local file=${hit%%:*} rest=${hit#*:}
      echo "$file:${rest%%:*}: $rule: ${rest#*:}" | sed 's/:[[:space:]]\+/: /3'
      violations=$((violations + 1))
    done <<<"$hits"
  fi
}

fields='item_id|user_id|interaction_id|signal_id|ingested_entry|token_count'
report "key literal" "[\"']stylecast:" "${files[@]}"
report "default port literal" '(^|[^0-9])(5005[1-5]|910[1-5])([^0-9]|$)' "${files[@]}"
# Every field name of the four work-stream entries.
entryFields="$fields|source|title|description|kind|timestamp|rating|quantity|price|sequence|term|geo|group|points|attributes"
report "stream field read by name" "entry\\[\"($entryFields)\"\\]" "${files[@]}"
report "stream field name in Lua" "'($fields)'" "${files[@]}"
report "recommendation reason literal" 'reason: "[a-z-]+"' "${files[@]}"

mapfile -t blasUsers < <(printf '%s\n' "${files[@]}" | grep -vE '^(Shared/StylecastTensor|Tests/Benchmarks/TensorBench)/' || true)
report "C module outside StylecastTensor (use its BLAS, VectorKernels, BLASRuntime, PackedLinear)" '^import (CBLAS|CPackedGEMM)$' "${blasUsers[@]}"

mapfile -t cores < <(find Services -path '*/*Service/*' -name '*.swift' -not -path '*/RPC/*' 2>/dev/null | LC_ALL=C sort)
report "gRPC import in a service core (only RPC/ may)" '^import (GRPCCore|GRPCNIOTransport[A-Za-z0-9]*|GRPCProtobuf|StylecastGRPC)$' "${cores[@]}"

if [ "$violations" -gt 0 ]; then
  echo "check-layout: $violations violation(s): keys, fields, reasons and ports belong in Shared/StylecastContracts; gRPC belongs in a service's RPC/ folder" >&2
  exit 1
fi
echo "check-layout: no key, field, reason or port literal outside Shared/StylecastContracts, no CBLAS or CPackedGEMM above StylecastTensor, no gRPC import in service cores (${#files[@]} files)"
