import Testing

@testable import StylecastForecast

@Suite("ETS")
struct ETSTests {
    @Test("simple exponential smoothing of a constant series forecasts the constant")
    func sesOnConstant() throws {
        let f = try ETSForecaster(candidates: [.simple]).forecast(Array(repeating: 42.5, count: 30), horizon: 5)
        #expect(f.model == "ETS(A,N,N)")
        for value in f.mean { #expect(abs(value - 42.5) < 1e-9) }
    }

    @Test("Holt on an exact line extrapolates the line")
    func holtOnLine() throws {
        let line = (0..<40).map { 3 + 2 * Double($0) }
        let f = try ETSForecaster(candidates: [.holt]).forecast(line, horizon: 6)
        #expect(f.model == "ETS(A,A,N)")
        for (h, value) in f.mean.enumerated() { #expect(abs(value - (3 + 2 * Double(40 + h))) < 1e-3) }
    }

    @Test("alpha is recovered from a simulated local-level series")
    func alphaRecovered() throws {
        for (alpha, seed) in [(0.3, UInt64(7)), (0.7, UInt64(11))] {
            let y = TestSeries.localLevel(count: 2_000, alpha: alpha, level: 50, sigma: 1, seed: seed)
            let fit = try #require(ETSFit.fit(y, model: .simple, seasonLength: 1))
            #expect(abs(fit.parameters.alpha - alpha) < 0.05, "alpha \(fit.parameters.alpha) for \(alpha)")
            #expect(abs(fit.residualVariance.squareRoot() - 1) < 0.05)
        }
    }

    @Test("AICc picks the simple model for a simulated local-level series")
    func aiccPicksSimple() throws {
        let y = TestSeries.localLevel(count: 500, alpha: 0.4, level: 20, sigma: 1, seed: 3)
        let best = try #require(ETSForecaster.select(y, seasonLength: 1, candidates: nil))
        #expect(best.model == .simple)
    }

    @Test("additive Holt-Winters reproduces a trending seasonal pattern")
    func holtWinters() throws {
        let pattern: [Double] = [5, -3, 8, -10]
        let y = (0..<48).map { 100 + 0.5 * Double($0) + pattern[$0 % 4] }
        let f = try ETSForecaster(seasonLength: 4, candidates: [ETSModel(trend: .additive, season: .additive)])
            .forecast(y, horizon: 8)
        #expect(f.model == "ETS(A,A,A)")
        for h in 0..<8 { #expect(abs(f.mean[h] - (100 + 0.5 * Double(48 + h) + pattern[(48 + h) % 4])) < 1e-2) }
    }

    @Test("model names follow the ETS(E,T,S) convention")
    func names() {
        #expect(ETSModel.damped.description == "ETS(A,Ad,N)")
        #expect(ETSModel(trend: .additive, season: .multiplicative).description == "ETS(A,A,M)")
    }

    @Test("seasonal models are candidates only with two full seasons")
    func seasonalNeedsTwoSeasons() {
        let short = (0..<103).map { 10 + Double($0 % 52) }
        #expect(ETSForecaster.admissibleModels(short, seasonLength: 52).allSatisfy { $0.season == .none })
        let long = (0..<104).map { 10 + Double($0 % 52) }
        #expect(ETSForecaster.admissibleModels(long, seasonLength: 52).count == 9)
    }

    @Test("simple exponential smoothing intervals widen as sigma^2 (1 + (h - 1) alpha^2)")
    func sesIntervals() throws {
        let y = TestSeries.localLevel(count: 300, alpha: 0.5, level: 10, sigma: 2, seed: 5)
        let fit = try #require(ETSFit.fit(y, model: .simple, seasonLength: 1))
        let f = fit.forecast(horizon: 4).forecast(levels: [80, 95])
        let alpha = fit.parameters.alpha
        let sigma = f.residualStandardDeviation
        let i80 = try #require(f.interval(level: 80))
        let i95 = try #require(f.interval(level: 95))
        for h in 0..<4 {
            let sd = sigma * (1 + Double(h) * alpha * alpha).squareRoot()
            #expect(abs((i80.upper[h] - f.mean[h]) - 1.2815515655446004 * sd) < 1e-9)
            #expect(abs((f.mean[h] - i95.lower[h]) - 1.959963984540054 * sd) < 1e-9)
        }
    }
}
