import StylecastErrors

/// A forecasting method: fits a history and forecasts it `horizon` steps ahead.
///
/// Every implementation validates its input with ``ForecastLimits/validate(history:horizon:seasonLength:levels:)``
/// first, so callers get the same typed errors from all of them.
public protocol Forecaster: Sendable {
    /// Fits `history` and forecasts `horizon` steps ahead.
    /// - Parameters:
    ///   - history: Observed values at a regular interval, oldest first.
    ///   - horizon: Steps ahead, 1 to ``ForecastLimits/maximumHorizon``.
    ///   - levels: Prediction-interval confidence levels in percent, e.g. `[80, 95]`.
    /// - Throws: `InvalidInput` naming the offending field and limit.
    func forecast(_ history: [Double], horizon: Int, levels: [Double]) throws(InvalidInput) -> Forecast
}

/// A fitted model's output before intervals are attached: point forecasts and their variances.
struct ModelFit {
    var name: String
    var mean: [Double]
    /// Forecast-error variance per step ahead.
    var variance: [Double]
    var residualVariance: Double
    var aicc: Double?

    /// Builds the public result with normal intervals at `levels`.
    func forecast(levels: [Double]) -> Forecast {
        let intervals = levels.map { level in
            let z = NormalDistribution.quantile(0.5 + level / 200)
            var lower = [Double](repeating: 0, count: mean.count)
            var upper = lower
            for h in mean.indices {
                let half = z * variance[h].squareRoot()
                lower[h] = mean[h] - half
                upper[h] = mean[h] + half
            }
            return PredictionInterval(level: level, lower: lower, upper: upper)
        }
        return Forecast(
            model: name, mean: mean, intervals: intervals,
            residualStandardDeviation: residualVariance.squareRoot(), aicc: aicc)
    }
}
