import GRPCCore
import StylecastProto
import StylecastServiceKit

/// `stylecast.v1.TrendAggregation`: translates messages and calls the service's core.
///
/// The v1 contract is complete in `Protos/`; each RPC answers UNIMPLEMENTED, naming
/// issue #6, until that issue builds it.
public struct TrendAggregationRPCService: Stylecast_V1_TrendAggregation.SimpleServiceProtocol {
    private let forecaster = ForecastRequestHandler()

    /// Creates the service.
    public init() {}

    public func listTrends(request: Stylecast_V1_ListTrendsRequest, context: ServerContext) async throws -> Stylecast_V1_ListTrendsResponse {
        throw plannedRPC("stylecast.v1.TrendAggregation/ListTrends", issue: 6)
    }

    public func getSeries(request: Stylecast_V1_GetSeriesRequest, context: ServerContext) async throws -> Stylecast_V1_GetSeriesResponse {
        throw plannedRPC("stylecast.v1.TrendAggregation/GetSeries", issue: 6)
    }

    public func forecast(request: Stylecast_V1_ForecastRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastResponse {
        try forecaster.forecast(request)
    }

    public func forecastNewProduct(request: Stylecast_V1_ForecastNewProductRequest, context: ServerContext) async throws -> Stylecast_V1_ForecastNewProductResponse {
        throw plannedRPC("stylecast.v1.TrendAggregation/ForecastNewProduct", issue: 6)
    }

    public func report(request: Stylecast_V1_ReportRequest, context: ServerContext) async throws -> Stylecast_V1_ReportResponse {
        throw plannedRPC("stylecast.v1.TrendAggregation/Report", issue: 6)
    }
}

/// Builds the trend-aggregation service's parts for ``ServiceMain``.
public enum TrendAggregationServiceBuilder {
    /// The RPC handlers and background work of the trend-aggregation service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        ServiceParts(rpcServices: [TrendAggregationRPCService()])
    }
}
