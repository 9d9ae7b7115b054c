import Logging

/// A pooled Redis client, safe to share across tasks.
///
/// hiredis is blocking, so commands never run on Swift's cooperative thread pool: each runs on
/// one of ``Configuration/poolSize`` dedicated threads with one of as many connections. At most
/// that many commands are in flight; more wait for a free connection, first come first served,
/// for at most ``Configuration/poolWaitTimeout`` (then ``RedisError/poolExhausted(size:waitedMilliseconds:)``,
/// UNAVAILABLE). A command that blocks by design (`XREADGROUP ... BLOCK`) belongs on a
/// ``dedicatedClient()``, not on the shared pool.
///
/// When Redis goes away, the command on a broken connection fails with
/// ``RedisError/connectionLost(_:)``; the next command reconnects, and while reconnecting
/// fails, commands fail at once with ``RedisError/connectionFailed(_:)`` for an exponentially
/// growing backoff (``Configuration/reconnectBackoff`` doubling up to
/// ``Configuration/maximumReconnectBackoff``). So a health check notices an outage within one
/// command and the client recovers by itself when Redis returns. A command that may have run is
/// never sent again: after a lost connection, whether it ran is unknown. (On a cluster, only a
/// command the node says it did not run, or could not be sent, is sent again: see below.)
///
/// The URL may name a Redis Cluster instead (any of its nodes, or several as seeds): the client
/// then sends each command to the primary serving its key's hash slot and follows the cluster's
/// redirects and failovers (``Configuration/clusterRetryWindow``; the router's notes in
/// docs/operations.md, "Redis Cluster"). Which one it is, the first command finds out.
///
/// Call ``shutdown()`` when done.
public final class RedisClient: Sendable {
    /// How to reach Redis and how the pool behaves.
    public struct Configuration: Sendable {
        /// Where Redis is and how to log in.
        public var url: RedisURL
        /// Number of connections and of threads running commands (at least 1).
        public var poolSize: Int
        /// Limit for opening one TCP connection.
        public var connectTimeout: Duration
        /// Limit for sending one command (or pipeline) and reading its reply; blocking commands
        /// pass a longer one to ``RedisClient/send(_:timeout:)``.
        public var commandTimeout: Duration
        /// Wait after the first failed reconnect before trying again.
        public var reconnectBackoff: Duration
        /// Longest wait between reconnect attempts; the wait doubles up to this.
        public var maximumReconnectBackoff: Duration
        /// Longest wait for a free connection when all are busy.
        public var poolWaitTimeout: Duration
        /// On Redis Cluster, how long one call keeps resending a command the cluster cannot serve
        /// yet (`TRYAGAIN`, `CLUSTERDOWN`, a primary that cannot be reached while its replica
        /// takes over) before it fails; redirects to a known node (`MOVED`, `ASK`) do not wait.
        public var clusterRetryWindow: Duration

        /// Creates a configuration.
        /// - Parameters:
        ///   - url: Where Redis is and how to log in.
        ///   - poolSize: Connections and threads (default 4).
        ///   - connectTimeout: TCP connect limit (default 1 s).
        ///   - commandTimeout: Reply limit per command (default 5 s).
        ///   - reconnectBackoff: First wait after a failed reconnect (default 100 ms).
        ///   - maximumReconnectBackoff: Cap on the wait (default 2 s).
        ///   - poolWaitTimeout: Longest wait for a free connection (default 1 s).
        ///   - clusterRetryWindow: How long a call waits out a cluster that cannot serve it (default 2 s).
        public init(
            url: RedisURL, poolSize: Int = 4, connectTimeout: Duration = .seconds(1),
            commandTimeout: Duration = .seconds(5), reconnectBackoff: Duration = .milliseconds(100),
            maximumReconnectBackoff: Duration = .seconds(2), poolWaitTimeout: Duration = .seconds(1),
            clusterRetryWindow: Duration = .seconds(2)
        ) {
            self.url = url
            self.poolSize = poolSize
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
            self.reconnectBackoff = reconnectBackoff
            self.maximumReconnectBackoff = maximumReconnectBackoff
            self.poolWaitTimeout = poolWaitTimeout
            self.clusterRetryWindow = clusterRetryWindow
        }
    }

    /// The configuration the client was made with.
    public let configuration: Configuration
    private let servers: ServerConnections
    private let logger: Logger

    /// Creates a client. No connection is made until the first command.
    /// - Parameters:
    ///   - configuration: Where Redis is and how the pool behaves.
    ///   - logger: Receives connection-lost, connect-failure and restored events.
    public init(configuration: Configuration, logger: Logger = Logger(label: "stylecast.redis")) {
        self.configuration = configuration
        self.logger = logger
        self.servers = ServerConnections(configuration: configuration, logger: logger)
    }

    /// A new client with this one's settings and one connection (and thread) of its own, for a
    /// caller that blocks on Redis by design (a consumer's `XREADGROUP ... BLOCK`), so that
    /// waiting for work never takes a connection from the calls the service answers. Call
    /// ``shutdown()`` on it when done.
    public func dedicatedClient() -> RedisClient {
        var configuration = configuration
        configuration.poolSize = 1
        return RedisClient(configuration: configuration, logger: logger)
    }

    /// Creates a client with default timeouts and backoff.
    /// - Parameters:
    ///   - url: Where Redis is and how to log in.
    ///   - poolSize: Connections and threads (default 4).
    public convenience init(url: RedisURL, poolSize: Int = 4) {
        self.init(configuration: Configuration(url: url, poolSize: poolSize))
    }

    /// Sends one command and returns its reply.
    /// - Parameters:
    ///   - arguments: The command name and its arguments, e.g. `["SET", key, value]`.
    ///   - timeout: Reply limit for this command, or `nil` for ``Configuration/commandTimeout``;
    ///     give blocking commands (`XREADGROUP ... BLOCK`, `BLPOP`) their block time plus margin.
    /// - Returns: The reply; never ``RedisValue/error(_:)``.
    /// - Throws: ``RedisError/server(_:)`` for an error reply, or a connection error.
    @discardableResult
    public func send(_ arguments: [RedisArgument], timeout: Duration? = nil) async throws(RedisError) -> RedisValue {
        guard !arguments.isEmpty else { throw .invalidArgument("empty command") }
        let reply: RedisValue
        switch try await servers.mode() {
        case .single(let pool):
            reply = try await pool.withConnection { connection throws(RedisError) in
                try connection.command(arguments, timeout: timeout)
            }
        case .cluster(let router):
            reply = try await router.send(arguments, timeout: timeout)
        }
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Sends one command given as separate arguments, e.g. `send("INCR", "hits:{home}")`.
    /// - Parameters:
    ///   - command: The command name.
    ///   - arguments: Its arguments.
    /// - Returns: The reply; never ``RedisValue/error(_:)``.
    /// - Throws: ``RedisError/server(_:)`` for an error reply, or a connection error.
    @discardableResult
    public func send(_ command: RedisArgument, _ arguments: RedisArgument...) async throws(RedisError) -> RedisValue {
        try await send([command] + arguments)
    }

    /// Sends several commands in one round trip on one connection and returns their replies.
    /// On Redis Cluster, one round trip per primary that serves their keys, concurrently.
    ///
    /// Not atomic (other clients' commands may run in between); use a script for that.
    /// - Parameters:
    ///   - commands: The commands, each an argument list.
    ///   - timeout: Reply limit, or `nil` for ``Configuration/commandTimeout``.
    /// - Returns: One reply per command, in order; error replies are ``RedisValue/error(_:)``
    ///   values so that one failing command does not hide the others' results.
    /// - Throws: A connection error (then which commands ran is unknown).
    public func pipeline(_ commands: [[RedisArgument]], timeout: Duration? = nil) async throws(RedisError) -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard !commands.contains(where: \.isEmpty) else { throw .invalidArgument("empty command in pipeline") }
        switch try await servers.mode() {
        case .single(let pool):
            return try await pool.withConnection { connection throws(RedisError) in
                try connection.pipeline(commands, timeout: timeout)
            }
        case .cluster(let router):
            return try await router.pipeline(commands, timeout: timeout)
        }
    }

    /// The servers that hold data: the URL's server, or on Redis Cluster every primary that
    /// serves slots now, each with the URL's credentials. For what must reach every node, such
    /// as following invalidations or counting keys.
    /// - Parameter refreshing: On a cluster, read the slot map again in the background (as after
    ///   a lost node), so that a later call sees a failover sooner; else only when it is stale.
    /// - Throws: A connection error when no server answers.
    public func dataNodes(refreshing: Bool = false) async throws(RedisError) -> [RedisURL] {
        switch try await servers.mode() {
        case .single: return [configuration.url.pointing(to: configuration.url.seeds[0])]
        case .cluster(let router):
            if refreshing { router.refreshInBackground() } else { router.refreshIfStale() }
            return router.primaries.map { configuration.url.pointing(to: $0) }
        }
    }

    /// Whether the URL names a Redis Cluster (asking on first use).
    /// - Throws: A connection error when no server answers.
    public func isCluster() async throws(RedisError) -> Bool {
        if case .cluster = try await servers.mode() { return true }
        return false
    }

    /// Sends `PING`. On Redis Cluster asks every primary of the slot map that the cluster
    /// reports online for `CLUSTER INFO` instead, and requires `cluster_state:ok`: readiness
    /// then reads "down" while a primary is gone until its replica takes over and the map says
    /// so, and while the cluster itself refuses commands.
    /// - Throws: A connection error when Redis cannot be reached, or an error reply; on a
    ///   cluster ``RedisError/server(_:)`` naming each primary that failed.
    public func ping() async throws(RedisError) {
        if case .cluster(let router) = try await servers.mode() {
            return try await router.checkEveryPrimary(timeout: nil)
        }
        let reply = try await send(["PING"])
        guard reply.string == "PONG" else {
            throw .protocolError("PING answered \(reply) instead of PONG")
        }
    }

    /// Whether Redis answers `PING` now; for health checks.
    /// - Returns: `true` when it does, `false` on any error.
    public func isReachable() async -> Bool {
        (try? await ping()) != nil
    }

    /// Runs a Lua script by its SHA-1 (`EVALSHA`), sending its source (`EVAL`) only when the
    /// server answers `NOSCRIPT`; `EVAL` also caches it for the next call.
    /// - Parameters:
    ///   - script: The script.
    ///   - keys: The keys it touches (`KEYS`); on Redis Cluster they must share one hash slot
    ///     (else ``RedisError/crossSlot(command:keys:)`` before sending).
    ///   - arguments: Its other arguments (`ARGV`).
    /// - Returns: The script's reply.
    /// - Throws: ``RedisError/server(_:)`` when the script raises an error, or a connection error.
    @discardableResult
    public func evaluate(
        _ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = []
    ) async throws(RedisError) -> RedisValue {
        let tail = [RedisArgument(keys.count)] + keys + arguments
        do {
            return try await send(["EVALSHA", RedisArgument(script.sha1)] + tail)
        } catch where error.serverErrorCode == "NOSCRIPT" {
            return try await send(["EVAL", RedisArgument(script.source)] + tail)
        }
    }

    /// Closes all connections and stops the threads. Commands waiting for a connection and
    /// later ones fail with ``RedisError/clientShutDown``; running ones finish first.
    public func shutdown() async {
        await servers.shutdown()
    }
}
