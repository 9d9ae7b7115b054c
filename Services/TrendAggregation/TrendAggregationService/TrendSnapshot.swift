import StylecastCalendar
import StylecastErrors
import StylecastTrends

/// Every series' call at one point in time: each source's coverage window cut at `as_of` and
/// each series' ``TrendCall`` from the weeks up to it only (docs/trends.md, "Time travel").
struct TrendSnapshot: Sendable {
    /// One series and its call.
    struct SeriesCall: Sendable {
        var topic: TrendTopic
        /// The source's window; `nil` when it has no week to read (then there is no call).
        var coverage: SourceCoverage?
        /// Values (shares or interest) over the coverage weeks; `nil` = not read.
        var values: [Double?]
        /// The attribute's raw weekly amounts up to the cut, also outside the window.
        var amounts: [CivilDay: Double]
        var call: TrendCall

        /// Each coverage week with a value, with the value of the same week a year (52 weeks)
        /// before where that has one.
        var history: [(week: CivilDay, value: Double, lastYear: Double?)] {
            (coverage?.weeks ?? []).enumerated().compactMap { index, week in
                values[index].map { (week, $0, index >= 52 ? values[index - 52] : nil) }
            }
        }
    }

    /// The last day of the week the calls were cut at (a Sunday); `nil` = each source's latest week.
    var asOf: CivilDay?
    /// Every source with data up to the cut.
    var sourcesWithData: [TrendSource]
    /// Each source's window (sources with nothing to read are absent).
    var coverages: [TrendSource: SourceCoverage]
    /// Every series with data up to the cut.
    var calls: [SeriesCall]

    /// Markets with data, sorted.
    var markets: [String] { Set(sourcesWithData.map(\.market)).sorted() }
    /// Source names with data, sorted.
    var sources: [String] { Set(sourcesWithData.map(\.source)).sorted() }
    /// The latest week any series reads.
    var latestWeek: CivilDay? { coverages.values.map(\.lastWeek).max() }

    /// Reads every series and calls it at `asOf`, or `lagWeeks` weeks before each source's own
    /// last week up to `asOf` (what the report compares with: a quarter earlier for every source,
    /// whatever week its data ends).
    /// - Parameters:
    ///   - store: Where the series are.
    ///   - asOf: The day to cut at (the end of its week); `nil` for each source's latest week.
    ///   - lagWeeks: Weeks to go back from each source's last week up to the cut.
    ///   - parameters: The call parameters.
    /// - Throws: `InvalidInput` naming `as_of` when it is before every source's first week; Redis errors.
    static func compute(
        store: TrendSeriesStore, asOf: CivilDay?, lagWeeks: Int = 0, parameters: TrendParameters = .standard
    ) async throws -> TrendSnapshot {
        try compute(series: try await StoredSeries.read(from: store), asOf: asOf, lagWeeks: lagWeeks, parameters: parameters)
    }

    /// Every stored series as read from Redis, to compute snapshots from without reading again.
    struct StoredSeries: Sendable {
        /// Every source with data.
        var sources: [TrendSource]
        /// Each source's weekly totals.
        var totals: [TrendSource: [CivilDay: Double]]
        /// Every series.
        var topics: [TrendTopic]
        /// Each series' weekly amounts.
        var amounts: [TrendTopic: [CivilDay: Double]]

        /// Reads every source, total and series.
        static func read(from store: TrendSeriesStore) async throws -> StoredSeries {
            let sources = try await store.sources()
            let totals = try await store.totals(of: sources)
            let topics = try await store.topics()
            return StoredSeries(sources: sources, totals: totals, topics: topics, amounts: try await store.amounts(of: topics))
        }
    }

    /// Calls the series read in `series` at `asOf` (see ``compute(store:asOf:lagWeeks:parameters:)``).
    static func compute(
        series stored: StoredSeries, asOf: CivilDay?, lagWeeks: Int = 0, parameters: TrendParameters = .standard
    ) throws -> TrendSnapshot {
        let (sources, totals) = (stored.sources, stored.totals)
        let asOfWeek = asOf?.monday
        var coverages: [TrendSource: SourceCoverage] = [:]
        var firstWeeks: [CivilDay] = []
        var withData: [TrendSource] = []
        var cuts: [TrendSource: CivilDay] = [:]
        for source in sources {
            let all = totals[source] ?? [:]
            if let first = all.keys.min() { firstWeeks.append(first) }
            guard let last = all.keys.filter({ asOfWeek == nil || $0 <= asOfWeek! }).max() else { continue }
            let cutWeek = last.adding(days: -7 * lagWeeks)
            cuts[source] = cutWeek
            let known = all.filter { $0.key <= cutWeek }
            if !known.isEmpty { withData.append(source) }
            var launchWeeks: ClosedRange<CivilDay>?
            if source.measure == .sales {
                let launches = (totals[TrendSource(measure: .launches, source: source.source, market: source.market)] ?? [:])
                    .keys.filter { $0 <= cutWeek }
                if let first = launches.min(), let last = launches.max() { launchWeeks = first...last }
            }
            if let coverage = SourceCoverage(measure: source.measure, totals: known, launchWeeks: launchWeeks) {
                coverages[source] = coverage
            }
        }
        if let asOf, let first = firstWeeks.min(), asOf.monday < first {
            throw InvalidInput(
                field: "as_of",
                rule: "the week of \(asOf.monday.iso) is before the first week of data (\(first.iso)); give a later date, or none for the latest")
        }
        let withDataSet = Set(withData)
        let topics = stored.topics.filter { withDataSet.contains($0.source) }
        let amounts = stored.amounts
        var calls: [SeriesCall] = []
        calls.reserveCapacity(topics.count)
        for topic in topics {
            let cutWeek = cuts[topic.source]!
            let known = (amounts[topic] ?? [:]).filter { $0.key <= cutWeek }
            guard !known.isEmpty else { continue }
            let coverage = coverages[topic.source]
            var (values, counts) =
                coverage?.series(measure: topic.source.measure, amounts: known, totals: totals[topic.source] ?? [:]) ?? ([], [])
            if topic.source.measure == .sales, let coverage {
                // The support of sales is the products behind them: the same attribute's launches.
                let launches = TrendTopic(
                    source: TrendSource(measure: .launches, source: topic.source.source, market: topic.source.market),
                    attribute: topic.attribute)
                counts = coverage.aligned((amounts[launches] ?? [:]).filter { $0.key <= cutWeek })
            }
            let call = TrendCall(measure: topic.source.measure, values: values, counts: counts, parameters: parameters)
            calls.append(SeriesCall(topic: topic, coverage: coverage, values: values, amounts: known, call: call))
        }
        return TrendSnapshot(
            asOf: asOf?.monday.adding(days: 6), sourcesWithData: withData, coverages: coverages, calls: calls)
    }
}
