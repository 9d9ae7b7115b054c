import Testing

@testable import StylecastForecast

@Suite("Theta")
struct ThetaTests {
    @Test("Theta's forecasts rise by half the regression slope per step")
    func driftIsHalfTheSlope() throws {
        let y: [Double] = (0..<30).map { t in
            let wiggle: Double = t % 2 == 0 ? 0.3 : -0.3
            return 10 + 0.5 * Double(t) + wiggle
        }
        let slope = LinearRegression.fit(y).slope
        let f = try ThetaForecaster().forecast(y, horizon: 5)
        #expect(f.model == "Theta")
        for h in 1..<5 { #expect(abs((f.mean[h] - f.mean[h - 1]) - slope / 2) < 1e-9) }
    }

    @Test("Theta on the airline sample is close to statsforecast's")
    func matchesStatsforecast() throws {
        // statsforecast 2.1.1: Theta(season_length=1).forecast(y, h=6)["mean"] on TestSeries.airline.
        // Its optimiser stops at alpha = 0.99 (its upper bound) and fits the initial level differently,
        // so the levels agree to about 0.5%; the per-step drift (half the slope) agrees exactly.
        let reference = [
            140.23204369705385, 140.71726108835819, 141.20247847966255,
            141.6876958709669, 142.17291326227124, 142.65813065357557,
        ]
        let f = try ThetaForecaster().forecast(TestSeries.airline, horizon: 6)
        for h in 0..<6 { #expect(abs(f.mean[h] - reference[h]) / reference[h] < 0.005, "h=\(h + 1): \(f.mean[h])") }
        for h in 1..<6 {
            #expect(abs((f.mean[h] - f.mean[h - 1]) - (reference[h] - reference[h - 1])) < 1e-9)
        }
    }

    @Test("seasonal Theta reseasonalises with the decomposition factors")
    func seasonalTheta() throws {
        let factors: [Double] = [1.2, 0.8, 1.1, 0.9]
        let y: [Double] = (0..<40).map { t in (50 + Double(t)) * factors[t % 4] }
        #expect(SeasonalDecomposition.isSeasonal(y, seasonLength: 4))
        let f = try ThetaForecaster(seasonLength: 4).forecast(y, horizon: 8)
        // Positions 0 and 2 have factors above 1, positions 1 and 3 below: the forecasts must zigzag.
        for h in stride(from: 0, to: 8, by: 2) { #expect(f.mean[h] > f.mean[h + 1]) }
    }
}
