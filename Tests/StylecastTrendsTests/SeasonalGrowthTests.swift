import Foundation
import Testing

@testable import StylecastTrends

/// Weekly values `base(w) · growth^(w/52)` with a yearly sine as the seasonal shape.
func seasonalSeries(weeks: Int, level: Double = 40, amplitude: Double = 25, yearlyGrowth: Double = 1) -> [Double?] {
    (0..<weeks).map { week in
        (level + amplitude * sin(2 * Double.pi * Double(week) / 52)) * pow(yearlyGrowth, Double(week) / 52)
    }
}

@Suite("seasonal growth and stages of one series")
struct SeasonalGrowthTests {
    @Test("a series that repeats last year is stable at every point of its season, where the 4-week slope rule calls swings")
    func seasonalSwingIsNotATrend() throws {
        let series = seasonalSeries(weeks: 160)
        var slopeCalls: Set<TrendDirection> = []
        for origin in stride(from: 63, through: 159, by: 4) {
            let call = TrendCall(measure: .interest, values: Array(series[...origin]))
            let growth = try #require(call.growth)
            #expect(abs(growth.growth) < 0.01, "origin \(origin)")
            #expect(abs(growth.forecastGrowth) < 0.03, "origin \(origin): \(growth.forecastGrowth)")
            #expect(call.stage == .stable, "origin \(origin)")
            #expect(growth.seasonality > 0.95, "origin \(origin): \(growth.seasonality)")
            slopeCalls.insert(TrendBacktest.slopeRule(series, origin: origin))
        }
        #expect(slopeCalls == [.up, .down, .flat])
    }

    @Test("a series 30% above last year every week is a sustained riser; its forecast carries the growth damped")
    func steadyGrowthIsASustainedRiser() throws {
        let series = seasonalSeries(weeks: 120, yearlyGrowth: 1.3)
        let call = TrendCall(measure: .interest, values: series)
        let growth = try #require(call.growth)
        #expect(abs(growth.growth - 0.3) < 0.01)
        // Last year's shape at this year's level: 1.3 damped by 0.7 is about +20%.
        let damped = pow(1.3, TrendParameters.standard.growthDamping) - 1
        #expect(abs(growth.forecastGrowth - damped) < 0.02, "\(growth.forecastGrowth) vs \(damped)")
        #expect(call.stage == .sustainedRiser)
        #expect(call.confidence > 0.5 && call.confidence <= 1)
        #expect(growth.forecastGrowthLower < growth.forecastGrowth && growth.forecastGrowth < growth.forecastGrowthUpper)
        for week in 0..<12 {
            #expect(growth.forecastLower[week] <= growth.forecast[week] && growth.forecast[week] <= growth.forecastUpper[week])
        }
    }

    @Test("a series falling 30% a year is a sustained decliner; one losing 9% a week is a falling star")
    func decliners() throws {
        let falling = TrendCall(measure: .interest, values: seasonalSeries(weeks: 120, yearlyGrowth: 0.7))
        #expect(falling.stage == .sustainedDecliner)
        #expect(try #require(falling.growth).forecastGrowth <= TrendParameters.standard.downThreshold)
        #expect(abs(try #require(falling.growth).velocity) < 0.01)
        // Flat at 20 for two years, then from 16 down to 5.
        let crashing: [Double?] = Array(repeating: 20, count: 104) + (0..<12).map { 16 - Double($0) }
        let call = TrendCall(measure: .interest, values: crashing)
        let growth = try #require(call.growth)
        #expect(growth.velocity <= LifecycleStage.fallingStarVelocity)
        #expect(call.stage == .fallingStar)
    }

    @Test("a series that tripled from a low base and is still climbing is a rising star; from a high base it is a sustained riser")
    func risingStar() throws {
        let series: [Double?] = Array(repeating: 5, count: 100) + (0..<16).map { 10 + 2 * Double($0) }
        let call = TrendCall(measure: .interest, values: series)
        let growth = try #require(call.growth)
        #expect(growth.growth >= 1)
        #expect(growth.velocity > 0)
        #expect(growth.baseRatio <= LifecycleStage.lowBase)
        #expect(call.stage == .risingStar)
        // A climb to more than double last year's 50 after a peak of 160 two years ago: no low base.
        let known: [Double?] = Array(repeating: 160, count: 10) + Array(repeating: 50, count: 90) + (0..<16).map { 100 + 4 * Double($0) }
        let again = TrendCall(measure: .interest, values: known)
        let base = try #require(again.growth)
        #expect(base.growth >= 1 && base.velocity > 0 && base.baseRatio > LifecycleStage.lowBase)
        #expect(again.stage == .sustainedRiser)
    }

    @Test("one item a week is below the minimum support: no stage, whatever its growth")
    func oneItemIsNotAStage() throws {
        // Shares of a source releasing 40 items a week: 1 of them last year, 3 this year.
        let counts: [Double?] = Array(repeating: 0, count: 52) + [1] + Array(repeating: 0, count: 51) + [3]
        let values = counts.map { $0.map { $0 / 40 } }
        let call = TrendCall(measure: .launches, values: values, counts: counts)
        #expect(call.stage == nil)
        #expect(call.unsupported == .belowMinimumSupport(support: 4, minimum: TrendMeasure.launches.minimumSupport))
        #expect(call.direction == .flat)
        // The same shares with 20 times the items are supported.
        let supported = TrendCall(measure: .launches, values: values, counts: counts.map { $0.map { $0 * 20 } })
        #expect(supported.stage != nil)
    }

    @Test("under 64 weeks, or a window mostly unobserved, or never positive: no measures")
    func tooLittleHistory() {
        #expect(TrendCall(measure: .interest, values: seasonalSeries(weeks: 63)).unsupported == .tooLittleHistory(weeks: 63))
        var gappy = seasonalSeries(weeks: 70)
        for week in 59...69 { gappy[week] = nil }
        #expect(SeasonalGrowth(series: gappy) == nil)
        #expect(SeasonalGrowth(series: Array(repeating: 0, count: 70)) == nil)
        #expect(SeasonalGrowth(series: seasonalSeries(weeks: 64)) != nil)
    }

    @Test("the profile is smoothed widely when the series is noisy and narrowly when it is clean")
    func crossValidatedSmoothing() throws {
        let clean = try #require(SeasonalGrowth(series: seasonalSeries(weeks: 80)))
        #expect(clean.profileHalfWidth == SeasonalGrowth.profileHalfWidths.first)
        // Alternating 20 / 80 around a flat level: every neighbour mean is better the wider it is.
        let noisy = try #require(SeasonalGrowth(series: (0..<80).map { $0 % 2 == 0 ? 20 : 80 }))
        #expect(noisy.profileHalfWidth >= 8)
    }
}
