import StylecastErrors

/// Automatic forecasting: the best ETS model by AICc, Theta, and a rule to use one or both.
///
/// The default rule, ``Selection/combination``, averages the point forecasts of the AICc-best
/// ETS model and Theta. It measured best on the two real benchmark sets (docs/forecasting.md):
/// the two methods err in different directions often enough that the mean beats either alone.
public struct AutoForecaster: Forecaster {
    /// How the ETS and Theta fits become one forecast.
    public enum Selection: Sendable, Hashable {
        /// The AICc-best ETS model alone.
        case etsOnly
        /// Theta alone.
        case thetaOnly
        /// The method (AICc-best ETS model or Theta) with the smaller mean absolute error on the
        /// last `min(horizon, n / 5)` values, both refitted without them; then refitted on all.
        case holdout
        /// The mean of the ETS and Theta forecasts; the interval half-widths are the means of theirs.
        case combination
    }

    /// Observations per season (1 when not seasonal).
    public var seasonLength: Int
    /// The rule that turns the fits into one forecast.
    public var selection: Selection

    /// Creates an automatic forecaster.
    /// - Parameters:
    ///   - seasonLength: Observations per season, e.g. 52 for weekly data with a yearly cycle.
    ///   - selection: The rule combining ETS and Theta.
    public init(seasonLength: Int = 1, selection: Selection = .combination) {
        self.seasonLength = seasonLength
        self.selection = selection
    }

    public func forecast(_ history: [Double], horizon: Int, levels: [Double] = [80, 95]) throws(InvalidInput)
        -> Forecast
    {
        try ForecastLimits.validate(history: history, horizon: horizon, seasonLength: seasonLength, levels: levels)
        return Self.fit(history, horizon: horizon, seasonLength: seasonLength, selection: selection)
            .forecast(levels: levels)
    }

    static func fit(_ y: [Double], horizon: Int, seasonLength m: Int, selection: Selection) -> ModelFit {
        guard y.count >= 3 else { return NaiveForecaster.fit(y, horizon: horizon) }
        if selection == .thetaOnly { return ThetaForecaster.fit(y, horizon: horizon, seasonLength: m) }
        guard let ets = ETSForecaster.select(y, seasonLength: m, candidates: nil) else {
            return ThetaForecaster.fit(y, horizon: horizon, seasonLength: m)
        }
        switch selection {
        case .etsOnly, .thetaOnly:
            return ets.forecast(horizon: horizon)
        case .combination:
            return combined(ets.forecast(horizon: horizon), ThetaForecaster.fit(y, horizon: horizon, seasonLength: m))
        case .holdout:
            let k = min(horizon, y.count / 5)
            let training = Array(y.prefix(y.count - k))
            guard k >= 1, let etsHeld = ETSFit.fit(training, model: ets.model, seasonLength: m) else {
                return ets.forecast(horizon: horizon)
            }
            let actual = y.suffix(k)
            let etsError = ForecastMetrics.mae(actual: actual, forecast: etsHeld.forecast(horizon: k).mean)
            let thetaHeld = ThetaForecaster.fit(training, horizon: k, seasonLength: m)
            let thetaError = ForecastMetrics.mae(actual: actual, forecast: thetaHeld.mean)
            return thetaError < etsError
                ? ThetaForecaster.fit(y, horizon: horizon, seasonLength: m) : ets.forecast(horizon: horizon)
        }
    }

    /// The equal-weight combination; its standard deviation per step is the mean of the two,
    /// the bound for perfectly correlated errors, so the intervals are never too narrow on that account.
    static func combined(_ a: ModelFit, _ b: ModelFit) -> ModelFit {
        let mean = zip(a.mean, b.mean).map { ($0 + $1) / 2 }
        let variance = zip(a.variance, b.variance).map { (($0.squareRoot() + $1.squareRoot()) / 2) * (($0.squareRoot() + $1.squareRoot()) / 2) }
        let sd = (a.residualVariance.squareRoot() + b.residualVariance.squareRoot()) / 2
        return ModelFit(
            name: "Combination(\(a.name),\(b.name))", mean: mean, variance: variance, residualVariance: sd * sd)
    }
}
