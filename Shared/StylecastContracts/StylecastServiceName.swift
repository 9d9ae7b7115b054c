/// The five services, with the ports they listen on unless configured otherwise
/// (`STYLECAST_GRPC_PORT`, `STYLECAST_METRICS_PORT`) and where clients find them by default.
public enum StylecastServiceName: String, CaseIterable, Sendable {
    case ingest
    case textEmbedding = "text-embedding"
    case imageGeneration = "image-generation"
    case recommendation
    case trendAggregation = "trend-aggregation"

    /// The host clients dial by default (the local stack).
    public static let defaultHost = "127.0.0.1"

    /// The Redis every service and the client use unless `STYLECAST_REDIS_URL` says otherwise.
    public static let defaultRedisURL = "redis://127.0.0.1:6379/0"

    /// The gRPC port: 50051 (ingest) to 50055 (trend-aggregation), in declaration order.
    public var defaultGRPCPort: Int { 50051 + index }

    /// The Prometheus `/metrics` port: 9101 (ingest) to 9105 (trend-aggregation).
    public var defaultMetricsPort: Int { 9101 + index }

    /// `host:port` of the service's gRPC server on the local stack, e.g. `127.0.0.1:50051`.
    public var defaultTarget: String { "\(Self.defaultHost):\(defaultGRPCPort)" }

    private var index: Int { Self.allCases.firstIndex(of: self)! }
}
