"""Forecast benchmark, Python side: prepares the series and runs the statsforecast anchors.

  forecast_anchors.py prepare DATA_DIR OUT.jsonl
      Writes every benchmark series once, as JSON lines
      {"dataset", "id", "season", "train": [...], "test": [...]}, which both sides read.
  forecast_anchors.py report SERIES.jsonl OURS.jsonl
      Fits statsforecast's Naive, SeasonalNaive, AutoETS and AutoTheta on the same splits
      (n_jobs=1), scores them and our forecasts with the same code, prints a Markdown table.

Series: (a) the COVID-19 Google Trends long CSV, 1,056 geo x keyword series of 156 weeks;
"<1" read as 0.5; (b) the 96 VISUELLE trend columns, where -1 means missing: all-missing columns are skipped,
leading and trailing missing weeks are dropped, inner ones interpolated linearly.
The last 12 weeks of each series are held out; season length 52.
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd

HORIZON = 12
SEASON = 52


def prepare(data_dir, out_path):
    rows = []
    long = pd.read_csv(f"{data_dir}/gtrends/covid19_fashion_weekly.csv.gz", dtype={"hits": str})
    # Google writes "<1" for interest below 1; read as 0.5, as StylecastDatasets does.
    long["hits"] = long["hits"].replace("<1", "0.5").astype(float)
    long = long.sort_values(["geo", "category_file", "keyword", "date"])
    for (geo, group, keyword), frame in long.groupby(["geo", "category_file", "keyword"], sort=True):
        values = frame["hits"].astype(float).tolist()
        rows.append(("gtrends", f"{geo}/{group}/{keyword}", values))
    wide = pd.read_csv(f"{data_dir}/visuelle/gtrends.csv")
    for column in wide.columns[1:]:
        values = wide[column].astype(float).to_numpy()
        present = np.flatnonzero(values != -1)
        if present.size == 0:
            continue
        values = values[present[0]: present[-1] + 1]
        known = values != -1
        index = np.arange(values.size)
        values = np.interp(index, index[known], values[known])
        rows.append(("visuelle", column, values.tolist()))
    with open(out_path, "w") as out:
        for dataset, name, values in rows:
            out.write(json.dumps({
                "dataset": dataset, "id": name, "season": SEASON,
                "train": values[:-HORIZON], "test": values[-HORIZON:],
            }) + "\n")
    print(f"prepared {len(rows)} series", file=sys.stderr)


def smape(actual, forecast):
    denominator = np.abs(actual) + np.abs(forecast)
    terms = np.where(denominator == 0, 0.0, 200.0 * np.abs(actual - forecast) / np.where(denominator == 0, 1, denominator))
    return float(terms.mean())


def mase_scale(train, season):
    """In-sample seasonal-naive MAE with period `season`, or with 1 when the history is too short."""
    m = season if len(train) > season else 1
    return float(np.mean(np.abs(train[m:] - train[:-m]))), m


def score(series, forecasts):
    """Mean sMAPE and mean MASE; series whose in-sample scale is 0 (constant) are left out of MASE."""
    smapes, mases, fallback = [], [], 0
    for s in series:
        actual = np.asarray(s["test"])
        forecast = np.asarray(forecasts[s["id"]])
        smapes.append(smape(actual, forecast))
        scale, m = mase_scale(np.asarray(s["train"]), s["season"])
        fallback += m != s["season"]
        if scale > 0:
            mases.append(float(np.mean(np.abs(actual - forecast))) / scale)
    return float(np.mean(smapes)), float(np.mean(mases)), len(series) - len(mases), fallback


def run_anchor(model, series):
    from statsforecast import StatsForecast

    frame = pd.DataFrame({
        "unique_id": [s["id"] for s in series for _ in s["train"]],
        "ds": [t for s in series for t in range(len(s["train"]))],
        "y": [v for s in series for v in s["train"]],
    })
    # Numba compiles on first use: a warm-up fit on one series keeps compilation out of the timing.
    warm = frame[frame["unique_id"] == series[0]["id"]]
    StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=warm, h=HORIZON)
    start = time.perf_counter()
    result = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=HORIZON)
    elapsed = time.perf_counter() - start
    column = [c for c in result.columns if c not in ("unique_id", "ds")][0]
    forecasts = {uid: group[column].to_numpy() for uid, group in result.groupby("unique_id")}
    return forecasts, elapsed


def report(series_path, ours_path):
    import statsforecast
    from statsforecast.models import AutoETS, AutoTheta, Naive, SeasonalNaive

    series = [json.loads(line) for line in open(series_path)]
    ours = [json.loads(line) for line in open(ours_path) if line.strip()]
    datasets = ["gtrends", "visuelle"]
    by_dataset = {d: [s for s in series if s["dataset"] == d] for d in datasets}
    # FORECAST_ANCHORS_CACHE=FILE reuses the anchors' scores and times from an earlier run while
    # tuning our side; the benchmark script never sets it, so its table is always one run.
    cache = os.environ.get("FORECAST_ANCHORS_CACHE")
    table = {}
    if cache and os.path.exists(cache):
        table = {tuple(k.split("|")): tuple(v) for k, v in json.load(open(cache)).items()}
    for name, make in [
        ("statsforecast Naive", lambda: Naive()),
        ("statsforecast SeasonalNaive", lambda: SeasonalNaive(season_length=SEASON)),
        ("statsforecast AutoETS", lambda: AutoETS(season_length=SEASON)),
        ("statsforecast AutoTheta", lambda: AutoTheta(season_length=SEASON)),
    ]:
        for d in datasets:
            if (name, d) in table:
                continue
            print(f"anchors: {name} on {d} ...", file=sys.stderr)
            forecasts, elapsed = run_anchor(make(), by_dataset[d])
            table[(name, d)] = score(by_dataset[d], forecasts) + (elapsed,)
    if cache:
        json.dump({"|".join(k): v for k, v in table.items()}, open(cache, "w"))
    models = []
    for record in ours:
        if record.get("kind") != "timing":
            continue
        label = f'Stylecast {record["model"]}'
        if label not in models:
            models.append(label)
        d = record["dataset"]
        forecasts = {r["id"]: r["mean"] for r in ours
                     if r.get("kind") == "forecast" and r["dataset"] == d and r["model"] == record["model"]}
        table[(label, d)] = score(by_dataset[d], forecasts) + (record["seconds"],)
    print(f"statsforecast {statsforecast.__version__}, 1 thread each; last {HORIZON} weeks held out, season length {SEASON}.")
    for d in datasets:
        _, _, skipped, fallback, _ = table[("statsforecast Naive", d)]
        print(f"{d}: {len(by_dataset[d])} series; {skipped} constant in-sample (left out of MASE); "
              f"{fallback} with MASE scaled at m=1 (history not longer than 52).")
    print()
    print("| model | gtrends sMAPE | gtrends MASE | gtrends time | visuelle sMAPE | visuelle MASE | visuelle time |")
    print("|---|---|---|---|---|---|---|")
    names = ["statsforecast Naive", "statsforecast SeasonalNaive", "statsforecast AutoETS", "statsforecast AutoTheta"] + models
    for name in names:
        cells = []
        for d in datasets:
            s, m, _, _, t = table[(name, d)]
            cells += [f"{s:.2f}", f"{m:.3f}", f"{t:.2f} s"]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: forecast_anchors.py prepare DATA_DIR OUT.jsonl | report SERIES.jsonl OURS.jsonl")
