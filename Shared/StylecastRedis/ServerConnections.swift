import Logging
import Synchronization

/// The connections of one ``RedisClient``: to a single server, or, when the server says it is a
/// Redis Cluster node, to every primary of that cluster through a ``ClusterRouter``.
///
/// Which of the two is decided on the first command: the first seed node of the URL that
/// answers is asked `INFO cluster` (or `CLUSTER INFO`, when its ACL refuses `INFO`).
/// `cluster_enabled:0` means a single server, used exactly as before: one ``ConnectionPool``,
/// no other round trip ever. A seed that cannot be reached is skipped for the next; while none
/// answers, commands fail with the connection error and the next command asks again (a seed
/// that refuses connections costs its pool's reconnect backoff; a frozen one, the reply
/// timeout).
final class ServerConnections: Sendable {
    /// What the client talks to.
    enum Mode: Sendable {
        case single(ConnectionPool)
        case cluster(ClusterRouter)
    }

    private enum Resolution {
        case unknown
        case resolving(Task<Result<Mode, RedisError>, Never>)
        case resolved(Mode)
        case closed
    }

    private struct State {
        var resolution = Resolution.unknown
        /// One pool per seed node, made on first use and kept across attempts.
        var seedPools: [ConnectionPool?]
    }

    private let configuration: RedisClient.Configuration
    private let logger: Logger
    private let state: Mutex<State>

    /// Prepares the connections; nothing connects until the first command.
    init(configuration: RedisClient.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(State(seedPools: Array(repeating: nil, count: configuration.url.seeds.count)))
    }

    /// The single server's pool or the cluster's router, deciding which on first use.
    /// - Throws: The connection error of the seed (of each seed, when several are given), or
    ///   ``RedisError/misconfigured(_:)`` for seeds that are not all cluster nodes or a database
    ///   other than 0 on a cluster.
    func mode() async throws(RedisError) -> Mode {
        enum Next {
            case ready(Mode)
            case wait(Task<Result<Mode, RedisError>, Never>)
        }
        let next: Next = try state.withLock { state throws(RedisError) in
            switch state.resolution {
            case .resolved(let mode): return .ready(mode)
            case .resolving(let task): return .wait(task)
            case .closed: throw .clientShutDown
            case .unknown:
                let task = Task { await self.resolve() }
                state.resolution = .resolving(task)
                return .wait(task)
            }
        }
        switch next {
        case .ready(let mode):
            return mode
        case .wait(let task):
            let result = await task.value
            state.withLock { state in
                // Only this attempt's outcome: a later one may have started since.
                guard case .resolving(let current) = state.resolution, current == task else { return }
                if case .success(let mode) = result {
                    state.resolution = .resolved(mode)
                } else {
                    state.resolution = .unknown
                }
            }
            return try result.get()
        }
    }

    private func resolve() async -> Result<Mode, RedisError> {
        let seeds = configuration.url.seeds
        var failures: [RedisError] = []
        for (index, seed) in seeds.enumerated() {
            do {
                let pool = try seedPool(index)
                guard try await Self.isClusterNode(pool) else {
                    guard seeds.count == 1 else {
                        return .failure(.misconfigured(
                            "seed node \(seed) is not a Redis Cluster node (INFO cluster: cluster_enabled:0), "
                                + "but the URL lists \(seeds.count) seed nodes; list the nodes of one cluster, or one server"))
                    }
                    return .success(.single(pool))
                }
                guard configuration.url.database == 0 else { return .failure(databaseOnCluster(seed)) }
                let router = try await ClusterRouter(configuration: configuration, seed: (seed, pool), logger: logger)
                await shutDownSeedPools(except: index)
                return .success(.cluster(router))
            } catch {
                // The connection's SELECT was refused by a cluster node.
                if case .connectionFailed(let reason) = error, reason.contains("not allowed in cluster mode") {
                    return .failure(databaseOnCluster(seed))
                }
                guard error.isUnavailable else { return .failure(error) }
                failures.append(error)
            }
        }
        if seeds.count == 1, let only = failures.first { return .failure(only) }
        return .failure(.connectionFailed(
            "no seed node answered: " + zip(seeds, failures).map { "\($0): \($1)" }.joined(separator: "; ")))
    }

    /// Whether the server behind `pool` is a Redis Cluster node: `INFO cluster` says
    /// `cluster_enabled:1`. A user whose ACL refuses `INFO` (category `@dangerous`) is asked
    /// `CLUSTER INFO` instead, which a server without cluster support refuses with "cluster
    /// support disabled"; a server that refuses both is taken for a single server.
    private static func isClusterNode(_ pool: ConnectionPool) async throws(RedisError) -> Bool {
        let info = try await pool.withConnection { connection throws(RedisError) in
            try connection.command(["INFO", "cluster"])
        }
        if let text = info.string { return text.contains("cluster_enabled:1") }
        let clusterInfo = try await pool.withConnection { connection throws(RedisError) in
            try connection.command(["CLUSTER", "INFO"])
        }
        return clusterInfo.string?.contains("cluster_state:") == true
    }

    /// The error for a URL that names a database other than 0 on a cluster node.
    private func databaseOnCluster(_ seed: RedisURL.Node) -> RedisError {
        .misconfigured(
            "\(seed) is a Redis Cluster node, and a cluster has only database 0; the URL names database "
                + "\(configuration.url.database)")
    }

    private func seedPool(_ index: Int) throws(RedisError) -> ConnectionPool {
        try state.withLock { state throws(RedisError) in
            if case .closed = state.resolution { throw .clientShutDown }
            if let pool = state.seedPools[index] { return pool }
            var settings = configuration
            settings.url = configuration.url.pointing(to: configuration.url.seeds[index])
            let pool = ConnectionPool(configuration: settings, logger: logger)
            state.seedPools[index] = pool
            return pool
        }
    }

    /// Hands the pool of seed `kept` to the router (which shuts it down) and closes the others.
    private func shutDownSeedPools(except kept: Int) async {
        let others = state.withLock { state in
            defer { state.seedPools = state.seedPools.map { _ in nil } }
            return state.seedPools.enumerated().compactMap { $0.offset == kept ? nil : $0.element }
        }
        for pool in others { await pool.shutdown() }
    }

    /// Closes every connection; later commands fail with ``RedisError/clientShutDown``.
    func shutdown() async {
        let (resolution, pools) = state.withLock { state in
            defer { (state.resolution, state.seedPools) = (.closed, state.seedPools.map { _ in nil }) }
            return (state.resolution, state.seedPools.compactMap { $0 })
        }
        if case .resolving(let task) = resolution, case .success(.cluster(let router)) = await task.value {
            await router.shutdown()
        }
        if case .resolved(.cluster(let router)) = resolution { await router.shutdown() }
        for pool in pools { await pool.shutdown() }
    }
}
