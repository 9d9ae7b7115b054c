import StylecastCalendar
import Testing

@testable import StylecastTrends

@Suite("coverage windows and shares of a source")
struct SourceCoverageTests {
    static let monday = CivilDay(year: 2019, month: 1, day: 7)!

    static func week(_ index: Int) -> CivilDay { monday.adding(days: 7 * index) }

    @Test("count sources drop their partial edge weeks and thin weeks, narrowing the window to the weeks read")
    func countCoverage() throws {
        // Week 0 partial, weeks 1-17 full (week 9 thin), weeks 18-19 a thinning tail, week 20 partial.
        var totals: [CivilDay: Double] = [:]
        for index in 0...20 { totals[Self.week(index)] = 100 }
        totals[Self.week(0)] = 30
        totals[Self.week(9)] = 10
        totals[Self.week(18)] = 20
        totals[Self.week(19)] = 4
        totals[Self.week(20)] = 50
        let coverage = try #require(SourceCoverage(measure: .purchases, totals: totals))
        #expect(coverage.firstWeek == Self.week(1))
        #expect(coverage.lastWeek == Self.week(17))
        #expect(coverage.thinWeeks == [Self.week(9)])
        let (values, counts) = coverage.series(
            measure: .purchases, amounts: [Self.week(1): 25, Self.week(9): 5, Self.week(17): 10], totals: totals)
        #expect(values.count == 17)
        #expect(values[0] == 0.25 && values[16] == 0.1 && values[1] == 0)
        #expect(values[8] == nil && counts[8] == nil)
        #expect(counts[0] == 25)
    }

    @Test("sales wait for the first launches' 12 weeks and stop at the last launch")
    func salesCoverage() throws {
        var totals: [CivilDay: Double] = [:]
        for index in 0...40 { totals[Self.week(index)] = 1000 }
        let coverage = try #require(
            SourceCoverage(measure: .sales, totals: totals, launchWeeks: Self.week(0)...Self.week(30)))
        #expect(coverage.firstWeek == Self.week(11))
        #expect(coverage.lastWeek == Self.week(30))
        #expect(SourceCoverage(measure: .sales, totals: totals, launchWeeks: nil) == nil)
    }

    @Test("search interest covers every week from its first to its last value")
    func interestCoverage() throws {
        let coverage = try #require(SourceCoverage(measure: .interest, totals: [Self.week(3): 2, Self.week(8): 1]))
        #expect(coverage.firstWeek == Self.week(3) && coverage.lastWeek == Self.week(8))
        let (values, counts) = coverage.series(measure: .interest, amounts: [Self.week(3): 40], totals: [:])
        #expect(values == [40, nil, nil, nil, nil, nil])
        #expect(counts.isEmpty)
    }

    @Test("a uniformly doubled source gives the same shares")
    func sharesIgnoreVolume() throws {
        var totals: [CivilDay: Double] = [:]
        var amounts: [CivilDay: Double] = [:]
        for index in 0...30 {
            totals[Self.week(index)] = Double(50 + index)
            amounts[Self.week(index)] = Double(index % 7)
        }
        let coverage = try #require(SourceCoverage(measure: .launches, totals: totals))
        let doubledTotals = totals.mapValues { $0 * 2 }
        let doubled = try #require(SourceCoverage(measure: .launches, totals: doubledTotals))
        #expect(coverage == doubled)
        #expect(
            coverage.series(measure: .launches, amounts: amounts, totals: totals).values
                == doubled.series(measure: .launches, amounts: amounts.mapValues { $0 * 2 }, totals: doubledTotals).values)
    }
}

@Suite("coverage of totals cut at a week")
struct CoverageCutTests {
    @Test("totals cut at a week read the same window whatever comes after the cut")
    func cutTotals() throws {
        var totals: [CivilDay: Double] = [:]
        for index in 0...30 { totals[SourceCoverageTests.week(index)] = 100 + Double(index % 3) }
        let known = totals.filter { $0.key <= SourceCoverageTests.week(20) }
        let coverage = try #require(SourceCoverage(measure: .launches, totals: known))
        #expect(coverage.firstWeek == SourceCoverageTests.week(1))
        #expect(coverage.lastWeek == SourceCoverageTests.week(19))
        // A thin week after the cut changes nothing before it.
        var later = totals
        later[SourceCoverageTests.week(21)] = 1
        #expect(SourceCoverage(measure: .launches, totals: later.filter { $0.key <= SourceCoverageTests.week(20) }) == coverage)
        let sales = try #require(
            SourceCoverage(measure: .sales, totals: known, launchWeeks: SourceCoverageTests.week(0)...SourceCoverageTests.week(20)))
        #expect(sales.firstWeek == SourceCoverageTests.week(11) && sales.lastWeek == SourceCoverageTests.week(19))
    }
}
