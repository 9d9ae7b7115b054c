import Foundation
import StylecastCalendar
import StylecastForecast
import StylecastTrends

/// Why the calls forecast with ``SeasonalGrowth``'s own model and not the ``AutoForecaster``:
/// the same calls (forecast growth against the same weeks a year before, the best up/down
/// thresholds of the selection grid for each) scored on the first-half origins only, with the
/// forecast of the next 12 weeks from either model.
enum ForecasterComparison {
    static func run(sets: [BacktestSet], progress: (String) -> Void) -> String {
        var lines = [
            "| set | forecast of the next 12 weeks | best up / down | first-half macro-F1 | seconds |", "|---|---|---|---|---|",
        ]
        for set in sets {
            for model in ["seasonal growth (ours)", "AutoForecaster, season 52"] {
                let start = ContinuousClock.now
                var points: [ParameterSelection.Point] = []
                let origins = TrendBacktest.origins(seriesLength: set.weekCount)
                for series in set.series {
                    for origin in origins.prefix(origins.count / 2) {
                        guard let outcome = TrendBacktest.realised(series, origin: origin) else { continue }
                        let call = TrendBacktest.ours(series, origin: origin)
                        var point = ParameterSelection.Point(forecastGrowth: nil, outcome: outcome, logError: nil)
                        if let growth = call.growth, call.unsupported == nil {
                            if model.hasPrefix("seasonal") {
                                point.forecastGrowth = growth.forecastGrowth
                            } else {
                                point.forecastGrowth = autoForecastGrowth(
                                    Array(series[...origin]), baseline: growth.forecastBaseline, offset: growth.offset)
                            }
                        }
                        points.append(point)
                    }
                }
                var best = (score: -1.0, up: 0.0, down: 0.0)
                for up in ParameterSelection.upThresholds {
                    for down in ParameterSelection.downThresholds {
                        let score = ParameterSelection.macroF1(points, up: up, down: down)
                        if score > best.score + 1e-12 { best = (score, up, down) }
                    }
                }
                let seconds = (ContinuousClock.now - start).totalSeconds
                progress("\(set.name), \(model): " + String(format: "%.4f", best.score))
                lines.append(
                    "| \(set.name) | \(model) | \(best.up) / \(best.down) | " + String(format: "%.4f | %.1f |", best.score, seconds))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Forecast growth with the AutoForecaster's 12-week forecast (missing weeks carried forward).
    static func autoForecastGrowth(_ history: [Double?], baseline: Double, offset: Double) -> Double? {
        var filled: [Double] = []
        var last: Double?
        for value in history {
            if let value { last = value }
            if let last { filled.append(last) }
        }
        guard filled.count >= 3,
            let forecast = try? AutoForecaster(seasonLength: 52).forecast(filled, horizon: 12, levels: [80])
        else { return nil }
        let mean = forecast.mean.map { max(0, $0) }.reduce(0, +) / 12
        return (mean + offset) / (baseline + offset) - 1
    }
}
