import StylecastErrors
import Testing

import StylecastForecast

@Suite("Input validation")
struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var history: [Double]
        var horizon: Int
        var seasonLength: Int
        var levels: [Double] = [80]
        var field: String
        var testDescription: String { field }
    }

    static let cases: [Case] = [
        Case(history: [], horizon: 1, seasonLength: 1, field: "history"),
        Case(history: [1, .nan, 3], horizon: 1, seasonLength: 1, field: "history[1]"),
        Case(history: [1, 2, .infinity], horizon: 1, seasonLength: 1, field: "history[2]"),
        Case(history: Array(repeating: 1, count: 100_001), horizon: 1, seasonLength: 1, field: "history"),
        Case(history: [1, 2], horizon: 0, seasonLength: 1, field: "horizon"),
        Case(history: [1, 2], horizon: 521, seasonLength: 1, field: "horizon"),
        Case(history: [1, 2], horizon: 1, seasonLength: 0, field: "seasonLength"),
        Case(history: [1, 2], horizon: 1, seasonLength: -4, field: "seasonLength"),
        Case(history: [1, 2], horizon: 1, seasonLength: 1_001, field: "seasonLength"),
        Case(history: [1, 2], horizon: 1, seasonLength: 1, levels: [100], field: "levels[0]"),
    ]

    @Test("invalid input is rejected with the field named", arguments: cases)
    func rejected(_ c: Case) {
        let forecasters: [any Forecaster] = [
            AutoForecaster(seasonLength: c.seasonLength), ETSForecaster(seasonLength: c.seasonLength),
            ThetaForecaster(seasonLength: c.seasonLength),
        ]
        for forecaster in forecasters {
            let error = #expect(throws: InvalidInput.self) {
                _ = try forecaster.forecast(c.history, horizon: c.horizon, levels: c.levels)
            }
            #expect(error?.field == c.field)
            #expect(error?.failureKind == .invalidInput)
        }
    }

    @Test("the limits are stated in the message")
    func messageStatesLimit() {
        let error = #expect(throws: InvalidInput.self) { _ = try AutoForecaster().forecast([1, 2, 3], horizon: 600) }
        #expect(error?.description == "horizon: must be between 1 and 520 (got 600)")
    }

    @Test("seasonal naive needs a full season")
    func seasonalNaiveShort() {
        #expect(throws: InvalidInput(
            field: "history", rule: "must hold at least seasonLength (4) values for seasonal naive (got 3)")) {
            _ = try SeasonalNaiveForecaster(seasonLength: 4).forecast([1, 2, 3], horizon: 1)
        }
    }
}
