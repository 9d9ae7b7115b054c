import Foundation
import StylecastCalendar
import StylecastErrors
import StylecastTrends

/// `ListTrends`, `GetSeries` and `ListMarkets` over the stored series (docs/trends.md, "RPCs"):
/// without `as_of` from the ``TrendView``, with one computed on demand and kept for
/// `STYLECAST_TRENDS_CACHE_MS`.
struct TrendQueries: Sendable {
    /// Most trends one `ListTrends` call returns.
    static let maxLimit = 1000
    /// Trends returned when the request gives no limit.
    static let defaultLimit = 20
    /// The order `GetSeries` picks a measure in when none is asked for.
    static let measurePrecedence: [TrendMeasure] = [.sales, .purchases, .launches, .interest]

    let store: TrendSeriesStore
    let forecaster = HistoryForecaster()
    /// Every series' call at a past `as_of`, computed at most once per `STYLECAST_TRENDS_CACHE_MS`
    /// and `as_of` (and, without a view, the latest too).
    let snapshots: LifetimeCache<SnapshotKey, TrendSnapshot>
    /// The latest calls, kept current in the background; `nil` computes them like a past week's.
    let view: TrendView?

    /// - Parameters:
    ///   - store: Where the series are.
    ///   - cacheLifetime: How long a computed snapshot is reused; zero recomputes on every call.
    ///   - view: Where the latest calls are read, or `nil` to compute them like a past week's.
    init(store: TrendSeriesStore, cacheLifetime: Duration, view: TrendView?) {
        self.store = store
        self.view = view
        snapshots = LifetimeCache(lifetime: cacheLifetime) { key in
            try await TrendSnapshot.compute(store: store, asOf: key.weekEnd, lagWeeks: key.lagWeeks)
        }
    }

    /// The snapshot at `asOf`, with the market and source filters checked against it.
    func snapshot(asOf text: String, market: String = "", source: String = "") async throws -> TrendSnapshot {
        try await snapshots(asOf: text, market: market, source: source).atCut
    }

    /// The snapshot at `asOf` and the one a quarter before each source's last week up to it
    /// (the report's comparison), with the market and source filters checked.
    func snapshots(asOf text: String, market: String = "", source: String = "") async throws
        -> (atCut: TrendSnapshot, quarterBefore: () async throws -> TrendSnapshot)
    {
        let asOf = try TrendRequestRules.asOf(text)
        let snapshot: TrendSnapshot
        let quarterBefore: () async throws -> TrendSnapshot
        if asOf == nil, let view {
            let contents = try await view.current()
            (snapshot, quarterBefore) = (contents.latest, { contents.quarterBefore })
        } else {
            snapshot = try await snapshots.get(SnapshotKey(asOf: asOf))
            let snapshots = snapshots
            quarterBefore = {
                try await snapshots.get(SnapshotKey(asOf: snapshot.asOf, lagWeeks: TrendReportBuilder.quarterWeeks))
            }
        }
        try Self.check(snapshot, market: market, source: source)
        return (snapshot, quarterBefore)
    }

    private static func check(_ snapshot: TrendSnapshot, market: String, source: String) throws {
        if !market.isEmpty, !snapshot.markets.contains(market) {
            throw UnknownTrendName(field: "market", value: market, known: snapshot.markets)
        }
        if !source.isEmpty, !snapshot.sources.contains(source) {
            throw UnknownTrendName(field: "source", value: source, known: snapshot.sources)
        }
    }

    /// What `ListTrends` answers.
    struct TrendList: Sendable {
        /// The strongest matching attributes, at most the limit.
        var trends: [AttributeCall]
        /// The last week the matching series read; `nil` when none matched.
        var lastWeek: CivilDay?
        /// How many attributes matched before the limit.
        var matched: Int
        /// The trend view build the list was read from (``TrendView/Contents/build``), or `nil`
        /// when it was computed for the request: within one build, an attribute's trend is the same
        /// whatever the filters.
        var viewBuild: Int? = nil
    }

    /// Attributes with their fused stage, strongest calls first; empty filters select everything.
    /// - Parameters:
    ///   - kind: The attribute kind, one of ``TrendRequestRules/kinds``.
    ///   - stage: A stage, a direction, `unsupported` or `any` (``TrendRequestRules/stage(_:)``).
    ///   - limit: Most trends returned, at most ``maxLimit``; 0 for ``defaultLimit``.
    /// - Throws: `InvalidInput` naming the field; ``UnknownTrendName`` for a market or source without data.
    func listTrends(
        kind kindName: String, stage: String, market: String, source: String, valuePrefix: String, limit: Int, asOf: String
    ) async throws -> TrendList {
        let kind = try TrendRequestRules.kind(kindName)
        let stageFilter = try TrendRequestRules.stage(stage)
        guard limit <= Self.maxLimit else {
            throw InvalidInput(field: "limit", rule: "must be at most \(Self.maxLimit), got \(limit)")
        }
        guard valuePrefix.utf8.count <= 256 else {
            throw InvalidInput(field: "value_prefix", rule: "must be at most 256 bytes, got \(valuePrefix.utf8.count)")
        }
        let prefix = valuePrefix.lowercased()
        if asOf.isEmpty, market.isEmpty, source.isEmpty, let view {
            // Fusion is per attribute, so the view's fused list filtered by kind and value is
            // what fusing the filtered series would give. One pass, copying only what is returned.
            let wanted = limit == 0 ? Self.defaultLimit : limit
            let contents = try await view.current()
            var list = TrendList(trends: [], lastWeek: nil, matched: 0, viewBuild: contents.build)
            for attribute in contents.fused
            where (kind == nil || attribute.attribute.kind == kind) && (prefix.isEmpty || attribute.attribute.value.hasPrefix(prefix)) {
                if let week = attribute.lastWeek, list.lastWeek.map({ week > $0 }) ?? true { list.lastWeek = week }
                guard stageFilter.admits(attribute.fused.stage) else { continue }
                list.matched += 1
                if list.trends.count < wanted { list.trends.append(attribute) }
            }
            return list
        }
        let snapshot = try await snapshot(asOf: asOf, market: market, source: source)
        let selected = snapshot.calls.filter { series in
            (kind == nil || series.topic.attribute.kind == kind)
                && (prefix.isEmpty || series.topic.attribute.value.hasPrefix(prefix))
                && (market.isEmpty || series.topic.source.market == market)
                && (source.isEmpty || series.topic.source.source == source)
        }
        let trends = Self.fusedTrends(selected).filter { stageFilter.admits($0.fused.stage) }
        return TrendList(
            trends: Array(trends.prefix(limit == 0 ? Self.defaultLimit : limit)),
            lastWeek: selected.compactMap(\.coverage?.lastWeek).max(), matched: trends.count)
    }

    /// One fused attribute.
    struct AttributeCall: Sendable {
        var attribute: TrendAttribute
        var series: [TrendSnapshot.SeriesCall]
        var fused: FusedTrend
        /// The last week any of its series reads.
        var lastWeek: CivilDay?

        /// Risers and decliners first, by confidence x the size of the move x the breadth of the
        /// evidence: min(|ln(1 + forecast growth)|, ln 2) x (1 + ln(series with a stage)). The
        /// move counts up to a doubling or a halving, so that a tiny base's +2000% does not
        /// outrank a broad, sure +40%. Then stable by confidence, then attributes without a stage.
        var strength: Double {
            guard let stage = fused.stage else { return -2 }
            guard stage.direction != .flat else { return -1 + fused.confidence }
            return fused.confidence * min(abs(log1p(fused.forecastGrowth)), log(2)) * (1 + log(Double(max(fused.staged, 1))))
        }
    }

    /// Each attribute of `series` fused, strongest calls first (ties by kind and value).
    static func fusedTrends(_ series: [TrendSnapshot.SeriesCall]) -> [AttributeCall] {
        let byAttribute = Dictionary(grouping: series, by: \.topic.attribute)
        return byAttribute.map { attribute, series in
            let ordered = series.sorted { $0.topic < $1.topic }
            let evidence = ordered.map {
                TrendEvidence(source: $0.topic.source.source, market: $0.topic.source.market, call: $0.call)
            }
            return AttributeCall(
                attribute: attribute, series: ordered, fused: TrendFusion.fuse(evidence),
                lastWeek: ordered.compactMap(\.coverage?.lastWeek).max())
        }.sorted { $0.strength != $1.strength ? $0.strength > $1.strength : $0.attribute < $1.attribute }
    }

    /// What `GetSeries` answers: the chosen series and, when a horizon was asked for, its forecast.
    struct SeriesRead: Sendable {
        var series: TrendSnapshot.SeriesCall
        var forecast: HistoryForecaster.Answer?
    }

    /// One series of an attribute with its call, and its forecast over `horizon` weeks (none for 0).
    /// Without `measure`, the series of the first measure in ``measurePrecedence`` that has one,
    /// then the best supported.
    /// - Throws: `InvalidInput` naming the field; ``SeriesNotFound``; ``UnknownTrendName``.
    func series(
        kind: String, value: String, measure measureName: String, market: String, source: String, asOf: String, horizon: Int
    ) async throws -> SeriesRead {
        guard !kind.isEmpty, !value.isEmpty else {
            throw InvalidInput(field: kind.isEmpty ? "kind" : "value", rule: "must not be empty")
        }
        _ = try TrendRequestRules.kind(kind)
        let measure = try TrendRequestRules.measure(measureName)
        let snapshot = try await snapshot(asOf: asOf, market: market, source: source)
        let attribute = TrendAttribute(kind: kind, value: value.lowercased())
        let candidates = snapshot.calls.filter {
            $0.topic.attribute == attribute && (measure == nil || $0.topic.source.measure == measure)
                && (market.isEmpty || $0.topic.source.market == market)
                && (source.isEmpty || $0.topic.source.source == source)
        }
        func rank(_ series: TrendSnapshot.SeriesCall) -> Int { Self.measurePrecedence.firstIndex(of: series.topic.source.measure)! }
        guard
            let chosen = candidates.min(by: {
                rank($0) != rank($1)
                    ? rank($0) < rank($1)
                    : $0.call.support != $1.call.support ? $0.call.support > $1.call.support : $0.topic < $1.topic
            })
        else {
            throw SeriesNotFound(attribute: attribute, measure: measure, market: market, source: source)
        }
        let history = chosen.history.map(\.value)
        guard horizon > 0, !history.isEmpty else { return SeriesRead(series: chosen) }
        let forecast = try forecaster.forecast(history: history, horizon: horizon, seasonLength: history.count >= 104 ? 52 : 0)
        return SeriesRead(series: chosen, forecast: forecast.clampedAtZero)
    }

    /// Markets and sources with data, with each source's window, at `asOf`.
    func markets(asOf: String) async throws -> TrendSnapshot {
        try await snapshot(asOf: asOf)
    }
}

/// `GetSeries` of an attribute without a series matching the request.
struct SeriesNotFound: StylecastError, Equatable {
    var attribute: TrendAttribute
    var measure: TrendMeasure?
    var market: String
    var source: String

    var failureKind: FailureKind { .notFound }
    var description: String {
        let filters = [
            measure.map { "measure \($0.rawValue)" }, market.isEmpty ? nil : "market \(market)",
            source.isEmpty ? nil : "source \(source)",
        ].compactMap { $0 }
        return "kind/value: no series for \(attribute.kind)=\(attribute.value.prefix(64))"
            + (filters.isEmpty ? "" : " with \(filters.joined(separator: ", "))")
            + " (ListTrends with stage \"any\" lists the attributes that have one)"
    }
}

/// Values computed from the stored series, kept for a lifetime per key
/// (`STYLECAST_TRENDS_CACHE_MS`): the trend snapshots per `as_of` week and lag, the report's
/// style clusters. Concurrent callers of one key share one computation; a failed one is not
/// kept. Holds at most ``capacity`` keys.
actor LifetimeCache<Key: Hashable & Sendable, Value: Sendable> {
    static var capacity: Int { 8 }

    private let lifetime: Duration
    private let compute: @Sendable (Key) async throws -> Value
    private var latest: [Key: (at: ContinuousClock.Instant, value: Value)] = [:]
    private var inFlight: [Key: Task<Value, any Error>] = [:]

    init(lifetime: Duration, compute: @escaping @Sendable (Key) async throws -> Value) {
        self.lifetime = lifetime
        self.compute = compute
    }

    /// The value for `key`, computed now unless a computation younger than the lifetime is kept.
    func get(_ key: Key) async throws -> Value {
        if let cached = latest[key], ContinuousClock.now - cached.at < lifetime { return cached.value }
        if let task = inFlight[key] { return try await task.value }
        let compute = compute
        let task = Task { try await compute(key) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let value = try await task.value
        let now = ContinuousClock.now
        latest = latest.filter { now - $0.value.at < lifetime }
        if latest.count >= Self.capacity, let oldest = latest.min(by: { $0.value.at < $1.value.at })?.key {
            latest[oldest] = nil
        }
        latest[key] = (now, value)
        return value
    }
}

/// What a trend snapshot is computed for: the Sunday ending the `as_of` week (`nil`: each
/// source's last week), and how many weeks before that.
struct SnapshotKey: Hashable, Sendable {
    var weekEnd: CivilDay?
    var lagWeeks: Int

    init(asOf: CivilDay?, lagWeeks: Int = 0) {
        weekEnd = asOf?.monday.adding(days: 6)
        self.lagWeeks = lagWeeks
    }
}
