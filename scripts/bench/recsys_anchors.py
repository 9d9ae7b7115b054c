"""Recommendation benchmark, Python side (scripts/bench/recsys.sh runs it in .venv-bench).

  recsys_anchors.py split --data DIR --out SPLITS   writes the shared splits (both sides read them)
  recsys_anchors.py run --splits SPLITS             anchors: implicit ALS, BPR, item kNN, popularity

Split layout: SPLITS/<dataset>/<stage>/{train.tsv,target.tsv,meta.json}, stage "valid" (tune) and
"test" (report); rows "user<TAB>item<TAB>time" with dense indices; time is the position in the
user's sequence (Amazon) or days since 2018-09-20 (H&M). Every printed line is one JSON object.
"""

import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp


def write_stage(directory, train, target, users, items, now, kind):
    os.makedirs(directory, exist_ok=True)
    train.to_csv(os.path.join(directory, "train.tsv"), sep="\t", header=False, index=False)
    target.to_csv(os.path.join(directory, "target.tsv"), sep="\t", header=False, index=False)
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump({"users": users, "items": items, "now": now, "kind": kind}, f)


def split_amazon(data, out):
    rows = []
    with gzip.open(os.path.join(data, "amazon/clothing_5core_sequences.txt.gz"), "rt") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 4:
                continue
            for position, item in enumerate(parts[1:]):
                rows.append((parts[0], item, position, len(parts) - 1))
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "time", "length"])
    frame["user"] = frame["user_id"].astype("category").cat.codes.astype(np.int64)
    frame["item"] = frame["item_id"].astype("category").cat.codes.astype(np.int64)
    users, items = int(frame["user"].max()) + 1, int(frame["item"].max()) + 1
    last = frame["time"] == frame["length"] - 1
    second = frame["time"] == frame["length"] - 2
    columns = ["user", "item", "time"]
    train, valid, test = frame[~last & ~second][columns], frame[second][columns], frame[last][columns]
    # The sequences have no clock; "now" is past every position.
    write_stage(os.path.join(out, "amazon/valid"), train, valid, users, items, 1e9, "sequence")
    write_stage(os.path.join(out, "amazon/test"), pd.concat([train, valid]).sort_values(["user", "time"]),
                test, users, items, 1e9, "sequence")


def split_hm(data, out):
    frame = pd.read_csv(os.path.join(data, "hm/transactions_train.csv.gz"), dtype={"article_id": str})
    frame["t_dat"] = pd.to_datetime(frame["t_dat"])
    frame["time"] = (frame["t_dat"] - pd.Timestamp("2018-09-20")).dt.days
    frame["user"] = frame["customer_id"].astype("category").cat.codes.astype(np.int64)
    frame["item"] = frame["article_id"].astype("category").cat.codes.astype(np.int64)
    users, items = int(frame["user"].max()) + 1, int(frame["item"].max()) + 1
    columns = ["user", "item", "time"]
    # Item attributes for the trend boost: items.tsv "item<TAB>attribute<TAB>attribute..." with
    # the article's product type, colour group and graphical appearance where the sample's
    # article file knows it.
    articles = pd.read_csv(os.path.join(data, "hm/articles_train.csv.gz"), dtype={"article_id": str}).set_index("article_id")
    attribute_lines = []
    for index, article in enumerate(frame["article_id"].astype("category").cat.categories):
        values = []
        if article in articles.index:
            row = articles.loc[article]
            for kind, column in (("type", "product_type_name"), ("colour", "colour_group_name"),
                                 ("appearance", "graphical_appearance_name")):
                if isinstance(row[column], str) and row[column]:
                    values.append(f"{kind}:{row[column]}")
        attribute_lines.append("\t".join([str(index)] + values))
    day = lambda text: (pd.Timestamp(text) - pd.Timestamp("2018-09-20")).days
    test_end = day("2020-09-23")
    for name, weeks in (("hm1w", 1), ("hm4w", 4)):
        test_start = test_end - 7 * weeks
        valid_start = test_start - 7 * weeks
        for stage, start, end in (("valid", valid_start, test_start), ("test", test_start, test_end)):
            train = frame[frame["time"] < start][columns]
            target = frame[(frame["time"] >= start) & (frame["time"] < end)][columns]
            write_stage(os.path.join(out, name, stage), train, target, users, items, start, "days")
            with open(os.path.join(out, name, stage, "items.tsv"), "w") as f:
                f.write("\n".join(attribute_lines) + "\n")


def load_stage(directory):
    meta = json.load(open(os.path.join(directory, "meta.json")))
    read = lambda name: pd.read_csv(os.path.join(directory, name), sep="\t", header=None, names=["user", "item", "time"])
    return meta, read("train.tsv"), read("target.tsv")


def user_items(meta, train):
    values = np.ones(len(train), dtype=np.float32)
    matrix = sp.csr_matrix((values, (train["user"], train["item"])), shape=(meta["users"], meta["items"]))
    matrix.sum_duplicates()
    return matrix


def targets(target):
    return {user: set(group["item"]) for user, group in target.groupby("user")}


def ndcg_hr(ranked, relevant, k=10):
    gain, hit = 0.0, 0.0
    for position, item in enumerate(ranked[:k]):
        if item in relevant:
            gain += 1 / np.log2(position + 2)
            hit = 1.0
    ideal = sum(1 / np.log2(i + 2) for i in range(min(k, len(relevant))))
    return hit, gain / ideal


def apk(ranked, relevant, k=12):
    # The H&M competition's metric (ml_metrics.apk over unique purchases).
    score, hits, seen = 0.0, 0, set()
    for position, item in enumerate(ranked[:k]):
        if item in relevant and item not in seen:
            hits += 1
            score += hits / (position + 1)
        seen.add(item)
    return score / min(len(relevant), k)


def evaluate(kind, rankings, truth):
    users = sorted(truth)
    if kind == "sequence":
        pairs = [ndcg_hr(list(rankings[u]), truth[u]) for u in users]
        return {"hr@10": float(np.mean([p[0] for p in pairs])), "ndcg@10": float(np.mean([p[1] for p in pairs]))}
    return {"map@12": float(np.mean([apk(list(rankings[u]), truth[u]) for u in users]))}


def primary(metrics):
    return metrics.get("ndcg@10", metrics.get("map@12"))


def recommend_all(model, matrix, users, n, filter_seen):
    ids, _ = model.recommend(np.array(users), matrix[users], N=n, filter_already_liked_items=filter_seen)
    return dict(zip(users, ids))


def popularity(meta, train, users, n, window):
    recent = train if window is None else train[train["time"] >= meta["now"] - window]
    counts = recent["item"].value_counts()
    # Ties by lower index, as our TopKSelection.
    order = sorted(counts.index, key=lambda i: (-counts[i], i))
    return order


def run_dataset(name, splits, emit):
    import implicit
    from implicit.als import AlternatingLeastSquares
    from implicit.bpr import BayesianPersonalizedRanking
    from implicit.nearest_neighbours import CosineRecommender, ItemItemRecommender

    stages = {stage: load_stage(os.path.join(splits, name, stage)) for stage in ("valid", "test")}
    kind = stages["valid"][0]["kind"]
    n = 10 if kind == "sequence" else 12
    filters = [True] if kind == "sequence" else [True, False]
    if kind == "sequence":
        als_grid = [dict(factors=f, regularization=r, alpha=a, iterations=15)
                    for f in (64, 128) for r in (0.1, 1.0, 10.0) for a in (2.0, 10.0, 40.0)]
        bpr_grid = [dict(factors=f, learning_rate=lr, regularization=0.01, iterations=100)
                    for f in (64, 128) for lr in (0.01, 0.05)]
    else:
        als_grid = [dict(factors=f, regularization=r, alpha=a, iterations=15)
                    for f in (32, 64) for r in (0.1, 1.0, 10.0) for a in (2.0, 10.0, 40.0)]
        bpr_grid = [dict(factors=f, learning_rate=lr, regularization=0.01, iterations=100)
                    for f in (32, 64) for lr in (0.01, 0.05)]
    knn_grid = [("cosine", k) for k in (20, 100, 400)] + [("itemitem", k) for k in (20, 100, 400)]

    def build(model_name, params):
        if model_name == "als":
            return AlternatingLeastSquares(**params, random_state=42, num_threads=1, calculate_training_loss=False)
        if model_name == "bpr":
            return BayesianPersonalizedRanking(**params, random_state=42, num_threads=1)
        family, k = params
        return (CosineRecommender if family == "cosine" else ItemItemRecommender)(K=k, num_threads=1)

    def score(stage, model_name, params, filter_seen):
        meta, train, target = stages[stage]
        matrix = user_items(meta, train)
        model = build(model_name, params)
        # The nearest-neighbour models want float64 weights; the factor models float32.
        model.fit(matrix.astype(np.float64) if model_name == "item-kNN" else matrix, show_progress=False)
        truth = targets(target)
        users = sorted(truth)
        return evaluate(kind, recommend_all(model, matrix, users, n, filter_seen), truth)

    for model_name, grid in (("item-kNN", knn_grid), ("als", als_grid), ("bpr", bpr_grid)):
        best = None
        for params in grid:
            for filter_seen in filters:
                metrics = score("valid", model_name, params, filter_seen)
                if best is None or primary(metrics) > primary(best[2]):
                    best = (params, filter_seen, metrics)
        if model_name == "als":
            # Iterations tuned last, at the best other values.
            for iterations in (5, 30):
                params = dict(best[0], iterations=iterations)
                metrics = score("valid", model_name, params, best[1])
                if primary(metrics) > primary(best[2]):
                    best = (params, best[1], metrics)
        params, filter_seen, valid_metrics = best
        test_metrics = score("test", model_name, params, filter_seen)
        label = {"item-kNN": "implicit item-kNN", "als": "implicit ALS", "bpr": "implicit BPR"}[model_name]
        if model_name == "item-kNN":
            params = {"similarity": params[0], "K": params[1]}
        emit({"dataset": name, "side": "implicit", "model": label, "params": params, "exclude_seen": filter_seen,
              "valid": valid_metrics, "test": test_metrics, "version": implicit.__version__})

    # Popularity anchor (pandas): all training events, or the last week / last four weeks for H&M.
    for window in ([None] if kind == "sequence" else [7, 28]):
        results = {}
        for stage in ("valid", "test"):
            meta, train, target = stages[stage]
            truth = targets(target)
            order = popularity(meta, train, sorted(truth), n, window)
            seen = train.groupby("user")["item"].apply(set).to_dict()
            rankings = {}
            for user in truth:
                excluded = seen.get(user, set()) if kind == "sequence" else set()
                rankings[user] = [i for i in order[: n + len(excluded)] if i not in excluded][:n]
            results[stage] = evaluate(kind, rankings, truth)
        label = "popularity (pandas)" if window is None else f"popularity, last {window} days (pandas)"
        emit({"dataset": name, "side": "pandas", "model": label, "params": {}, "valid": results["valid"],
              "test": results["test"]})


def time_als(splits, emit, factors, iterations, repeats):
    from implicit.als import AlternatingLeastSquares

    meta, train, _ = load_stage(os.path.join(splits, "amazon/valid"))
    matrix = user_items(meta, train)
    times = []
    for _ in range(repeats):
        model = AlternatingLeastSquares(factors=factors, regularization=1.0, alpha=10.0, iterations=iterations,
                                        random_state=42, num_threads=1, calculate_training_loss=False)
        start = time.perf_counter()
        model.fit(matrix, show_progress=False)
        times.append(time.perf_counter() - start)
    emit({"bench": "als-time", "side": "implicit", "factors": factors, "iterations": iterations,
          "seconds": sorted(times), "users": meta["users"], "items": meta["items"], "nnz": int(matrix.nnz)})


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    split = sub.add_parser("split")
    split.add_argument("--data", required=True)
    split.add_argument("--out", required=True)
    run = sub.add_parser("run")
    run.add_argument("--splits", required=True)
    run.add_argument("--datasets", default="amazon,hm1w,hm4w")
    run.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    if arguments.command == "split":
        split_amazon(arguments.data, arguments.out)
        split_hm(arguments.data, arguments.out)
        return
    emit = lambda record: print(json.dumps(record), flush=True)
    if arguments.repeats > 0:
        time_als(arguments.splits, emit, 64, 15, arguments.repeats)
    for name in filter(None, arguments.datasets.split(",")):
        run_dataset(name, arguments.splits, emit)


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    main()
