import StylecastErrors

/// The limits every forecaster checks before fitting, so that a request that cannot be answered
/// well (or cheaply) fails with an `InvalidInput` naming the field and the limit.
public enum ForecastLimits {
    /// The most steps ahead one call may forecast: ten years of weekly data.
    public static let maximumHorizon = 520
    /// The longest history one call may fit: fitting is linear in its length, and 100,000 points
    /// is more than a century of daily data.
    public static let maximumHistory = 100_000
    /// The longest season: an hourly series with a weekly cycle is 168, a daily series with a
    /// yearly cycle 365; 1,000 leaves room for both and rejects absurd values.
    public static let maximumSeasonLength = 1_000
    /// The confidence levels (percent) accepted for prediction intervals, bounds included.
    public static let levelRange: ClosedRange<Double> = 1...99.9

    /// Checks a history, horizon, season length and interval levels against the limits.
    /// - Parameters:
    ///   - history: The observed values, oldest first.
    ///   - horizon: Steps ahead to forecast.
    ///   - seasonLength: Observations per season (1 when not seasonal).
    ///   - levels: Interval confidence levels in percent.
    /// - Throws: `InvalidInput` naming `history`, `history[i]`, `horizon`, `seasonLength` or `levels[i]`.
    public static func validate(
        history: [Double], horizon: Int, seasonLength: Int, levels: [Double]
    ) throws(InvalidInput) {
        if history.isEmpty {
            throw InvalidInput(field: "history", rule: "must hold at least 1 value")
        }
        if history.count > maximumHistory {
            throw InvalidInput(
                field: "history", rule: "must hold at most \(maximumHistory) values (got \(history.count))")
        }
        if let index = history.firstIndex(where: { !$0.isFinite }) {
            throw InvalidInput(field: "history[\(index)]", rule: "must be a finite number (got \(history[index]))")
        }
        if horizon < 1 || horizon > maximumHorizon {
            throw InvalidInput(field: "horizon", rule: "must be between 1 and \(maximumHorizon) (got \(horizon))")
        }
        if seasonLength < 1 || seasonLength > maximumSeasonLength {
            throw InvalidInput(
                field: "seasonLength", rule: "must be between 1 and \(maximumSeasonLength) (got \(seasonLength))")
        }
        if let index = levels.firstIndex(where: { !($0.isFinite && levelRange.contains($0)) }) {
            throw InvalidInput(
                field: "levels[\(index)]",
                rule: "must be between \(levelRange.lowerBound) and \(levelRange.upperBound) percent (got \(levels[index]))")
        }
    }
}
