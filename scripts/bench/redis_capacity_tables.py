"""The tables of scripts/bench/redis-capacity.sh, from the files it left in its work folder.

Per phase: Redis commands per operation (the `INFO commandstats` difference, minus what the idle
services issue in as long: polls, health checks, blocking reads that time out), network bytes
and memory per operation. Per key family: the bytes `MEMORY USAGE` reports, summed. Then a
sizing for 10 million items, 100 million interactions and 20,000 Recommend calls/s from those
figures and the redis-benchmark anchor of the same run.

With more than one partition, also each partitioned family's bytes per partition: the share of
the largest says how evenly the partitions' tags spread it.

    python3 scripts/bench/redis_capacity_tables.py WORK_DIR USERS [PARTITIONS]
"""

import collections
import json
import re
import sys

work, users = sys.argv[1], int(sys.argv[2])
partitions = int(sys.argv[3]) if len(sys.argv) > 3 else 1


def read(name):
    return open(f"{work}/{name}").read()


def commands(name):
    calls = {}
    for match in re.finditer(r"cmdstat_([^:]+):calls=(\d+)", read(f"{name}.commands")):
        calls[match.group(1)] = int(match.group(2))
    return calls


def field(name, section, key):
    return int(re.search(rf"^{key}:(\d+)", read(f"{name}.{section}"), re.M).group(1))


def seconds(name):
    return float(read(f"{name}.time"))


idle_span = seconds("idle-end") - seconds("idle-start")
idle_calls = collections.Counter(commands("idle-end")) - collections.Counter(commands("idle-start"))
idle_rate = {name: count / idle_span for name, count in idle_calls.items()}


def phase(name, operations):
    """Commands by name, network bytes and memory per operation, background taken out."""
    span = seconds(f"{name}-end") - seconds(f"{name}-start")
    start, end = commands(f"{name}-start"), commands(f"{name}-end")
    per_op = {}
    for command in set(start) | set(end):
        count = end.get(command, 0) - start.get(command, 0) - idle_rate.get(command, 0) * span
        if count / operations >= 0.005:
            per_op[command] = count / operations
    net_in = field(f"{name}-end", "stats", "total_net_input_bytes") - field(f"{name}-start", "stats", "total_net_input_bytes")
    net_out = field(f"{name}-end", "stats", "total_net_output_bytes") - field(f"{name}-start", "stats", "total_net_output_bytes")
    memory = field(f"{name}-end", "memory", "used_memory") - field(f"{name}-start", "memory", "used_memory")
    return {"commands": per_op, "in": net_in / operations, "out": net_out / operations, "memory": memory / operations,
            "span": span}


items = json.loads(read("items.json").strip().splitlines()[-1])
interactions = json.loads(read("interactions.json").strip().splitlines()[-1])


def accepted(summary, kind):
    part = summary.get(kind, summary)
    return part.get("accepted", 0) if isinstance(part, dict) else 0


item_count = accepted(items, "items") or items.get("accepted", 0)
interaction_count = accepted(interactions, "interactions") or interactions.get("accepted", 0)
misses, hits = json.loads(read("misses.json")), json.loads(read("hits.json"))
phases = [
    ("item ingested, embedded, aggregated", phase("items", item_count), item_count),
    ("interaction ingested, consumed by recommendation and trends", phase("interactions", interaction_count), interaction_count),
    ("Recommend, cache miss (computed, cached)", phase("misses", misses["succeeded"]), misses["succeeded"]),
    ("Recommend, cache hit read from Redis", phase("hits", hits["succeeded"]), hits["succeeded"]),
]

print(f"| per operation | operations | Redis commands | top commands | bytes in / out | memory |")
print("|---|---|---|---|---|---|")
for label, figures, count in phases:
    total = sum(figures["commands"].values())
    top = ", ".join(f"{name} {value:.2f}" for name, value in sorted(figures["commands"].items(), key=lambda x: -x[1])[:5])
    print(f"| {label} | {count:,} | {total:.2f} | {top} | {figures['in']:,.0f} / {figures['out']:,.0f} | {figures['memory']:,.0f} B |")

families = collections.Counter()
keys = collections.Counter()
# family -> partition -> bytes, for the keys of a partitioned stream or of the trends.
per_partition = collections.defaultdict(collections.Counter)
lines = read("families.tsv").splitlines()
usage = read("usage.txt").splitlines()
for line, used in zip(lines, usage):
    family, key = line.split("\t", 1)
    if used.strip().isdigit():
        families[family] += int(used)
        keys[family] += 1
        tag = re.match(r"^stylecast:\{([a-z.]+)(?:#([0-9]+))?\}", key)
        if tag and partitions > 1:
            per_partition[family][int(tag.group(2) or 0)] += int(used)
print()
print("| key family | keys | bytes (MEMORY USAGE) | per key |")
print("|---|---|---|---|")
for family, total in families.most_common(25):
    print(f"| `{family}` | {keys[family]:,} | {total:,} | {total / keys[family]:,.0f} |")

spread = [(family, parts) for family, parts in per_partition.items() if len(parts) > 1 and families[family] >= 100_000]
if spread:
    print()
    print(f"Per partition ({partitions} partitions; families of at least 100 kB split over partitions):")
    print()
    print("| key family | partitions holding it | smallest / largest partition, bytes | largest share (even: "
          f"{100 / partitions:.1f}%) |")
    print("|---|---|---|---|")
    for family, parts in sorted(spread, key=lambda item: -families[item[0]]):
        print(f"| `{family}` | {len(parts)} | {min(parts.values()):,} / {max(parts.values()):,} | "
              f"{100 * max(parts.values()) / families[family]:.1f}% |")

anchor = {}
for line in read("anchor.txt").splitlines():
    match = re.match(r'"?([A-Z]+)[^:]*"?: ([0-9.]+) requests per second', line.strip())
    if match:
        anchor[match.group(1)] = float(match.group(2))
print()
print("Anchor, same run, one redis-server core: " + ", ".join(f"{name} {rate:,.0f}/s" for name, rate in anchor.items()))

# Sizing.
item_bytes = phases[0][1]["memory"]
interaction_bytes = phases[1][1]["memory"]
cached_bytes = families.get("stylecast:rec:{id}", 0) / max(keys.get("stylecast:rec:{id}", 1), 1)
usable = 25 * 2**30
memory = 10e6 * item_bytes + 100e6 * interaction_bytes
hit_commands = sum(phases[3][1]["commands"].values())
ops = 20_000 * hit_commands
per_primary = anchor.get("GET", 100_000) * 0.5
print()
print(f"Sizing (usable memory per primary {usable / 2**30:.0f} GiB, a primary kept at half its measured GET rate):")
print(f"- 10 million items x {item_bytes:,.0f} B + 100 million interactions x {interaction_bytes:,.0f} B = {memory / 2**30:,.1f} GiB"
      f" -> {memory / usable:.1f} primaries' memory")
print(f"- 20,000 Recommend/s, every one a hit read from Redis: {ops:,.0f} commands/s -> {ops / per_primary:.2f} primaries' CPU;"
      f" a cached answer is {cached_bytes:,.0f} B")
