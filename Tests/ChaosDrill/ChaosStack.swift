import Foundation
import StylecastClient
import StylecastRedis
import StylecastTestSupport
import Synchronization

/// One service of the drill: its executable and fixed ports (kept across restarts, so clients
/// find it again where it was).
struct ServiceDefinition: Sendable {
    var name: String
    var grpcPort: Int
    var metricsPort: Int

    var endpoint: Endpoint { Endpoint(host: "127.0.0.1", port: grpcPort) }
}

/// The real processes of a drill: `redis-server` with append-only persistence in its own
/// directory and port (or, with `--cluster`, a Redis Cluster of 3 primaries and 3 replicas, each
/// append-only), and the four pipeline services, each killable and restartable.
///
/// Services run with short timeouts so that recovery is quick: Redis commands time out after
/// 500 ms, health is checked every 250 ms, and a dead consumer's entries are claimed after 1 s.
/// Every other setting is the default.
final class ChaosStack: Sendable {
    /// Where logs and the Redis directory go.
    let workDirectory: URL
    let redisDirectory: URL
    /// The single server's port, or the cluster's nodes' ports (in start order).
    let redisPorts: [Int]
    /// Whether Redis is a cluster (`--cluster`).
    let isCluster: Bool
    /// What the services and the drill's client connect to: the server, or every node as a seed.
    let redisURL: RedisURL
    /// The services, in start order.
    let services: [ServiceDefinition]
    /// The drill's own client, with a short timeout so that probes fail fast during outages.
    let redis: RedisClient
    let probe: PipelineProbe
    private let modelsDirectory: String
    private let processes = Mutex<[String: ChildProcess]>([:])
    private let server = Mutex<TestRedisServer?>(nil)
    private let clusterNodes = Mutex<TestRedisCluster?>(nil)
    /// Processes the drill killed or stopped on purpose.
    private let killed = Mutex<Set<pid_t>>([])
    /// Starts so far per service, for each process's consumer name.
    private let starts = Mutex<[String: Int]>([:])

    /// The service settings every service gets (besides its ports and Redis). Ingest stores
    /// batches of 32 records, so that a kill or a Redis stop lands between batches of a file.
    static let serviceEnvironment = [
        "STYLECAST_INGEST_BATCH": "32",
        "STYLECAST_REDIS_TIMEOUT_MS": "500",
        "STYLECAST_HEALTH_INTERVAL_MS": "250",
        "STYLECAST_QUEUE_CLAIM_IDLE_MS": "1000",
        "STYLECAST_SHUTDOWN_GRACE_MS": "5000",
        "STYLECAST_LOG_FORMAT": "text",
    ]

    init(workDirectory: URL, modelsDirectory: String, cluster: Bool) throws {
        self.workDirectory = workDirectory
        self.redisDirectory = workDirectory.appendingPathComponent("redis")
        self.modelsDirectory = modelsDirectory
        isCluster = cluster
        redisPorts = try (0..<(cluster ? 6 : 1)).map { _ in try TestRedisServer.freeLoopbackPort() }
        var url = RedisURL(host: "127.0.0.1", port: redisPorts[0])
        url.moreSeeds = redisPorts.dropFirst().map { RedisURL.Node(host: "127.0.0.1", port: $0) }
        redisURL = url
        services = try ["ingest", "text-embedding", "trend-aggregation", "recommendation"].map { name in
            ServiceDefinition(
                name: name, grpcPort: try TestRedisServer.freeLoopbackPort(), metricsPort: try TestRedisServer.freeLoopbackPort())
        }
        redis = RedisClient(
            configuration: .init(
                url: redisURL, poolSize: 2, connectTimeout: .seconds(1),
                commandTimeout: .seconds(2), reconnectBackoff: .milliseconds(50), maximumReconnectBackoff: .milliseconds(200)))
        probe = PipelineProbe(redis: redis)
    }

    // MARK: - Redis

    /// Starts `redis-server` (append-only) on the drill's port and directory and waits for `PING`,
    /// which Redis answers only once it has loaded its append-only file; with `--cluster`, starts
    /// and forms the cluster (each node in its own folder under the Redis directory), the first
    /// time only.
    func startRedis() async throws {
        if isCluster {
            let started = try await TestRedisCluster.start(
                readyTimeout: .seconds(60), ports: redisPorts, directory: redisDirectory, appendOnly: true)
            clusterNodes.withLock { $0 = started }
            return
        }
        let started = try await TestRedisServer.start(
            port: redisPorts[0], directory: redisDirectory, appendOnly: true, readyTimeout: .seconds(60))
        server.withLock { $0 = started }
    }

    /// The cluster, once started with `--cluster`.
    var cluster: TestRedisCluster? { clusterNodes.withLock { $0 } }

    /// Where Redis runs, for the log.
    var redisDescription: String {
        isCluster
            ? "a Redis Cluster of 3 primaries and 3 replicas (append-only) on ports \(redisPorts.map(String.init).joined(separator: ", "))"
            : "redis-server (append-only) on port \(redisPorts[0])"
    }

    /// Sends a signal to `redis-server`; SIGTERM and SIGKILL wait until it has exited.
    func signalRedis(_ signal: Int32) async {
        guard let current = server.withLock({ $0 }) else { return }
        await current.send(signal: signal)
        if signal == SIGTERM || signal == SIGKILL {
            current.stop()  // closes its watchdog; the process is gone already
            server.withLock { $0 = nil }
        }
    }

    // MARK: - Services

    func definition(_ name: String) -> ServiceDefinition {
        services.first { $0.name == name }!
    }

    func process(_ name: String) -> ChildProcess? {
        processes.withLock { $0[name] }
    }

    /// The consumer name of the service's current process in its consumer groups.
    func consumerName(_ name: String) -> String {
        "\(name)-\(starts.withLock { $0[name] ?? 0 })"
    }

    /// Starts a service (its output appended to `<work>/<name>.log`), under a consumer name of
    /// its own (``consumerName(_:)``).
    func start(_ name: String) throws {
        let service = definition(name)
        let consumer = starts.withLock { starts in
            starts[name, default: 0] += 1
            return "\(name)-\(starts[name]!)"
        }
        let process = try ChildProcess(
            BuiltExecutables.path(of: name), arguments: [],
            environment: Self.serviceEnvironment.merging([
                "STYLECAST_REDIS_URL": redisURL.environmentValue,
                "STYLECAST_GRPC_HOST": "127.0.0.1", "STYLECAST_GRPC_PORT": "\(service.grpcPort)",
                "STYLECAST_METRICS_HOST": "127.0.0.1", "STYLECAST_METRICS_PORT": "\(service.metricsPort)",
                "STYLECAST_MODELS_DIR": modelsDirectory, "STYLECAST_CONSUMER_NAME": consumer,
            ]) { $1 },
            logFile: workDirectory.appendingPathComponent("\(name).log"))
        processes.withLock { $0[name] = process }
    }

    /// SIGKILLs a service and waits until it is gone.
    /// - Returns: Its exit status (137 after SIGKILL), `nil` if it would not die.
    func kill(_ name: String) async -> Int32? { await stop(name, SIGKILL, timeout: .seconds(10)) }

    /// SIGTERMs a service (a graceful stop) and waits until it is gone.
    /// - Returns: Its exit status (0 after a clean drain), `nil` if it would not stop in 20 s.
    func terminate(_ name: String) async -> Int32? { await stop(name, SIGTERM, timeout: .seconds(20)) }

    private func stop(_ name: String, _ signal: Int32, timeout: Duration) async -> Int32? {
        guard let process = process(name) else { return nil }
        killed.withLock { _ = $0.insert(process.pid) }
        process.send(signal: signal)
        return await process.waitForExit(timeout: timeout)
    }

    /// Sends SIGSTOP or SIGCONT to a service.
    func pause(_ name: String, _ paused: Bool) {
        process(name)?.send(signal: paused ? SIGSTOP : SIGCONT)
    }

    /// The health of a service's whole server: `SERVING`, `NOT_SERVING`, `UNREACHABLE`, or
    /// `EXITED` when its process is gone.
    func health(_ name: String) async -> String {
        if let process = process(name), !process.isRunning { return "EXITED" }
        do {
            return try await withStylecastConnection(to: definition(name).endpoint) { client in
                try await ServiceProbe(client: client).health(timeout: .seconds(1))
            }
        } catch {
            return "UNREACHABLE"
        }
    }

    /// Waits until a service reports `status`.
    /// - Returns: How long that took; `nil` past `timeout`, or at once when its process has
    ///   exited (``whyNotServing(_:)`` tells why).
    func waitFor(_ name: String, _ status: String, timeout: Duration) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            let current = await health(name)
            if current == status { return ContinuousClock.now - start }
            if current == "EXITED" { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// For a failure message: whether a service's process still runs or how it exited, and
    /// the end of its log.
    func whyNotServing(_ name: String) async -> String {
        guard let process = process(name) else { return "never started" }
        let state: String
        if process.isRunning {
            state = "still running, health \(await health(name))"
        } else {
            let status = await process.waitForExit(timeout: .seconds(1))
            state = "exited with status \(status.map(String.init) ?? "?")"
        }
        let tail = process.output().split(separator: "\n").suffix(8).joined(separator: "\n    ")
        return "\(state); \(process.logFile.path) ends:\n    \(tail)"
    }

    /// Waits, for every service at once, until it reports `status`.
    /// - Returns: Per service, how long it took (`nil`: not within `timeout`).
    func waitForAll(_ status: String, timeout: Duration) async -> [(name: String, took: Duration?)] {
        await withTaskGroup(of: (String, Duration?).self) { group in
            for service in services {
                group.addTask { (service.name, await self.waitFor(service.name, status, timeout: timeout)) }
            }
            var results: [String: Duration?] = [:]
            for await (name, took) in group { results[name] = took }
            return services.map { ($0.name, results[$0.name] ?? nil) }
        }
    }

    /// The services whose process has exited (none should, but for the drill's own kills).
    /// - Returns: Name and exit status of each.
    func exited() async -> [(name: String, status: Int32?)] {
        var result: [(String, Int32?)] = []
        for service in services {
            guard let process = process(service.name), !process.isRunning else { continue }
            result.append((service.name, await process.waitForExit(timeout: .seconds(1))))
        }
        return result
    }

    /// Until cancelled, reports at once every service process that exits without the drill
    /// having killed it (a crash), with its exit status and the end of its log.
    func watchForCrashes(report: DrillReport) async {
        var reported: Set<pid_t> = []
        while !Task.isCancelled {
            for process in processes.withLock({ Array($0.values) }) where !reported.contains(process.pid) {
                guard !process.isRunning, !killed.withLock({ $0.contains(process.pid) }) else { continue }
                reported.insert(process.pid)
                let status = await process.waitForExit(timeout: .seconds(1))
                let name = process.logFile.deletingPathExtension().lastPathComponent
                let tail = process.output().split(separator: "\n").suffix(5).joined(separator: "\n    ")
                report.check(
                    "\(name) (pid \(process.pid)) runs until the drill stops it", false,
                    "exited with status \(status.map(String.init) ?? "?")\(status.map { $0 > 128 ? " (signal \($0 - 128))" : "" } ?? ""); log ends:\n    \(tail)")
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// SIGTERMs every service at once and waits for each.
    /// - Returns: Per service, its exit status (`nil`: killed after 15 s).
    func stopServices() async -> [(name: String, status: Int32?)] {
        let running = processes.withLock { $0 }
        killed.withLock { $0.formUnion(running.values.map(\.pid)) }
        for process in running.values { process.send(signal: SIGTERM) }
        var statuses: [(String, Int32?)] = []
        for service in services {
            guard let process = running[service.name] else { continue }
            statuses.append((service.name, await process.waitForExit(timeout: .seconds(15))))
        }
        return statuses
    }

    /// Stops whatever still runs (SIGKILL for services) and Redis; for the end and for errors.
    func tearDown() async {
        killed.withLock { $0.formUnion(processes.withLock { $0.values.map(\.pid) }) }
        for process in processes.withLock({ Array($0.values) }) where process.isRunning {
            process.send(signal: SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(5))
        }
        await redis.shutdown()
        if let current = server.withLock({ $0 }) {
            current.stop()
            server.withLock { $0 = nil }
        }
        cluster?.stop()
    }
}
