import Testing

import StylecastForecast

@Suite("Naive methods")
struct NaiveTests {
    @Test("seasonal naive repeats the last season")
    func seasonalNaiveRepeats() throws {
        let y: [Double] = [1, 2, 3, 4, 10, 20, 30, 40]
        let f = try SeasonalNaiveForecaster(seasonLength: 4).forecast(y, horizon: 6)
        #expect(f.model == "SeasonalNaive")
        #expect(f.mean == [10, 20, 30, 40, 10, 20])
    }

    @Test("naive forecasts the last value with intervals growing as sqrt(h)")
    func naive() throws {
        let y: [Double] = [1, 3, 2, 4]
        let f = try NaiveForecaster().forecast(y, horizon: 3, levels: [80])
        #expect(f.mean == [4, 4, 4])
        // sigma^2 = mean of (2^2, 1^2, 2^2) = 3.
        let interval = try #require(f.interval(level: 80))
        for h in 0..<3 {
            #expect(abs(interval.upper[h] - (4 + 1.2815515655446004 * (3 * Double(h + 1)).squareRoot())) < 1e-9)
        }
    }
}
