import Testing

import StylecastForecast

@Suite("AutoForecaster")
struct AutoForecasterTests {
    @Test("every selection rule forecasts a constant series as the constant", arguments: [
        AutoForecaster.Selection.etsOnly, .thetaOnly, .holdout, .combination,
    ])
    func constant(selection: AutoForecaster.Selection) throws {
        let f = try AutoForecaster(seasonLength: 4, selection: selection)
            .forecast(Array(repeating: 7, count: 20), horizon: 3)
        for value in f.mean { #expect(abs(value - 7) < 1e-6) }
    }

    @Test("the default combination averages the AICc-best ETS model and Theta")
    func combination() throws {
        let y = TestSeries.airline
        let ets = try AutoForecaster(selection: .etsOnly).forecast(y, horizon: 4)
        let theta = try ThetaForecaster().forecast(y, horizon: 4)
        let combined = try AutoForecaster().forecast(y, horizon: 4)
        #expect(combined.model == "Combination(\(ets.model),Theta)")
        for h in 0..<4 { #expect(abs(combined.mean[h] - (ets.mean[h] + theta.mean[h]) / 2) < 1e-9) }
    }

    @Test("a one-value history gets the naive forecast")
    func oneValue() throws {
        let f = try AutoForecaster().forecast([3], horizon: 2)
        #expect(f.model == "Naive")
        #expect(f.mean == [3, 3])
    }
}
