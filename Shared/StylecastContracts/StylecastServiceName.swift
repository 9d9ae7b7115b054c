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

    /// The default ports, gRPC and Prometheus `/metrics`, of each service (the deployment files
    /// use the same; Tests/Interop/test_deploy_manifests.py reads this table).
    private static let defaultPorts: [StylecastServiceName: (grpc: Int, metrics: Int)] = [
        .ingest: (50051, 9101),
        .textEmbedding: (50052, 9102),
        .imageGeneration: (50053, 9103),
        .recommendation: (50054, 9104),
        .trendAggregation: (50055, 9105),
    ]

    /// The gRPC port when `STYLECAST_GRPC_PORT` is unset.
    public var defaultGRPCPort: Int { Self.defaultPorts[self]!.grpc }

    /// The Prometheus `/metrics` port when `STYLECAST_METRICS_PORT` is unset.
    public var defaultMetricsPort: Int { Self.defaultPorts[self]!.metrics }

    /// `host:port` of the service's gRPC server on the local stack, e.g. `127.0.0.1:50051`.
    public var defaultTarget: String { "\(Self.defaultHost):\(defaultGRPCPort)" }
}
