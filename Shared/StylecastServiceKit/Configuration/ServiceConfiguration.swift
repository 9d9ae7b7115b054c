import Foundation
import Logging
import StylecastContracts
import StylecastRedis

/// Identity and defaults of one Stylecast service.
public struct ServiceSpec: Sendable, Equatable {
    /// Executable and log name, e.g. `"text-embedding"`.
    public var name: String
    /// Fully-qualified gRPC service names it serves besides health and reflection,
    /// e.g. `["stylecast.v1.TextEmbedding"]`; each gets its own health status.
    public var grpcServiceNames: [String]
    /// gRPC port when `STYLECAST_GRPC_PORT` is unset.
    public var defaultGRPCPort: Int
    /// Prometheus port when `STYLECAST_METRICS_PORT` is unset.
    public var defaultMetricsPort: Int

    /// Creates a service description.
    public init(name: String, grpcServiceNames: [String], defaultGRPCPort: Int, defaultMetricsPort: Int) {
        self.name = name
        self.grpcServiceNames = grpcServiceNames
        self.defaultGRPCPort = defaultGRPCPort
        self.defaultMetricsPort = defaultMetricsPort
    }

    /// A service of the stack, with its gRPC service name and default ports
    /// (`StylecastServiceName`).
    /// - Parameters:
    ///   - service: Which service.
    ///   - grpcServiceName: The fully-qualified name of the gRPC service it serves.
    public init(_ service: StylecastServiceName, grpcServiceName: String) {
        self.init(
            name: service.rawValue, grpcServiceNames: [grpcServiceName], defaultGRPCPort: service.defaultGRPCPort,
            defaultMetricsPort: service.defaultMetricsPort)
    }

    /// The ingest service.
    public static let ingest = ServiceSpec(.ingest, grpcServiceName: "stylecast.v1.Ingest")
    /// The text-embedding service.
    public static let textEmbedding = ServiceSpec(.textEmbedding, grpcServiceName: "stylecast.v1.TextEmbedding")
    /// The image-generation service.
    public static let imageGeneration = ServiceSpec(.imageGeneration, grpcServiceName: "stylecast.v1.ImageGeneration")
    /// The recommendation service.
    public static let recommendation = ServiceSpec(.recommendation, grpcServiceName: "stylecast.v1.Recommendation")
    /// The trend-aggregation service.
    public static let trendAggregation = ServiceSpec(.trendAggregation, grpcServiceName: "stylecast.v1.TrendAggregation")

    /// All five services, in port order.
    public static let all: [ServiceSpec] = [
        .ingest, .textEmbedding, .imageGeneration, .recommendation, .trendAggregation,
    ]
}

/// The configuration every service shares, read from `STYLECAST_*` environment variables.
///
/// Every variable is listed, with its default and meaning, in `docs/operations.md` (a test
/// checks that it names every variable the code reads, with its default).
public struct ServiceConfiguration: Sendable {
    /// Address the gRPC server binds to.
    public var grpcHost: String
    /// gRPC port.
    public var grpcPort: Int
    /// Address the Prometheus endpoint binds to.
    public var metricsHost: String
    /// Prometheus port (`GET /metrics`).
    public var metricsPort: Int
    /// Where Redis is.
    public var redis: RedisURL
    /// Where caches live (`STYLECAST_CACHE_REDIS_URL`); `nil` = in ``redis``.
    public var cacheRedis: RedisURL?
    /// Connections in the Redis pool.
    public var redisPoolSize: Int
    /// Longest wait for a free pool connection before a call fails UNAVAILABLE.
    public var redisPoolWait: Duration
    /// Connect and command timeout for Redis.
    public var redisTimeout: Duration
    /// On Redis Cluster, how long a call waits out a cluster that cannot serve it yet (a
    /// failover, a slot moving) before failing (`STYLECAST_REDIS_CLUSTER_RETRY_MS`).
    public var redisClusterRetry: Duration
    /// How often readiness (Redis, model) is checked for health.
    public var healthCheckInterval: Duration
    /// Longest time SIGTERM waits for in-flight RPCs and work before exiting anyway.
    public var shutdownGracePeriod: Duration
    /// Minimum log level.
    public var logLevel: Logger.Level
    /// `json` (one JSON object per line) or `text`.
    public var logFormat: String
    /// Consumer name in the Redis consumer groups; must be unique per running replica.
    public var consumerName: String
    /// A work-queue entry idle this long in a dead consumer's pending list is claimed.
    public var queueClaimIdle: Duration
    /// Deliveries after which a failing entry moves to the dead-letter stream.
    public var queueMaxDeliveries: Int
    /// How many partitions each work stream has (`STYLECAST_STREAM_PARTITIONS`); the same in
    /// every service on one Redis (``StreamPartitionsRecord``).
    public var streamPartitions: StreamPartitions = .single
    /// Largest gRPC message accepted, in bytes.
    public var maxMessageBytes: Int
    /// Most concurrent HTTP/2 streams (calls) per client connection.
    public var grpcMaxStreams: Int = 128
    /// Most health `Watch` streams open at once.
    public var healthMaxWatchers: Int = 100
    /// A metrics connection that sends nothing this long is closed.
    public var metricsIdleTimeout: Duration = .seconds(10)
    /// The bearer token every RPC but health must carry (`STYLECAST_AUTH_TOKEN`); nil = no
    /// authentication.
    public var authToken: String?
    /// The server's TLS certificate chain and private key, PEM files (`STYLECAST_TLS_CERT`,
    /// `STYLECAST_TLS_KEY`); nil = plaintext.
    public var tls: (certificateChain: String, privateKey: String)?

    /// The shortest accepted `STYLECAST_AUTH_TOKEN`: 16 characters.
    public static let minimumTokenLength = 16

    /// Reads and validates the configuration of a service.
    /// - Parameters:
    ///   - spec: The service whose default ports apply.
    ///   - environment: The process environment.
    ///   - hostname: Used in the default consumer name.
    ///   - processID: Used in the default consumer name.
    /// - Throws: ``ConfigurationError`` listing every invalid variable.
    public static func read(
        spec: ServiceSpec, environment: [String: String], hostname: String, processID: Int32
    ) throws(ConfigurationError) -> ServiceConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let redis = reader.parsed(
            "STYLECAST_REDIS_URL", default: StylecastServiceName.defaultRedisURL,
            redact: environment["STYLECAST_REDIS_URL"]?.contains("@") ?? false
        ) { try RedisURL(parsing: $0) }
        var configuration = ServiceConfiguration(
            grpcHost: reader.string("STYLECAST_GRPC_HOST", default: "0.0.0.0"),
            grpcPort: reader.port("STYLECAST_GRPC_PORT", default: spec.defaultGRPCPort),
            metricsHost: reader.string("STYLECAST_METRICS_HOST", default: "0.0.0.0"),
            metricsPort: reader.port("STYLECAST_METRICS_PORT", default: spec.defaultMetricsPort),
            redis: redis ?? RedisURL(host: "127.0.0.1"),
            cacheRedis: reader.raw("STYLECAST_CACHE_REDIS_URL") == nil
                ? nil
                : reader.parsed(
                    "STYLECAST_CACHE_REDIS_URL", default: "",
                    redact: environment["STYLECAST_CACHE_REDIS_URL"]?.contains("@") ?? false
                ) { try RedisURL(parsing: $0) },
            redisPoolSize: reader.integer("STYLECAST_REDIS_POOL_SIZE", default: 4, range: 1...64),
            redisPoolWait: reader.milliseconds("STYLECAST_REDIS_POOL_WAIT_MS", default: 1000, range: 1...60_000),
            redisTimeout: reader.milliseconds("STYLECAST_REDIS_TIMEOUT_MS", default: 2000, range: 10...60_000),
            redisClusterRetry: reader.milliseconds("STYLECAST_REDIS_CLUSTER_RETRY_MS", default: 2000, range: 0...60_000),
            healthCheckInterval: reader.milliseconds("STYLECAST_HEALTH_INTERVAL_MS", default: 1000, range: 50...60_000),
            shutdownGracePeriod: reader.milliseconds("STYLECAST_SHUTDOWN_GRACE_MS", default: 8000, range: 0...600_000),
            logLevel: Logger.Level(
                rawValue: reader.choice(
                    "STYLECAST_LOG_LEVEL", default: "info", allowed: Logger.Level.allCases.map(\.rawValue)))!,
            logFormat: reader.choice("STYLECAST_LOG_FORMAT", default: "json", allowed: ["json", "text"]),
            consumerName: reader.string("STYLECAST_CONSUMER_NAME", default: "\(spec.name)-\(hostname)-\(processID)"),
            queueClaimIdle: reader.milliseconds(
                "STYLECAST_QUEUE_CLAIM_IDLE_MS", default: 30_000, range: 100...86_400_000),
            queueMaxDeliveries: reader.integer("STYLECAST_QUEUE_MAX_DELIVERIES", default: 5, range: 1...1000),
            maxMessageBytes: reader.integer(
                "STYLECAST_MAX_MESSAGE_BYTES", default: 4 << 20, range: 1024...(256 << 20)),
            authToken: reader.raw("STYLECAST_AUTH_TOKEN"),
            tls: nil)
        configuration.streamPartitions =
            (try? StreamPartitions(
                count: reader.integer(StreamPartitions.environmentVariable, default: 1, range: 1...StreamPartitions.maximum)))
            ?? .single
        configuration.grpcMaxStreams = reader.integer("STYLECAST_GRPC_MAX_STREAMS", default: 128, range: 1...100_000)
        configuration.healthMaxWatchers = reader.integer("STYLECAST_HEALTH_MAX_WATCHERS", default: 100, range: 0...100_000)
        configuration.metricsIdleTimeout = reader.milliseconds(
            "STYLECAST_METRICS_IDLE_MS", default: 10_000, range: 100...3_600_000)
        if let token = configuration.authToken,
            token.count < minimumTokenLength || token.contains(where: { $0.isWhitespace || !$0.isASCII || $0.asciiValue! < 0x21 })
        {
            reader.report(
                .init(
                    variable: "STYLECAST_AUTH_TOKEN", value: "<redacted>",
                    rule: "must be at least \(minimumTokenLength) printable ASCII characters without spaces"))
        }
        switch (reader.raw("STYLECAST_TLS_CERT"), reader.raw("STYLECAST_TLS_KEY")) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            for (variable, path) in [("STYLECAST_TLS_CERT", certificate), ("STYLECAST_TLS_KEY", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                reader.report(.init(variable: variable, value: path, rule: "must be a readable PEM file"))
            }
            configuration.tls = (certificate, key)
        case (nil, _):
            reader.report(.init(variable: "STYLECAST_TLS_CERT", value: "", rule: "must be set when STYLECAST_TLS_KEY is"))
        case (_, nil):
            reader.report(.init(variable: "STYLECAST_TLS_KEY", value: "", rule: "must be set when STYLECAST_TLS_CERT is"))
        }
        if configuration.grpcPort == configuration.metricsPort, configuration.grpcHost == configuration.metricsHost {
            reader.report(
                .init(
                    variable: "STYLECAST_METRICS_PORT", value: "\(configuration.metricsPort)",
                    rule: "must differ from STYLECAST_GRPC_PORT"))
        }
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
