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
                let points = set.outcomes(firstHalfOnly: true).map { _, series, origin, _, outcome in
                    let call = TrendBacktest.ours(series, origin: origin)
                    var point = ParameterSelection.Point(forecastGrowth: nil, outcome: outcome, logError: nil)
                    if let growth = call.growth, call.unsupported == nil {
                        point.forecastGrowth =
                            model.hasPrefix("seasonal")
                            ? growth.forecastGrowth
                            : autoForecastGrowth(Array(series[...origin]), baseline: growth.forecastBaseline, offset: growth.offset)
                    }
                    return point
                }
                let best = ParameterSelection.bestThresholds { ParameterSelection.macroF1(points, up: $0, down: $1) }
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
