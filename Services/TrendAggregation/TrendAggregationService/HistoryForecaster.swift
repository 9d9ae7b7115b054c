import StylecastErrors
import StylecastForecast

/// Forecasts a weekly history for `Forecast` and `GetSeries`: checks it against
/// ``ForecastLimits`` (errors name the proto fields: `history`, `history[i]`, `horizon`,
/// `season_length`) and runs the ``AutoForecaster`` (the average of the AICc-best ETS model and
/// Theta; docs/forecasting.md).
struct HistoryForecaster: Sendable {
    /// The level of the interval sent back (`lower`, `upper`).
    static let intervalLevel = 80.0

    /// A point forecast with its 80% interval and the model that made it.
    struct Answer: Sendable, Equatable {
        var point: [Double]
        var lower: [Double]
        var upper: [Double]
        var model: String

        /// The forecast with every value raised to at least 0: shares and interest are never below it.
        var clampedAtZero: Answer {
            Answer(
                point: point.map { max($0, 0) }, lower: lower.map { max($0, 0) }, upper: upper.map { max($0, 0) },
                model: model)
        }
    }

    /// The forecast of `history`.
    /// - Parameters:
    ///   - horizon: Weeks to forecast.
    ///   - seasonLength: Weeks in a season; 0 for none.
    /// - Throws: `InvalidInput` naming the field and the limit.
    func forecast(history: [Double], horizon: Int, seasonLength: Int) throws(InvalidInput) -> Answer {
        let seasonLength = max(seasonLength, 1)
        let result: Forecast
        do {
            try ForecastLimits.validate(
                history: history, horizon: horizon, seasonLength: seasonLength, levels: [Self.intervalLevel])
            result = try AutoForecaster(seasonLength: seasonLength).forecast(
                history, horizon: horizon, levels: [Self.intervalLevel])
        } catch {
            throw InvalidInput(field: error.field == "seasonLength" ? "season_length" : error.field, rule: error.rule)
        }
        let interval = result.interval(level: Self.intervalLevel)
        return Answer(point: result.mean, lower: interval?.lower ?? [], upper: interval?.upper ?? [], model: result.model)
    }
}
