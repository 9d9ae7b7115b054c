import Foundation
import StylecastCalendar
import StylecastDatasets
import Testing

@testable import StylecastTrends

@Suite("fusion across sources, and the backtest protocol")
struct FusionAndBacktestTests {
    @Test("one series fused is that series' call")
    func singleEvidence() throws {
        let call = TrendCall(measure: .interest, values: seasonalSeries(weeks: 120, yearlyGrowth: 1.3))
        let fused = TrendFusion.fuse([TrendEvidence(source: "gtrends", market: "US", call: call)])
        #expect(fused.stage == call.stage)
        #expect(abs(fused.confidence - call.confidence) < 1e-12)
        #expect(abs(fused.forecastGrowth - call.growth!.forecastGrowth) < 1e-12)
        #expect(fused.staged == 1 && fused.agreeing == 1)
    }

    @Test("measures weigh by their backtest score; series without a stage do not vote; agreement is counted")
    func weightedFusion() throws {
        let rising = TrendCall(measure: .interest, values: seasonalSeries(weeks: 120, yearlyGrowth: 1.5))
        let flat = TrendCall(measure: .interest, values: seasonalSeries(weeks: 120))
        let thin = TrendCall(measure: .launches, values: seasonalSeries(weeks: 120), counts: Array(repeating: 0, count: 120))
        #expect(thin.stage == nil)
        let fused = TrendFusion.fuse([
            TrendEvidence(source: "gtrends", market: "US", call: rising),
            TrendEvidence(source: "gtrends", market: "DE", call: rising),
            TrendEvidence(source: "gtrends", market: "FR", call: flat),
            TrendEvidence(source: "visuelle", market: "IT", call: thin),
        ])
        #expect(fused.staged == 3)
        #expect(fused.evidence.count == 4)
        #expect(fused.direction == .up)
        #expect(fused.agreeing == 2)
        let expected = exp((2 * log1p(rising.growth!.forecastGrowth) + log1p(flat.growth!.forecastGrowth)) / 3) - 1
        #expect(abs(fused.forecastGrowth - expected) < 1e-9)
        #expect(fused.confidence < rising.confidence)
        #expect(TrendFusion.fuse([TrendEvidence(source: "visuelle", market: "IT", call: thin)]).stage == nil)
    }

    @Test("origins, outcomes and the two baselines follow the documented protocol")
    func protocolRules() {
        #expect(TrendBacktest.origins(seriesLength: 156) == Array(stride(from: 63, through: 143, by: 4)))
        #expect(TrendBacktest.origins(seriesLength: 76) == [63])
        #expect(TrendBacktest.origins(seriesLength: 75).isEmpty)
        var series: [Double?] = Array(repeating: 10, count: 80)
        for week in 68..<80 { series[week] = 11.6 }  // +16% against weeks 16-27
        #expect(TrendBacktest.realised(series, origin: 67) == .up)
        for week in 68..<80 { series[week] = 11.4 }
        #expect(TrendBacktest.realised(series, origin: 67) == .flat)
        #expect(TrendBacktest.momentum(series, origin: 79) == .flat)
        for week in 72..<80 { series[week] = 13 }
        #expect(TrendBacktest.momentum(series, origin: 79) == .up)  // (4·11.4 + 8·13) / 12 = 12.47
        #expect(TrendBacktest.slopeRule(series, origin: 75) == .up)  // 13 vs 11.4: +3.5% a week
        #expect(TrendBacktest.slopeRule(series, origin: 79) == .flat)
    }

    @Test("precision, recall and F1 per class, and their macro mean")
    func scores() throws {
        let score = CallScore([(.up, .up), (.up, .down), (.down, .down), (.flat, .flat), (.flat, .up)])
        let up = try #require(score.classes[.up])
        #expect(up.precision == 0.5 && up.recall == 0.5 && up.support == 2 && up.calls == 2)
        let flat = try #require(score.classes[.flat])
        #expect(flat.precision == 0.5 && flat.recall == 1)
        #expect(abs(score.macroF1 - (0.5 + 2.0 / 3 + 2.0 / 3) / 3) < 1e-12)
    }

    @Test("on the real VISUELLE search series, every stage agrees with its own numbers and the calls beat momentum")
    func realSearchSeries() throws {
        let directory =
            (ProcessInfo.processInfo.environment["STYLECAST_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().path + "/../shared/data")
        var reader = try DatasetReader(source: .visuelle, path: directory + "/visuelle/gtrends.csv")
        var series: [[Double?]] = []
        while let entry = try reader.nextEntry() {
            guard case .signal(let signal)? = entry.record else { continue }
            var values = [Double?](repeating: nil, count: 220)
            let first = try #require(CivilDay(iso: "2015-10-05"))
            for point in signal.points {
                values[(try #require(CivilDay(iso: point.week)).daysSinceEpoch - first.daysSinceEpoch) / 7] = point.value
            }
            series.append(values)
        }
        #expect(series.count == 96)
        let parameters = TrendParameters.standard
        var ours: [(call: TrendDirection, outcome: TrendDirection)] = []
        var momentum: [(call: TrendDirection, outcome: TrendDirection)] = []
        for values in series {
            for origin in TrendBacktest.origins(seriesLength: values.count) {
                let call = TrendBacktest.ours(values, origin: origin)
                if let stage = call.stage, let growth = call.growth {
                    switch stage.direction {
                    case .up: #expect(growth.forecastGrowth >= parameters.upThreshold)
                    case .down: #expect(growth.forecastGrowth <= parameters.downThreshold)
                    case .flat:
                        #expect(growth.forecastGrowth > parameters.downThreshold && growth.forecastGrowth < parameters.upThreshold)
                    }
                    if stage == .sustainedRiser || stage == .risingStar { #expect(growth.growth >= parameters.upThreshold) }
                    if stage == .sustainedDecliner { #expect(growth.growth <= parameters.downThreshold) }
                    #expect((0...1).contains(call.confidence))
                }
                guard let outcome = TrendBacktest.realised(values, origin: origin) else { continue }
                ours.append((call.direction, outcome))
                momentum.append((TrendBacktest.momentum(values, origin: origin), outcome))
            }
        }
        #expect(CallScore(ours).macroF1 > CallScore(momentum).macroF1 + 0.03)
    }
}
