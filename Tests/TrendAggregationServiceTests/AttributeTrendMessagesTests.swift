import Foundation
import StylecastCalendar
import StylecastProto
import StylecastTrends
import Testing

@testable import TrendAggregationService

/// `ListTrends`'s messages of the trend view's attributes, kept per view build.
@Suite("AttributeTrendMessages")
struct AttributeTrendMessagesTests {
    /// Two attributes' fused trends over 156 weeks of search interest: one rising, one seasonal.
    static func trends() throws -> [TrendQueries.AttributeCall] {
        let source = TrendSource(measure: .interest, source: "search", market: "US")
        let start = try #require(CivilDay(year: 2021, month: 1, day: 4))
        let weeks = (0..<156).map { start.adding(days: 7 * $0) }
        let rising = TrendTopic(source: source, attribute: TrendAttribute(kind: "color", value: "green"))
        let seasonal = TrendTopic(source: source, attribute: TrendAttribute(kind: "fabric", value: "wool"))
        var amounts: [TrendTopic: [CivilDay: Double]] = [rising: [:], seasonal: [:]]
        for (index, week) in weeks.enumerated() {
            amounts[rising]![week] = 20 + 0.4 * Double(index)
            amounts[seasonal]![week] = 50 + 30 * cos(2 * Double.pi * Double(index) / 52)
        }
        let stored = TrendSnapshot.StoredSeries(
            sources: [source], totals: [source: Dictionary(uniqueKeysWithValues: weeks.map { ($0, 2.0) })],
            topics: [rising, seasonal], amounts: amounts)
        return TrendQueries.fusedTrends(try TrendSnapshot.compute(series: stored, asOf: nil).calls)
    }

    @Test("the kept messages are those built afresh, in the list's order")
    func sameAsBuilt() throws {
        let trends = try Self.trends()
        #expect(trends.count == 2)
        let kept = AttributeTrendMessages()
        let expected = trends.map { TrendMessages.attributeTrend($0.attribute, series: $0.series, fused: $0.fused) }
        #expect(expected.allSatisfy { !$0.evidence.isEmpty })
        #expect(kept.messages(for: trends, viewBuild: 1) == expected)
        #expect(kept.messages(for: trends.reversed(), viewBuild: 1) == expected.reversed())
        #expect(TrendMessages.list(.init(trends: trends, lastWeek: nil, matched: 2, viewBuild: 1), kept: kept).trends == expected)
    }

    @Test("within a build an attribute's message is built once; a later build replaces it, an earlier one keeps nothing")
    func perBuild() throws {
        let trends = try Self.trends()
        let kept = AttributeTrendMessages()
        let first = kept.messages(for: [trends[0]], viewBuild: 5)
        // The same attribute read again from build 5 with other contents: what build 5 kept.
        var changed = trends[0]
        changed.fused.confidence = 0.123
        changed.series = []
        #expect(kept.messages(for: [changed], viewBuild: 5) == first)
        // Build 6: built from its own contents.
        let sixth = kept.messages(for: [changed], viewBuild: 6)
        #expect(sixth != first)
        #expect(sixth[0].confidence == 0.123 && sixth[0].evidence.isEmpty)
        // A call still holding build 5's list gets its own contents, and build 6's messages stay.
        #expect(kept.messages(for: [trends[0]], viewBuild: 5) == first)
        #expect(kept.messages(for: [trends[0]], viewBuild: 6) == sixth)
        // A list computed for its request (no view build) is built from its contents.
        #expect(TrendMessages.list(.init(trends: [trends[0]], lastWeek: nil, matched: 1), kept: kept).trends == first)
    }
}
