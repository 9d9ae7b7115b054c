// forecast-bench SERIES.jsonl OUT.jsonl [METHOD ...]
//
// Fits every series of SERIES.jsonl (written by scripts/bench/forecast_anchors.py prepare) with
// each method, one thread, and writes one JSON line per forecast and one per (method, data set)
// with the total fit + forecast wall time. Methods: auto (the default AutoForecaster), ets, theta,
// holdout, naive, snaive. The anchor script scores every method with the same code.
import Foundation
import StylecastCalendar
import StylecastForecast

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: forecast-bench SERIES.jsonl OUT.jsonl [METHOD ...]\n".utf8))
    exit(2)
}
let methods = arguments.count > 3 ? Array(arguments[3...]) : ["auto"]
let series = try BenchSeries.load(path: arguments[1])
let horizon = series.first?.test.count ?? 0

func forecaster(_ method: String, seasonLength: Int) -> any Forecaster {
    switch method {
    case "auto": AutoForecaster(seasonLength: seasonLength)
    case "ets": AutoForecaster(seasonLength: seasonLength, selection: .etsOnly)
    case "theta": ThetaForecaster(seasonLength: seasonLength)
    case "holdout": AutoForecaster(seasonLength: seasonLength, selection: .holdout)
    case "naive": NaiveForecaster()
    case "snaive": SeasonalNaiveForecaster(seasonLength: seasonLength)
    default: fatalError("unknown method \(method)")
    }
}

let names = ["auto": "AutoForecaster", "ets": "AutoForecaster(etsOnly)", "theta": "Theta",
             "holdout": "AutoForecaster(holdout)", "naive": "Naive", "snaive": "SeasonalNaive"]
let encoder = JSONEncoder()
var output = Data()
for method in methods {
    for dataset in ["gtrends", "visuelle"] {
        let subset = series.filter { $0.dataset == dataset }
        var forecasts: [(BenchSeries, Forecast)] = []
        forecasts.reserveCapacity(subset.count)
        let start = ContinuousClock.now
        for one in subset {
            let f = try forecaster(method, seasonLength: one.season).forecast(one.train, horizon: horizon, levels: [80])
            forecasts.append((one, f))
        }
        let seconds = (ContinuousClock.now - start).totalSeconds
        var mase = 0.0
        var scaled = 0
        var selected: [String: Int] = [:]
        for (one, f) in forecasts {
            let name = names[method]!
            output += try encoder.encode(BenchRecord(
                kind: "forecast", dataset: dataset, model: name, id: one.id, selected: f.model, mean: f.mean))
            output += Data("\n".utf8)
            selected[f.model, default: 0] += 1
            if let value = ForecastMetrics.mase(
                actual: one.test, forecast: f.mean, history: one.train, seasonLength: one.season)
            {
                mase += value
                scaled += 1
            }
        }
        output += try encoder.encode(BenchRecord(kind: "timing", dataset: dataset, model: names[method]!, seconds: seconds))
        output += Data("\n".utf8)
        let counts = selected.sorted { $0.value > $1.value }.prefix(6).map { "\($0.key) \($0.value)" }
        FileHandle.standardError.write(Data(String(
            format: "forecast-bench: %@ on %@: %d series, %.3f s, mean MASE %.4f; models: %@\n",
            names[method]!, dataset, subset.count, seconds, mase / Double(max(1, scaled)),
            counts.joined(separator: ", ")).utf8))
    }
}
try output.write(to: URL(fileURLWithPath: arguments[2]))
