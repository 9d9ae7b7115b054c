/// A symmetric prediction interval around the point forecasts, one bound per step ahead.
public struct PredictionInterval: Sendable, Equatable {
    /// Confidence level in percent, e.g. 80.
    public var level: Double
    /// Lower bounds, one per step ahead.
    public var lower: [Double]
    /// Upper bounds, one per step ahead.
    public var upper: [Double]

    /// Creates an interval.
    /// - Parameters:
    ///   - level: Confidence level in percent.
    ///   - lower: Lower bounds, one per step ahead.
    ///   - upper: Upper bounds, one per step ahead.
    public init(level: Double, lower: [Double], upper: [Double]) {
        self.level = level
        self.lower = lower
        self.upper = upper
    }
}

/// The result of one forecast: the chosen model, its point forecasts and prediction intervals.
public struct Forecast: Sendable, Equatable {
    /// The fitted model, e.g. `"ETS(A,Ad,N)"`, `"Theta"`, `"SeasonalNaive"`.
    public var model: String
    /// Point forecasts, one per step ahead (the mean of the forecast distribution).
    public var mean: [Double]
    /// One interval per requested level, in the order requested.
    public var intervals: [PredictionInterval]
    /// Standard deviation of the one-step-ahead in-sample residuals, in the series' units.
    public var residualStandardDeviation: Double
    /// The corrected Akaike information criterion of an ETS fit; `nil` for other models.
    public var aicc: Double?

    /// Creates a forecast.
    /// - Parameters:
    ///   - model: The model's name.
    ///   - mean: Point forecasts, one per step ahead.
    ///   - intervals: One interval per level.
    ///   - residualStandardDeviation: One-step residual standard deviation.
    ///   - aicc: AICc of an ETS fit, else `nil`.
    public init(
        model: String, mean: [Double], intervals: [PredictionInterval], residualStandardDeviation: Double,
        aicc: Double? = nil
    ) {
        self.model = model
        self.mean = mean
        self.intervals = intervals
        self.residualStandardDeviation = residualStandardDeviation
        self.aicc = aicc
    }

    /// The interval at `level` percent, if it was requested.
    public func interval(level: Double) -> PredictionInterval? {
        intervals.first { $0.level == level }
    }
}
