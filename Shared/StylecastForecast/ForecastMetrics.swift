/// Forecast accuracy measures.
public enum ForecastMetrics {
    /// Mean absolute error.
    /// - Parameters:
    ///   - actual: Observed values.
    ///   - forecast: Forecasts, as many as `actual`.
    public static func mae(actual: some Collection<Double>, forecast: some Collection<Double>) -> Double {
        precondition(actual.count == forecast.count && !actual.isEmpty, "mae of mismatched or empty series")
        var sum = 0.0
        for (a, f) in zip(actual, forecast) { sum += abs(a - f) }
        return sum / Double(actual.count)
    }

    /// Symmetric mean absolute percentage error in percent (0 to 200): the mean of
    /// 200 |a - f| / (|a| + |f|), a term with both values 0 counting as 0.
    public static func smape(actual: some Collection<Double>, forecast: some Collection<Double>) -> Double {
        precondition(actual.count == forecast.count && !actual.isEmpty, "smape of mismatched or empty series")
        var sum = 0.0
        for (a, f) in zip(actual, forecast) {
            let denominator = abs(a) + abs(f)
            if denominator > 0 { sum += 200 * abs(a - f) / denominator }
        }
        return sum / Double(actual.count)
    }

    /// The in-sample seasonal-naive mean absolute error with period `seasonLength`, the MASE
    /// denominator; with period 1 when the history is not longer than `seasonLength`.
    /// - Returns: The scale and the period used; scale 0 for a history that repeats exactly.
    public static func maseScale(history: [Double], seasonLength: Int) -> (scale: Double, period: Int) {
        let m = history.count > seasonLength ? seasonLength : 1
        guard history.count > m else { return (0, m) }
        var sum = 0.0
        for t in m..<history.count { sum += abs(history[t] - history[t - m]) }
        return (sum / Double(history.count - m), m)
    }

    /// Mean absolute scaled error: MAE over ``maseScale(history:seasonLength:)``.
    /// - Returns: `nil` when the scale is 0 (a constant or exactly repeating history).
    public static func mase(
        actual: some Collection<Double>, forecast: some Collection<Double>, history: [Double], seasonLength: Int
    ) -> Double? {
        let scale = maseScale(history: history, seasonLength: seasonLength).scale
        guard scale > 0 else { return nil }
        return mae(actual: actual, forecast: forecast) / scale
    }
}
