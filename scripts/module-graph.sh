#!/usr/bin/env bash
# Prints every target of Package.swift with its folder and what it depends on, as the markdown
# table docs/architecture.md embeds ("Module graph"), from `swift package dump-package`.
#
#   scripts/module-graph.sh                  print the table
#   scripts/module-graph.sh --check FILE     fail unless FILE holds the same table between
#                                            its module-graph markers (run by scripts/test.sh)
#   scripts/module-graph.sh --write FILE     replace the table between the markers in FILE
set -euo pipefail
cd "$(dirname "$0")/.."

table=$(swift package dump-package | python3 -c '
import json, sys
package = json.load(sys.stdin)
kinds = {"system": "C library", "regular": "library", "executable": "executable", "test": "tests"}
print("| target | kind | folder | depends on (targets; packages in italics) |")
print("|---|---|---|---|")
for target in package["targets"]:
    names = []
    for dependency in target["dependencies"]:
        if "byName" in dependency:
            names.append(dependency["byName"][0])
        elif "target" in dependency:
            names.append(dependency["target"][0])
        elif "product" in dependency:
            names.append("*%s*" % dependency["product"][0])
    path = target.get("path") or ""
    print("| %s | %s | `%s` | %s |" % (target["name"], kinds.get(target["type"], target["type"]), path, ", ".join(names) or "-"))
')

begin='<!-- module-graph:begin (scripts/module-graph.sh --write docs/architecture.md) -->'
end='<!-- module-graph:end -->'
case "${1:-}" in
  "") echo "$table" ;;
  --check|--write)
    file=${2:?"usage: $0 $1 FILE"}
    current=$(awk -v b="$begin" -v e="$end" '$0==e{inside=0} inside{print} $0==b{inside=1}' "$file")
    if [ "$1" = --check ]; then
      if [ "$current" != "$table" ]; then
        diff <(echo "$current") <(echo "$table") | head -20 >&2 || true
        echo "module-graph: the table in $file is not Package.swift's; run scripts/module-graph.sh --write $file" >&2
        exit 1
      fi
      echo "module-graph: $file lists the $(( $(echo "$table" | wc -l) - 2 )) targets of Package.swift"
    else
      grep -qxF "$begin" "$file" || { echo "module-graph: $file has no line '$begin'" >&2; exit 1; }
      python3 - "$file" "$begin" "$end" "$table" <<'PY'
import sys
path, begin, end, table = sys.argv[1:]
text = open(path).read()
head, rest = text.split(begin + "\n", 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n" + table + "\n" + end + tail)
PY
    fi
    ;;
  *) echo "usage: $0 [--check FILE | --write FILE]" >&2; exit 2 ;;
esac
