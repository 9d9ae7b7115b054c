import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTensor

/// What a service contributes to its process: RPC handlers and background work (queue
/// consumers, model loaders). Health, reflection, metrics and shutdown come from the kit.
public struct ServiceParts: Sendable {
    /// The service's gRPC handlers.
    public var rpcServices: [any RegistrableRPCService]
    /// Long-running work started with the server and drained on SIGTERM.
    public var backgroundServices: [any Service]
    /// Where the RPC handlers run (``HandlerPlacement``).
    public var handlerPlacement: HandlerPlacement

    /// Creates the parts.
    /// - Parameters:
    ///   - rpcServices: The service's gRPC handlers.
    ///   - backgroundServices: Long-running work (workers, loaders).
    ///   - handlerPlacement: Where the handlers run; `.concurrencyPool` unless every handler is
    ///     short or moves its heavy work off the event loops.
    public init(
        rpcServices: [any RegistrableRPCService], backgroundServices: [any Service] = [],
        handlerPlacement: HandlerPlacement = .concurrencyPool
    ) {
        self.rpcServices = rpcServices
        self.backgroundServices = backgroundServices
        self.handlerPlacement = handlerPlacement
    }
}

/// Which threads run a service's RPC handlers.
public enum HandlerPlacement: Sendable {
    /// Swift concurrency's global pool (the default): safe for handlers that compute for long.
    case concurrencyPool
    /// The gRPC transport's event loops (``EventLoopTaskExecutor``): a request is handled on the
    /// thread that read it, which saves two thread hops per call (about a fifth of the CPU of
    /// a cache-hit `Recommend`, docs/benchmarks.md). Handlers must move long work off the loops
    /// with ``runOffEventLoop(_:)``.
    case eventLoops
}

/// The entry point every service executable calls: configuration, logging, Redis, health,
/// reflection, metrics, the gRPC server and graceful shutdown, in one place.
///
/// Exit codes: 0 after a graceful shutdown (SIGTERM or SIGINT), 1 when the service fails at
/// run time (for example its port is taken), 2 when the configuration is invalid.
public enum ServiceMain {
    /// Runs a service until SIGTERM or SIGINT and exits the process.
    /// - Parameters:
    ///   - spec: The service's identity and default ports.
    ///   - build: Makes the service's parts from the context the kit prepared.
    public static func run(
        spec: ServiceSpec,
        build: @escaping @Sendable (ServiceContext) async throws -> ServiceParts
    ) async -> Never {
        let environment = ProcessInfo.processInfo.environment
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.read(
                spec: spec, environment: environment,
                hostname: ProcessInfo.processInfo.hostName,
                processID: ProcessInfo.processInfo.processIdentifier)
        } catch {
            FileHandle.standardError.write(Data("\(spec.name): \(error)\n".utf8))
            exit(2)
        }
        let format = LineLogHandler.Format(rawValue: configuration.logFormat) ?? .json
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: configuration.logLevel, format: format)
        }
        let logger = Logger(label: spec.name)
        do {
            try await runUntilShutdown(
                spec: spec, configuration: configuration, environment: environment, logger: logger, build: build)
            logger.info("stopped")
            exit(0)
        } catch let error as ConfigurationError {
            // A service's own settings are checked by its builder: same report, same exit code.
            FileHandle.standardError.write(Data("\(spec.name): \(error)\n".utf8))
            exit(2)
        } catch {
            logger.critical("failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Runs a configured service until graceful shutdown completes.
    ///
    /// Used by ``run(spec:build:)``; tests may call it in-process.
    public static func runUntilShutdown(
        spec: ServiceSpec,
        configuration: ServiceConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger,
        build: @escaping @Sendable (ServiceContext) async throws -> ServiceParts
    ) async throws {
        BLASRuntime.useSingleThread()
        logger.info(
            "starting",
            metadata: [
                "grpc_port": "\(configuration.grpcPort)", "metrics_port": "\(configuration.metricsPort)",
                "redis": "\(configuration.redis)", "cache_redis": "\(configuration.cacheRedis.map { "\($0)" } ?? "the main Redis")",
                "blas_kernel": "\(BLASRuntime.kernelName)",
                "consumer": "\(configuration.consumerName)",
                "tls": "\(configuration.tls == nil ? "off" : "on")",
                "authentication": "\(configuration.authToken == nil ? "off" : "bearer token")",
            ])

        let registry = PrometheusCollectorRegistry()
        func redisClient(_ url: RedisURL) -> RedisClient {
            RedisClient(
                configuration: .init(
                    url: url, poolSize: configuration.redisPoolSize, connectTimeout: configuration.redisTimeout,
                    commandTimeout: configuration.redisTimeout, poolWaitTimeout: configuration.redisPoolWait,
                    clusterRetryWindow: configuration.redisClusterRetry),
                logger: logger)
        }
        let redis = redisClient(configuration.redis)
        // Caches may live in their own Redis (maxmemory with LRU eviction), so that what callers
        // send can never fill the Redis that holds the work and the data.
        let cacheRedis = configuration.cacheRedis.map(redisClient)
        let readiness = ReadinessConditions()
        let context = ServiceContext(
            spec: spec, configuration: configuration, logger: logger, redis: redis, cacheRedis: cacheRedis ?? redis,
            readiness: readiness, metrics: registry, environment: environment)
        let redisClients = RedisClientLifetime(clients: [redis] + (cacheRedis.map { [$0] } ?? []))
        let parts: ServiceParts
        do {
            parts = try await build(context)
        } catch {
            // No group runs yet to close them.
            await redisClients.close()
            throw error
        }

        let health = HealthState(services: spec.grpcServiceNames, maxWatchers: configuration.healthMaxWatchers)
        let index = try DescriptorIndex(base64: stylecastFileDescriptorSetBase64)
        let reflectedNames =
            spec.grpcServiceNames + ["grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"]
        let transportSecurity: HTTP2ServerTransport.Posix.TransportSecurity =
            configuration.tls.map { files in
                .tls(
                    certificateChain: [.file(path: files.certificateChain, format: .pem)],
                    privateKey: .file(path: files.privateKey, format: .pem))
            } ?? .plaintext
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: configuration.grpcHost, port: configuration.grpcPort),
            transportSecurity: transportSecurity,
            config: .defaults {
                $0.rpc.maxRequestPayloadSize = configuration.maxMessageBytes
                // Advertised in SETTINGS_MAX_CONCURRENT_STREAMS: a client opens no more per connection.
                $0.http2.maxConcurrentStreams = configuration.grpcMaxStreams
            })
        let server = GRPCServer(
            transport: transport,
            services: parts.rpcServices + [
                HealthService(state: health),
                ReflectionService(index: index, serviceNames: reflectedNames),
            ],
            // Metrics outermost (they see every final code, UNAUTHENTICATED included), then the
            // token check, then the error table for what the handlers throw.
            interceptors: [RPCMetricsInterceptor(registry: registry)]
                + (configuration.authToken.map { [BearerTokenInterceptor(token: $0)] } ?? [])
                + [ErrorMappingInterceptor(logger: logger)])

        let monitor = ReadinessMonitor(
            redis: redis, conditions: readiness, health: health,
            interval: configuration.healthCheckInterval, logger: logger)
        let metricsServer = MetricsServer(
            host: configuration.metricsHost, port: configuration.metricsPort, registry: registry,
            logger: logger, idleTimeout: configuration.metricsIdleTimeout)
        // Shutdown runs in reverse order: the gRPC server drains first, then background work
        // finishes its current entries, then health and metrics stop, and the Redis clients close.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: redisClients),
                .init(service: metricsServer),
                .init(service: monitor),
            ] + parts.backgroundServices.map { .init(service: $0) } + [
                .init(
                    service: GRPCServerService(
                        server: server, health: health, handlerPlacement: parts.handlerPlacement, logger: logger))
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}

/// The service's Redis clients as a member of its `ServiceGroup`: open while the group runs,
/// closed when it stops (gracefully, last, being the first member; or cancelled, when another
/// member failed).
struct RedisClientLifetime: Service {
    let clients: [RedisClient]

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation: either way the clients close.
        try? await gracefulShutdown()
        await close()
    }

    /// Closes every client (their pools' connections and threads).
    func close() async {
        for client in clients { await client.shutdown() }
    }
}
