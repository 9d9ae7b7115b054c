"""Prints the Markdown tables of scripts/bench/recsys.sh from its JSON-lines results."""

import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
kernel, arguments = sys.argv[2], sys.argv[3]
version = next((r["version"] for r in rows if r.get("version")), "?")


def params(record):
    text = ", ".join(f"{k}={v}" for k, v in sorted(record.get("params", {}).items()))
    if "exclude_seen" in record and record.get("dataset", "").startswith("hm"):
        text += ("; " if text else "") + ("seen items excluded" if record["exclude_seen"] else "seen items kept")
    if is_session(record):
        text += "; user id hidden, only the context items excluded (the user's other training items are not)"
    return text


def is_session(record):
    return record.get("model", "").startswith("ours session")


def session_target(records, metric="ndcg@10", share=0.6):
    """The session target line: the anonymous session's test metric against `share` x the
    logged-in hybrid's, from the same run's records; None without both rows."""
    session = next((r for r in records if is_session(r)), None)
    hybrid = next((r for r in records if r["model"] == "ours hybrid"), None)
    if not session or not hybrid:
        return None
    ratio = lambda stage: session[stage][metric] / hybrid[stage][metric]
    verdict = "met" if session["test"][metric] >= share * hybrid["test"][metric] else "NOT met"
    return (f"Target (session {metric.upper()} >= {share} x logged-in hybrid's): {verdict} "
            f"({session['test'][metric]:.4f} vs {hybrid['test'][metric]:.4f}, ratio {ratio('test'):.2f}). "
            f"Validation: {session['valid'][metric]:.4f} vs {hybrid['valid'][metric]:.4f}, ratio {ratio('valid'):.2f}.")


print(f"Measured in one run of `scripts/bench/recsys.sh{(' ' + arguments) if arguments else ''}`: "
      f"OpenBLAS kernel {kernel}, 1 thread on both sides; implicit {version}.")
print()
# Timing runs alternate between the sides (one record per run): pool each side's seconds.
timing = {}
for r in rows:
    if r.get("bench") == "als-time":
        timing.setdefault(r["side"], dict(r, seconds=[]))["seconds"] += r["seconds"]
# No timing table with --repeats 0.
if "ours" in timing and "implicit" in timing:
    ours, theirs = timing["ours"], timing["implicit"]
    print(f"ALS training time on the Amazon train split ({ours['users']} users, {ours['items']} items, "
          f"{ours['nnz']} non-zeros), 64 factors, 15 iterations, 3 CG steps, 1 thread (seconds, "
          f"fastest / median of {len(ours['seconds'])}):")
    print()
    print("| ALS | fastest (s) | median (s) | ours / implicit (fastest) |")
    print("|---|---|---|---|")
    for label, record in (("ours (StylecastRecommender)", ours), ("implicit (anchor)", theirs)):
        fastest, median = min(record["seconds"]), statistics.median(record["seconds"])
        ratio = min(record["seconds"]) / min(theirs["seconds"])
        print(f"| {label} | {fastest:.2f} | {median:.2f} | {ratio:.2f}x |")
    print()

titles = {
    "amazon": "Amazon clothing 5-core, leave-last-out, full ranking over 23,033 items (training items excluded; "
              "the session row excludes only its context items)",
    "hm1w": "H&M sample, test week 2020-09-16..22 (train before 2020-09-16), MAP@12",
    "hm4w": "H&M sample, 4-week test window 2020-08-26..09-22 (train before 2020-08-26), MAP@12",
}
for dataset, title in titles.items():
    records = [r for r in rows if r.get("dataset") == dataset]
    if not records:
        continue
    metrics = ["hr@10", "ndcg@10"] if dataset == "amazon" else ["map@12"]
    print(f"{title}:")
    print()
    header = " | ".join(f"{m.upper()} test" for m in metrics) + " | " + " | ".join(f"{m.upper()} valid" for m in metrics)
    print(f"| model | {header} | chosen on validation |")
    print("|---|" + "---|" * (2 * len(metrics) + 1))
    for r in records:
        values = " | ".join(f"{r['test'][m]:.4f}" for m in metrics) + " | " + " | ".join(
            f"{r['valid'][m]:.4f}" for m in metrics)
        print(f"| {r['model']} | {values} | {params(r)} |")
    primary = metrics[-1]
    best = lambda side: max((r for r in records if r["side"] == side), key=lambda r: r["test"][primary], default=None)
    mine, anchor = best("ours"), best("implicit")
    if mine and anchor:
        verdict = "met" if mine["test"][primary] >= anchor["test"][primary] else "NOT met"
        print()
        print(f"Target (our best {primary.upper()} >= best implicit model): {verdict} "
              f"({mine['model']} {mine['test'][primary]:.4f} vs {anchor['model']} {anchor['test'][primary]:.4f}).")
    session_line = session_target(records)
    if session_line:
        print()
        print(session_line)
    print()
