import StylecastErrors

/// The naive method: every forecast is the last value; variance sigma^2 h, with sigma^2 the
/// mean squared first difference.
public struct NaiveForecaster: Forecaster {
    /// Creates a naive forecaster.
    public init() {}

    public func forecast(_ history: [Double], horizon: Int, levels: [Double] = [80, 95]) throws(InvalidInput)
        -> Forecast
    {
        try ForecastLimits.validate(history: history, horizon: horizon, seasonLength: 1, levels: levels)
        return Self.fit(history, horizon: horizon).forecast(levels: levels)
    }

    static func fit(_ y: [Double], horizon: Int) -> ModelFit {
        let sigma2 = meanSquaredDifference(y, lag: 1)
        return ModelFit(
            name: "Naive", mean: Array(repeating: y[y.count - 1], count: horizon),
            variance: (1...horizon).map { sigma2 * Double($0) }, residualVariance: sigma2)
    }

    /// Mean of (y_t - y_{t-lag})^2; 0 when the history is not longer than `lag`.
    static func meanSquaredDifference(_ y: [Double], lag: Int) -> Double {
        guard y.count > lag else { return 0 }
        var sum = 0.0
        for t in lag..<y.count { sum += (y[t] - y[t - lag]) * (y[t] - y[t - lag]) }
        return sum / Double(y.count - lag)
    }
}

/// The seasonal naive method: each forecast repeats the value one season earlier; variance
/// sigma^2 (floor((h - 1) / m) + 1), with sigma^2 the mean squared seasonal difference.
public struct SeasonalNaiveForecaster: Forecaster {
    /// Observations per season.
    public var seasonLength: Int

    /// Creates a seasonal naive forecaster.
    /// - Parameter seasonLength: Observations per season; the history must hold at least this many.
    public init(seasonLength: Int) {
        self.seasonLength = seasonLength
    }

    public func forecast(_ history: [Double], horizon: Int, levels: [Double] = [80, 95]) throws(InvalidInput)
        -> Forecast
    {
        try ForecastLimits.validate(history: history, horizon: horizon, seasonLength: seasonLength, levels: levels)
        if history.count < seasonLength {
            throw InvalidInput(
                field: "history",
                rule: "must hold at least seasonLength (\(seasonLength)) values for seasonal naive (got \(history.count))")
        }
        return Self.fit(history, horizon: horizon, seasonLength: seasonLength).forecast(levels: levels)
    }

    static func fit(_ y: [Double], horizon: Int, seasonLength m: Int) -> ModelFit {
        let n = y.count
        let sigma2 = NaiveForecaster.meanSquaredDifference(y, lag: m)
        return ModelFit(
            name: "SeasonalNaive", mean: (0..<horizon).map { y[n - m + $0 % m] },
            variance: (0..<horizon).map { sigma2 * Double($0 / m + 1) }, residualVariance: sigma2)
    }
}
