import StylecastErrors
import StylecastForecast
import StylecastProto

/// `ListTrends` and `GetSeries` over the stored series.
struct TrendQueries: Sendable {
    /// Most trends one `ListTrends` call returns.
    static let maxLimit = 1000
    /// Trends returned when the request gives no limit.
    static let defaultLimit = 20
    /// Kinds of attribute.
    static let kinds: Set<String> = ["color", "pattern", "style", "material", "silhouette", "category"]

    let store: TrendSeriesStore
    let forecaster = ForecastRequestHandler()
    /// Every attribute's trend, strongest movers first, computed at most once per
    /// `STYLECAST_TRENDS_CACHE_MS`: classifying means a forecast per series.
    let allTrends: TrendListCache

    /// - Parameters:
    ///   - store: Where the series are.
    ///   - cacheLifetime: How long a computed list of trends is reused; zero recomputes on every call.
    init(store: TrendSeriesStore, cacheLifetime: Duration) {
        self.store = store
        allTrends = TrendListCache(lifetime: cacheLifetime) { try await Self.computeTrends(store) }
    }

    /// Attributes with their status, strongest movers (largest |slope| x level) first.
    func listTrends(_ request: Stylecast_V1_ListTrendsRequest) async throws -> Stylecast_V1_ListTrendsResponse {
        if !request.kind.isEmpty, !Self.kinds.contains(request.kind) {
            throw InvalidInput(field: "kind", rule: "must be empty or one of \(Self.kinds.sorted().joined(separator: ", "))")
        }
        guard request.limit <= Self.maxLimit else {
            throw InvalidInput(field: "limit", rule: "must be at most \(Self.maxLimit), got \(request.limit)")
        }
        let limit = request.limit == 0 ? Self.defaultLimit : Int(request.limit)
        let trends = try await allTrends.get().filter { request.kind.isEmpty || $0.attribute.kind == request.kind }
        return .with { $0.trends = Array(trends.prefix(limit)) }
    }

    /// Every attribute's trend, strongest movers first.
    private static func computeTrends(_ store: TrendSeriesStore) async throws -> [Stylecast_V1_AttributeTrend] {
        var trends: [Stylecast_V1_AttributeTrend] = []
        for attribute in try await store.attributes() {
            guard let measure = try await store.measures(of: attribute).first else { continue }
            let series = try await store.series(measure, of: attribute).map(\.value)
            trends.append(TrendStatusRules.trend(of: series, attribute: attribute))
        }
        // Strongest movers: the largest absolute weekly change (|slope| x level), so a series
        // going from 0 to 1 does not outrank one moving by hundreds of units.
        func movement(_ trend: Stylecast_V1_AttributeTrend) -> Double { abs(trend.slope) * trend.level }
        func name(_ trend: Stylecast_V1_AttributeTrend) -> String { "\(trend.attribute.kind):\(trend.attribute.value)" }
        trends.sort { movement($0) != movement($1) ? movement($0) > movement($1) : name($0) < name($1) }
        return trends
    }

    /// One attribute's weekly series, with a forecast when asked.
    func series(_ request: Stylecast_V1_GetSeriesRequest) async throws -> Stylecast_V1_GetSeriesResponse {
        guard !request.kind.isEmpty, !request.value.isEmpty else {
            throw InvalidInput(field: request.kind.isEmpty ? "kind" : "value", rule: "must not be empty")
        }
        let attribute = TrendAttribute(kind: request.kind, value: request.value)
        let measure: TrendMeasure
        if request.measure.isEmpty {
            guard let first = try await store.measures(of: attribute).first else {
                throw SeriesNotFound(attribute: attribute)
            }
            measure = first
        } else {
            guard let asked = TrendMeasure(rawValue: request.measure) else {
                throw InvalidInput(
                    field: "measure",
                    rule: "must be empty or one of \(TrendMeasure.precedence.map(\.rawValue).joined(separator: ", "))")
            }
            measure = asked
        }
        let history = try await store.series(measure, of: attribute)
        guard !history.isEmpty else { throw SeriesNotFound(attribute: attribute) }
        var response = Stylecast_V1_GetSeriesResponse()
        response.history = history
        response.measure = measure.rawValue
        if request.horizon > 0 {
            var forecast = try forecaster.forecast(
                .with {
                    $0.history = history.map(\.value)
                    $0.horizon = request.horizon
                    $0.seasonLength = history.count >= 104 ? 52 : 0
                })
            // Attribute series are amounts (items, units, search interest): never below 0.
            forecast.point = forecast.point.map { max($0, 0) }
            forecast.lower = forecast.lower.map { max($0, 0) }
            forecast.upper = forecast.upper.map { max($0, 0) }
            response.forecast = forecast
        }
        return response
    }
}

/// `GetSeries` of an attribute without data.
struct SeriesNotFound: StylecastError, Equatable {
    var attribute: TrendAttribute
    var failureKind: FailureKind { .notFound }
    var description: String {
        "kind/value: no series for \(attribute.kind)=\(attribute.value) (ListTrends lists the attributes that have one)"
    }
}

/// The latest list of every attribute's trend and when it was computed. Concurrent callers
/// share one computation; a failed one is not kept.
actor TrendListCache {
    private let lifetime: Duration
    private let compute: @Sendable () async throws -> [Stylecast_V1_AttributeTrend]
    private var latest: (at: ContinuousClock.Instant, trends: [Stylecast_V1_AttributeTrend])?
    private var inFlight: Task<[Stylecast_V1_AttributeTrend], any Error>?

    init(lifetime: Duration, compute: @escaping @Sendable () async throws -> [Stylecast_V1_AttributeTrend]) {
        self.lifetime = lifetime
        self.compute = compute
    }

    func get() async throws -> [Stylecast_V1_AttributeTrend] {
        if let latest, ContinuousClock.now - latest.at < lifetime { return latest.trends }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await compute() }
        inFlight = task
        defer { inFlight = nil }
        let trends = try await task.value
        latest = (ContinuousClock.now, trends)
        return trends
    }
}
