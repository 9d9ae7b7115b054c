import GRPCCore
import StylecastErrors
import StylecastProto
import StylecastRedis
import StylecastServiceKit

/// `stylecast.v1.TrendAggregation`: translates messages and calls the service's core.
///
/// `Report` renders the trend report (``TrendReport``, ``ReportHTML``) with the style clusters.
public struct TrendAggregationRPCService: Stylecast_V1_TrendAggregation.SimpleServiceProtocol {
    private let forecaster = ForecastRequestHandler()
    private let queries: TrendQueries
    private let newProducts: NewProductModel
    private let redis: RedisClient

    /// Creates the service.
    /// - Parameters:
    ///   - redis: Where the series are.
    ///   - trendsCacheLifetime: How long a computed list of every attribute's trend is reused
    ///     by `ListTrends`, `Report` and the callers that ask for rising attributes.
    public init(redis: RedisClient, trendsCacheLifetime: Duration = .seconds(5)) {
        queries = TrendQueries(store: TrendSeriesStore(redis: redis), cacheLifetime: trendsCacheLifetime)
        newProducts = NewProductModel(redis: redis)
        self.redis = redis
    }

    public func listTrends(request: Stylecast_V1_ListTrendsRequest, context: ServerContext) async throws -> Stylecast_V1_ListTrendsResponse {
        try await queries.listTrends(request)
    }

    public func getSeries(request: Stylecast_V1_GetSeriesRequest, context: ServerContext) async throws -> Stylecast_V1_GetSeriesResponse {
        try await queries.series(request)
    }

    public func forecast(request: Stylecast_V1_ForecastRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastResponse {
        try forecaster.forecast(request)
    }

    public func forecastNewProduct(request: Stylecast_V1_ForecastNewProductRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastNewProductResponse {
        try await newProducts.forecast(request)
    }

    public func report(request: Stylecast_V1_ReportRequest, context: ServerContext) async throws -> Stylecast_V1_ReportResponse {
        guard request.top <= 50 else {
            throw InvalidInput(field: "top", rule: "must be at most 50 charts, got \(request.top)")
        }
        guard request.horizon <= 104 else {
            throw InvalidInput(field: "horizon", rule: "must be at most 104 weeks, got \(request.horizon)")
        }
        let report = try await TrendReport.build(
            queries: queries, clusters: try await StyleClusters.build(redis: redis),
            top: request.top == 0 ? 8 : Int(request.top), horizon: request.horizon == 0 ? 12 : Int(request.horizon))
        return .with {
            $0.html = ReportHTML.render(report)
            $0.json = (try? report.json()) ?? "{}"
        }
    }
}

/// Builds the trend-aggregation service's parts for ``ServiceMain``: the RPCs and the
/// ``TrendAggregator`` worker.
public enum TrendAggregationServiceBuilder {
    /// The RPC handlers and background work of the trend-aggregation service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        var reader = EnvironmentReader(environment: context.environment)
        let cacheLifetime = reader.milliseconds("STYLECAST_TRENDS_CACHE_MS", default: 5000, range: 0...600_000)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        let aggregator = try TrendAggregator(
            redis: context.redis, consumer: context.configuration.consumerName,
            claimIdle: context.configuration.queueClaimIdle, maxDeliveries: context.configuration.queueMaxDeliveries,
            logger: context.logger)
        return ServiceParts(
            rpcServices: [TrendAggregationRPCService(redis: context.redis, trendsCacheLifetime: cacheLifetime)],
            backgroundServices: [aggregator])
    }
}
