import GRPCCore
import StylecastContracts
import StylecastErrors
import StylecastGRPC
import StylecastProto
import StylecastRedis
import ServiceLifecycle
import StylecastServiceKit

/// `stylecast.v1.TrendAggregation`: translates messages (``TrendMessages``) and calls the
/// service's core: ``TrendQueries``, ``HistoryForecaster``, ``NewProductModel`` and
/// ``ReportRenderer``. Handlers run on the transport's event loops; every one that computes
/// (forecasts, past as_of, the report) moves off them with `runOffEventLoop`, so a cheap
/// `ListTrends` never waits behind one.
package struct TrendAggregationRPCService: Stylecast_V1_TrendAggregation.SimpleServiceProtocol {
    private let forecaster = HistoryForecaster()
    private let queries: TrendQueries
    private let newProducts: NewProductModel
    private let reports: ReportRenderer
    /// `ListTrends`'s messages of the trend view's attributes, built once per view build.
    private let viewMessages = AttributeTrendMessages()

    /// Creates the service.
    /// - Parameters:
    ///   - redis: Where the series are.
    ///   - partitions: How many trend partitions the series are split into (the streams').
    ///   - trendsCacheLifetime: How long every series' call at a past `as_of` (and without a view
    ///     the latest) is reused, and the report's style clusters.
    ///   - view: Where the latest calls are read (kept current by a ``TrendViewRefresher``), or
    ///     `nil` to compute them like a past week's.
    init(redis: RedisClient, partitions: StreamPartitions, trendsCacheLifetime: Duration = .seconds(5), view: TrendView?) {
        queries = TrendQueries(
            store: TrendSeriesStore(redis: redis, partitions: partitions), cacheLifetime: trendsCacheLifetime, view: view)
        newProducts = NewProductModel(redis: redis)
        reports = ReportRenderer(
            builder: TrendReportBuilder(queries: queries, redis: redis),
            clusters: LifetimeCache(lifetime: trendsCacheLifetime) { _ in try await StyleClusters.build(redis: redis) })
    }

    package func listTrends(request: Stylecast_V1_ListTrendsRequest, context: ServerContext) async throws -> Stylecast_V1_ListTrendsResponse {
        TrendMessages.list(
            try await queries.listTrends(
                kind: request.kind, stage: request.stage, market: request.market, source: request.source,
                valuePrefix: request.valuePrefix, limit: Int(request.limit), asOf: request.asOf),
            kept: viewMessages)
    }

    package func getSeries(request: Stylecast_V1_GetSeriesRequest, context: ServerContext) async throws -> Stylecast_V1_GetSeriesResponse {
        // A forecast and a past as_of compute for a while: off the event loops, so that the
        // calls sharing a loop (ListTrends, answered from the view) do not wait behind them.
        let queries = queries
        return TrendMessages.series(
            try await runOffEventLoop {
                try await queries.series(
                    kind: request.kind, value: request.value, measure: request.measure, market: request.market,
                    source: request.source, asOf: request.asOf, horizon: Int(request.horizon))
            })
    }

    package func listMarkets(request: Stylecast_V1_ListMarketsRequest, context: ServerContext) async throws -> Stylecast_V1_ListMarketsResponse {
        TrendMessages.markets(try await queries.markets(asOf: request.asOf))
    }

    package func forecast(request: Stylecast_V1_ForecastRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastResponse {
        let forecaster = forecaster
        return TrendMessages.forecast(
            try await runOffEventLoop {
                try forecaster.forecast(
                    history: request.history, horizon: Int(request.horizon), seasonLength: Int(request.seasonLength))
            })
    }

    package func forecastNewProduct(request: Stylecast_V1_ForecastNewProductRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastNewProductResponse {
        let newProducts = newProducts
        let weekly = try await runOffEventLoop {
            try await newProducts.forecast(
                category: request.category, color: request.color, fabric: request.fabric, season: request.season,
                releaseDate: request.releaseDate, horizon: Int(request.horizon), asOf: request.asOf)
        }
        return .with { $0.weeklySales = weekly }
    }

    package func report(request: Stylecast_V1_ReportRequest, context: ServerContext) async throws -> Stylecast_V1_ReportResponse {
        let reports = reports
        let report = try await runOffEventLoop {
            try await reports.render(
                top: Int(request.top), horizon: Int(request.horizon), market: request.market, asOf: request.asOf)
        }
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
        let viewRefresh = reader.milliseconds("STYLECAST_TRENDS_VIEW_REFRESH_MS", default: 1000, range: 0...600_000)
        let valuesPerKind = reader.integer("STYLECAST_TRENDS_MAX_VALUES_PER_KIND", default: 2000, range: 10...1_000_000)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        let partitions = context.configuration.streamPartitions
        // 0 turns the view off: every call without as_of computes (or reads the cache) instead.
        let view = viewRefresh == .zero ? nil : TrendView(store: TrendSeriesStore(redis: context.redis, partitions: partitions))
        let aggregator = try TrendAggregator(
            redis: context.redis, partitions: partitions,
            consumer: context.configuration.consumerName,
            claimIdle: context.configuration.queueClaimIdle, maxDeliveries: context.configuration.queueMaxDeliveries,
            maximumValuesPerKind: valuesPerKind, logger: context.logger)
        var background: [any Service] = [aggregator]
        if let view { background.append(TrendViewRefresher(view: view, interval: viewRefresh, logger: context.logger)) }
        return ServiceParts(
            rpcServices: [
                TrendAggregationRPCService(
                    redis: context.redis, partitions: partitions, trendsCacheLifetime: cacheLifetime, view: view)
            ],
            backgroundServices: background)
    }
}
