import Logging
import Prometheus
import StylecastRedis

/// What a service's builder receives: its configuration and the shared resources the kit
/// has set up. The builder returns the service's RPC handlers and background work.
public struct ServiceContext: Sendable {
    /// The service's identity and default ports.
    public var spec: ServiceSpec
    /// Validated configuration.
    public var configuration: ServiceConfiguration
    /// The service's logger.
    public var logger: Logger
    /// The Redis pool (may not be reachable yet: health says so).
    public var redis: RedisClient
    /// The Redis for disposable caches (`STYLECAST_CACHE_REDIS_URL`), or ``redis`` itself.
    public var cacheRedis: RedisClient
    /// Conditions, such as a loaded model, that must hold before the service is SERVING.
    public var readiness: ReadinessConditions
    /// Prometheus metrics of this process.
    public var metrics: PrometheusCollectorRegistry
    /// The process environment, for the service's own settings (read them with
    /// ``EnvironmentReader`` so that problems are reported like the shared ones).
    public var environment: [String: String]
}
