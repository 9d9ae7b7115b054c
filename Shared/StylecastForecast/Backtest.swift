import StylecastErrors

/// The accuracy of a forecaster over several forecast origins.
public struct BacktestResult: Sendable, Equatable {
    /// History lengths at which forecasts were made, oldest first.
    public var origins: [Int]
    /// Mean sMAPE over the origins, in percent.
    public var smape: Double
    /// Mean MASE over the origins whose scale is not 0; `nil` when none has one.
    public var mase: Double?
    /// Mean absolute error over the origins.
    public var mae: Double
    /// The period the MASE scale used at the first origin (the season length, or 1 when the
    /// history there is not longer than a season).
    public var masePeriod: Int
}

/// Rolling-origin evaluation: forecast from several cut points and score against what followed.
public enum Backtest {
    /// Forecasts `horizon` steps from each of `origins` cut points, `step` apart, the last one
    /// `horizon` values before the end, and averages the accuracy measures.
    /// - Parameters:
    ///   - forecaster: The method to evaluate.
    ///   - series: The whole series, oldest first.
    ///   - horizon: Steps ahead per origin.
    ///   - origins: Number of cut points, at least 1.
    ///   - step: Values between consecutive cut points, at least 1.
    ///   - seasonLength: The MASE period.
    /// - Throws: `InvalidInput` when the series is too short for the origins, or the forecaster rejects a history.
    public static func rollingOrigin(
        _ forecaster: some Forecaster, series: [Double], horizon: Int, origins: Int, step: Int = 1, seasonLength: Int
    ) throws(InvalidInput) -> BacktestResult {
        if origins < 1 { throw InvalidInput(field: "origins", rule: "must be at least 1 (got \(origins))") }
        if step < 1 { throw InvalidInput(field: "step", rule: "must be at least 1 (got \(step))") }
        if horizon < 1 || horizon > ForecastLimits.maximumHorizon {
            throw InvalidInput(
                field: "horizon", rule: "must be between 1 and \(ForecastLimits.maximumHorizon) (got \(horizon))")
        }
        let first = series.count - horizon - (origins - 1) * step
        if first < 1 {
            throw InvalidInput(
                field: "series",
                rule: "must hold more than horizon + (origins - 1) x step = \(horizon + (origins - 1) * step) values "
                    + "(got \(series.count))")
        }
        let cuts = (0..<origins).map { first + $0 * step }
        var smape = 0.0
        var mae = 0.0
        var mase = 0.0
        var scaled = 0
        for cut in cuts {
            let history = Array(series.prefix(cut))
            let actual = series[cut..<(cut + horizon)]
            let forecast = try forecaster.forecast(history, horizon: horizon, levels: []).mean
            smape += ForecastMetrics.smape(actual: actual, forecast: forecast)
            mae += ForecastMetrics.mae(actual: actual, forecast: forecast)
            if let value = ForecastMetrics.mase(
                actual: actual, forecast: forecast, history: history, seasonLength: seasonLength)
            {
                mase += value
                scaled += 1
            }
        }
        let count = Double(origins)
        return BacktestResult(
            origins: cuts, smape: smape / count, mase: scaled > 0 ? mase / Double(scaled) : nil, mae: mae / count,
            masePeriod: ForecastMetrics.maseScale(history: Array(series.prefix(first)), seasonLength: seasonLength).period)
    }
}
