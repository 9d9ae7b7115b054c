import GRPCCore
import StylecastContracts
import StylecastErrors
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastServiceKit

/// `stylecast.v1.TrendAggregation`: translates messages (``TrendMessages``) and calls the
/// service's core: ``TrendQueries``, ``HistoryForecaster``, ``NewProductModel`` and
/// ``ReportRenderer``.
package struct TrendAggregationRPCService: Stylecast_V1_TrendAggregation.SimpleServiceProtocol {
    private let forecaster = HistoryForecaster()
    private let queries: TrendQueries
    private let newProducts: NewProductModel
    private let reports: ReportRenderer

    /// Creates the service.
    /// - Parameters:
    ///   - redis: Where the series are.
    ///   - partitions: How many trend partitions the series are split into (the streams').
    ///   - trendsCacheLifetime: How long a computed list of every attribute's trend is reused
    ///     by `ListTrends`, `Report` and the callers that ask for rising attributes, and the
    ///     report's style clusters.
    package init(redis: RedisClient, partitions: StreamPartitions, trendsCacheLifetime: Duration = .seconds(5)) {
        queries = TrendQueries(
            store: TrendSeriesStore(redis: redis, partitions: partitions), cacheLifetime: trendsCacheLifetime)
        newProducts = NewProductModel(redis: redis)
        reports = ReportRenderer(
            builder: TrendReportBuilder(queries: queries, redis: redis),
            clusters: LifetimeCache(lifetime: trendsCacheLifetime) { _ in try await StyleClusters.build(redis: redis) })
    }

    package func listTrends(request: Stylecast_V1_ListTrendsRequest, context: ServerContext) async throws -> Stylecast_V1_ListTrendsResponse {
        TrendMessages.list(
            try await queries.listTrends(
                kind: request.kind, stage: request.stage, market: request.market, source: request.source,
                valuePrefix: request.valuePrefix, limit: Int(request.limit), asOf: request.asOf))
    }

    package func getSeries(request: Stylecast_V1_GetSeriesRequest, context: ServerContext) async throws -> Stylecast_V1_GetSeriesResponse {
        TrendMessages.series(
            try await queries.series(
                kind: request.kind, value: request.value, measure: request.measure, market: request.market,
                source: request.source, asOf: request.asOf, horizon: Int(request.horizon)))
    }

    package func listMarkets(request: Stylecast_V1_ListMarketsRequest, context: ServerContext) async throws -> Stylecast_V1_ListMarketsResponse {
        TrendMessages.markets(try await queries.markets(asOf: request.asOf))
    }

    package func forecast(request: Stylecast_V1_ForecastRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastResponse {
        TrendMessages.forecast(
            try forecaster.forecast(history: request.history, horizon: Int(request.horizon), seasonLength: Int(request.seasonLength)))
    }

    package func forecastNewProduct(request: Stylecast_V1_ForecastNewProductRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastNewProductResponse {
        let weekly = try await newProducts.forecast(
            category: request.category, color: request.color, fabric: request.fabric, season: request.season,
            releaseDate: request.releaseDate, horizon: Int(request.horizon), asOf: request.asOf)
        return .with { $0.weeklySales = weekly }
    }

    package func report(request: Stylecast_V1_ReportRequest, context: ServerContext) async throws -> Stylecast_V1_ReportResponse {
        let report = try await reports.render(
            top: Int(request.top), horizon: Int(request.horizon), market: request.market, asOf: request.asOf)
        return .with {
            $0.html = report.html
            $0.json = report.json
            $0.csv = report.csv
        }
    }
}

/// Builds the trend-aggregation service's parts for ``ServiceMain``: the RPCs and the
/// ``TrendAggregator`` worker.
package enum TrendAggregationServiceBuilder {
    /// The RPC handlers and background work of the trend-aggregation service.
    package static func parts(context: ServiceContext) async throws -> ServiceParts {
        var reader = EnvironmentReader(environment: context.environment)
        let cacheLifetime = reader.milliseconds("STYLECAST_TRENDS_CACHE_MS", default: 5000, range: 0...600_000)
        let valuesPerKind = reader.integer("STYLECAST_TRENDS_MAX_VALUES_PER_KIND", default: 2000, range: 10...1_000_000)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        let aggregator = try TrendAggregator(
            redis: context.redis, partitions: context.configuration.streamPartitions,
            consumer: context.configuration.consumerName,
            claimIdle: context.configuration.queueClaimIdle, maxDeliveries: context.configuration.queueMaxDeliveries,
            maximumValuesPerKind: valuesPerKind, logger: context.logger)
        return ServiceParts(
            rpcServices: [
                TrendAggregationRPCService(
                    redis: context.redis, partitions: context.configuration.streamPartitions,
                    trendsCacheLifetime: cacheLifetime)
            ],
            backgroundServices: [aggregator])
    }
}
