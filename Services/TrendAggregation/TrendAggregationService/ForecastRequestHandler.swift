import StylecastErrors
import StylecastForecast
import StylecastProto

/// Answers `Forecast`: checks the request against ``ForecastLimits`` (errors name the proto
/// fields: `history`, `history[i]`, `horizon`, `season_length`) and runs the
/// ``AutoForecaster`` (the average of the AICc-best ETS model and Theta; docs/forecasting.md).
struct ForecastRequestHandler: Sendable {
    /// The level of the interval sent back (`lower`, `upper`).
    static let intervalLevel = 80.0

    /// The forecast of the request's history.
    /// - Throws: `InvalidInput` naming the field and the limit.
    func forecast(_ request: Stylecast_V1_ForecastRequest) throws(InvalidInput) -> Stylecast_V1_ForecastResponse {
        let seasonLength = request.seasonLength == 0 ? 1 : Int(request.seasonLength)
        let horizon = Int(request.horizon)
        let result: Forecast
        do {
            try ForecastLimits.validate(
                history: request.history, horizon: horizon, seasonLength: seasonLength, levels: [Self.intervalLevel])
            result = try AutoForecaster(seasonLength: seasonLength).forecast(
                request.history, horizon: horizon, levels: [Self.intervalLevel])
        } catch {
            throw InvalidInput(field: error.field == "seasonLength" ? "season_length" : error.field, rule: error.rule)
        }
        let interval = result.interval(level: Self.intervalLevel)
        return .with {
            $0.point = result.mean
            $0.lower = interval?.lower ?? []
            $0.upper = interval?.upper ?? []
            $0.model = result.model
        }
    }
}
