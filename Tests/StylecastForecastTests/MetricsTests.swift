import StylecastErrors
import Testing

import StylecastForecast

@Suite("Metrics and backtest")
struct MetricsTests {
    @Test("sMAPE, MAE and MASE on hand-computed values")
    func handComputed() throws {
        let actual: [Double] = [10, 0, 5]
        let forecast: [Double] = [12, 0, 4]
        // sMAPE terms: 200 * 2 / 22, 0 (both zero), 200 * 1 / 9.
        #expect(abs(ForecastMetrics.smape(actual: actual, forecast: forecast) - (400.0 / 22 + 200.0 / 9) / 3) < 1e-12)
        #expect(ForecastMetrics.mae(actual: actual, forecast: forecast) == 1)
        // Seasonal-naive scale with m = 2 on [1, 2, 4, 6]: mean(|4 - 1|, |6 - 2|) = 3.5.
        let history: [Double] = [1, 2, 4, 6]
        #expect(ForecastMetrics.maseScale(history: history, seasonLength: 2) == (3.5, 2))
        #expect(ForecastMetrics.mase(actual: actual, forecast: forecast, history: history, seasonLength: 2) == 1 / 3.5)
        // A season longer than the history falls back to m = 1: mean(1, 2, 2).
        #expect(ForecastMetrics.maseScale(history: history, seasonLength: 52) == (5.0 / 3, 1))
        #expect(ForecastMetrics.mase(actual: actual, forecast: forecast, history: [3, 3, 3], seasonLength: 1) == nil)
    }

    @Test("rolling-origin backtest of Holt on a line is exact at every origin")
    func backtestLine() throws {
        let line = (0..<60).map { 5 + 1.5 * Double($0) }
        let result = try Backtest.rollingOrigin(
            ETSForecaster(candidates: [.holt]), series: line, horizon: 4, origins: 3, step: 2, seasonLength: 1)
        #expect(result.origins == [52, 54, 56])
        #expect(result.mae < 1e-3)
        #expect(result.masePeriod == 1)
        #expect(try #require(result.mase) < 1e-3)
    }

    @Test("a backtest longer than the series is rejected naming the series")
    func backtestTooShort() {
        #expect(throws: InvalidInput.self) {
            _ = try Backtest.rollingOrigin(NaiveForecaster(), series: [1, 2, 3], horizon: 3, origins: 1, seasonLength: 1)
        }
    }
}
