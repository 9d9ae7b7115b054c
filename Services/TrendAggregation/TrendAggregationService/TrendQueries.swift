import Foundation
import StylecastCalendar
import StylecastErrors
import StylecastForecast
import StylecastProto
import StylecastTrends

/// `ListTrends`, `GetSeries` and `ListMarkets` over the stored series (docs/trends.md, "RPCs").
struct TrendQueries: Sendable {
    /// Most trends one `ListTrends` call returns.
    static let maxLimit = 1000
    /// Trends returned when the request gives no limit.
    static let defaultLimit = 20
    /// The order `GetSeries` picks a measure in when none is asked for.
    static let measurePrecedence: [TrendMeasure] = [.sales, .purchases, .launches, .interest]

    let store: TrendSeriesStore
    let forecaster = ForecastRequestHandler()
    /// Every series' call, computed at most once per `STYLECAST_TRENDS_CACHE_MS` and `as_of`.
    let snapshots: LifetimeCache<SnapshotKey, TrendSnapshot>

    /// - Parameters:
    ///   - store: Where the series are.
    ///   - cacheLifetime: How long a computed snapshot is reused; zero recomputes on every call.
    init(store: TrendSeriesStore, cacheLifetime: Duration) {
        self.store = store
        snapshots = LifetimeCache(lifetime: cacheLifetime) { key in
            try await TrendSnapshot.compute(store: store, asOf: key.weekEnd, lagWeeks: key.lagWeeks)
        }
    }

    /// The snapshot at `asOf`, with the market and source filters checked against it.
    func snapshot(asOf text: String, market: String = "", source: String = "") async throws -> TrendSnapshot {
        let asOf = try TrendRequestRules.asOf(text)
        let snapshot = try await snapshots.get(SnapshotKey(asOf: asOf))
        if !market.isEmpty, !snapshot.markets.contains(market) {
            throw UnknownTrendName(field: "market", value: market, known: snapshot.markets)
        }
        if !source.isEmpty, !snapshot.sources.contains(source) {
            throw UnknownTrendName(field: "source", value: source, known: snapshot.sources)
        }
        return snapshot
    }

    /// Attributes with their fused stage, strongest calls first.
    func listTrends(_ request: Stylecast_V1_ListTrendsRequest) async throws -> Stylecast_V1_ListTrendsResponse {
        let kind = try TrendRequestRules.kind(request.kind)
        let stageFilter = try TrendRequestRules.stage(request.stage)
        guard request.limit <= Self.maxLimit else {
            throw InvalidInput(field: "limit", rule: "must be at most \(Self.maxLimit), got \(request.limit)")
        }
        guard request.valuePrefix.utf8.count <= 256 else {
            throw InvalidInput(field: "value_prefix", rule: "must be at most 256 bytes, got \(request.valuePrefix.utf8.count)")
        }
        let snapshot = try await snapshot(asOf: request.asOf, market: request.market, source: request.source)
        let prefix = request.valuePrefix.lowercased()
        let selected = snapshot.calls.filter { series in
            (kind == nil || series.topic.attribute.kind == kind)
                && (prefix.isEmpty || series.topic.attribute.value.hasPrefix(prefix))
                && (request.market.isEmpty || series.topic.source.market == request.market)
                && (request.source.isEmpty || series.topic.source.source == request.source)
        }
        let trends = Self.fusedTrends(selected).filter { stageFilter.admits($0.fused.stage) }
        let limit = request.limit == 0 ? Self.defaultLimit : Int(request.limit)
        return .with {
            $0.trends = trends.prefix(limit).map { TrendMessages.attributeTrend($0.attribute, series: $0.series, fused: $0.fused) }
            $0.asOfWeek = selected.compactMap(\.coverage?.lastWeek).max()?.iso ?? ""
            $0.matched = UInt32(trends.count)
        }
    }

    /// One fused attribute.
    struct AttributeCall: Sendable {
        var attribute: TrendAttribute
        var series: [TrendSnapshot.SeriesCall]
        var fused: FusedTrend

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
            return AttributeCall(attribute: attribute, series: ordered, fused: TrendFusion.fuse(evidence))
        }.sorted { $0.strength != $1.strength ? $0.strength > $1.strength : $0.attribute < $1.attribute }
    }

    /// One series of an attribute, with last year's weeks, the raw amounts, the call and forecasts.
    func series(_ request: Stylecast_V1_GetSeriesRequest) async throws -> Stylecast_V1_GetSeriesResponse {
        guard !request.kind.isEmpty, !request.value.isEmpty else {
            throw InvalidInput(field: request.kind.isEmpty ? "kind" : "value", rule: "must not be empty")
        }
        _ = try TrendRequestRules.kind(request.kind)
        let measure = try TrendRequestRules.measure(request.measure)
        let snapshot = try await snapshot(asOf: request.asOf, market: request.market, source: request.source)
        let attribute = TrendAttribute(kind: request.kind, value: request.value.lowercased())
        let candidates = snapshot.calls.filter {
            $0.topic.attribute == attribute && (measure == nil || $0.topic.source.measure == measure)
                && (request.market.isEmpty || $0.topic.source.market == request.market)
                && (request.source.isEmpty || $0.topic.source.source == request.source)
        }
        func rank(_ series: TrendSnapshot.SeriesCall) -> Int { Self.measurePrecedence.firstIndex(of: series.topic.source.measure)! }
        guard
            let chosen = candidates.min(by: {
                rank($0) != rank($1)
                    ? rank($0) < rank($1)
                    : $0.call.support != $1.call.support ? $0.call.support > $1.call.support : $0.topic < $1.topic
            })
        else {
            throw SeriesNotFound(attribute: attribute, measure: measure, market: request.market, source: request.source)
        }
        var response = Stylecast_V1_GetSeriesResponse()
        response.measure = chosen.topic.source.measure.rawValue
        response.source = chosen.topic.source.source
        response.market = chosen.topic.source.market
        let weeks = chosen.coverage?.weeks ?? []
        for (index, week) in weeks.enumerated() {
            guard let value = chosen.values[index] else { continue }
            response.history.append(.with {
                $0.week = week.iso
                $0.value = value
            })
            // Beside this week: the same week a year before, labelled with this week.
            if index >= 52, let previous = chosen.values[index - 52] {
                response.lastYear.append(.with {
                    $0.week = week.iso
                    $0.value = previous
                })
            }
        }
        response.amounts = chosen.amounts.sorted { $0.key < $1.key }.map { week, value in
            .with {
                $0.week = week.iso
                $0.value = value
            }
        }
        response.call = TrendMessages.evidence(chosen)
        if let growth = chosen.call.growth {
            response.trendForecast = .with {
                $0.point = growth.forecast
                $0.lower = growth.forecastLower
                $0.upper = growth.forecastUpper
                $0.model = "SeasonalGrowth(profile ±\(growth.profileHalfWidth) weeks)"
            }
        }
        if request.horizon > 0, !response.history.isEmpty {
            var forecast = try forecaster.forecast(
                .with {
                    $0.history = response.history.map(\.value)
                    $0.horizon = request.horizon
                    $0.seasonLength = response.history.count >= 104 ? 52 : 0
                })
            // Shares and interest are never below 0.
            forecast.point = forecast.point.map { max($0, 0) }
            forecast.lower = forecast.lower.map { max($0, 0) }
            forecast.upper = forecast.upper.map { max($0, 0) }
            response.forecast = forecast
        }
        return response
    }

    /// Markets and sources with data, with each source's window at `as_of`.
    func markets(_ request: Stylecast_V1_ListMarketsRequest) async throws -> Stylecast_V1_ListMarketsResponse {
        let snapshot = try await snapshot(asOf: request.asOf)
        let seriesCounts = Dictionary(grouping: snapshot.calls, by: \.topic.source).mapValues(\.count)
        return .with {
            $0.markets = snapshot.markets
            $0.sources = snapshot.sources
            $0.coverage = snapshot.sourcesWithData.map { source in
                let coverage = snapshot.coverages[source]
                return .with {
                    $0.source = source.source
                    $0.market = source.market
                    $0.measure = source.measure.rawValue
                    $0.firstWeek = coverage?.firstWeek.iso ?? ""
                    $0.lastWeek = coverage?.lastWeek.iso ?? ""
                    $0.thinWeeks = UInt32(coverage?.thinWeeks.count ?? 0)
                    $0.series = UInt32(seriesCounts[source] ?? 0)
                }
            }
        }
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
