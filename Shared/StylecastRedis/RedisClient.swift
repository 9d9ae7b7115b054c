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
/// command and the client recovers by itself when Redis returns. Commands are never retried
/// automatically: after a lost connection, whether the command ran is unknown.
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

        /// Creates a configuration.
        /// - Parameters:
        ///   - url: Where Redis is and how to log in.
        ///   - poolSize: Connections and threads (default 4).
        ///   - connectTimeout: TCP connect limit (default 1 s).
        ///   - commandTimeout: Reply limit per command (default 5 s).
        ///   - reconnectBackoff: First wait after a failed reconnect (default 100 ms).
        ///   - maximumReconnectBackoff: Cap on the wait (default 2 s).
        ///   - poolWaitTimeout: Longest wait for a free connection (default 1 s).
        public init(
            url: RedisURL, poolSize: Int = 4, connectTimeout: Duration = .seconds(1),
            commandTimeout: Duration = .seconds(5), reconnectBackoff: Duration = .milliseconds(100),
            maximumReconnectBackoff: Duration = .seconds(2), poolWaitTimeout: Duration = .seconds(1)
        ) {
            self.url = url
            self.poolSize = poolSize
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
            self.reconnectBackoff = reconnectBackoff
            self.maximumReconnectBackoff = maximumReconnectBackoff
            self.poolWaitTimeout = poolWaitTimeout
        }
    }

    /// The configuration the client was made with.
    public let configuration: Configuration
    private let pool: ConnectionPool
    private let logger: Logger

    /// Creates a client. No connection is made until the first command.
    /// - Parameters:
    ///   - configuration: Where Redis is and how the pool behaves.
    ///   - logger: Receives connection-lost, connect-failure and restored events.
    public init(configuration: Configuration, logger: Logger = Logger(label: "stylecast.redis")) {
        self.configuration = configuration
        self.logger = logger
        self.pool = ConnectionPool(configuration: configuration, logger: logger)
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
        let reply = try await pool.withConnection { connection throws(RedisError) in
            try connection.command(arguments, timeout: timeout)
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
    ///
    /// Not atomic by itself (other clients' commands may run in between); wrap the commands in
    /// `MULTI` ... `EXEC` for that.
    /// - Parameters:
    ///   - commands: The commands, each an argument list.
    ///   - timeout: Reply limit, or `nil` for ``Configuration/commandTimeout``.
    /// - Returns: One reply per command, in order; error replies are ``RedisValue/error(_:)``
    ///   values so that one failing command does not hide the others' results.
    /// - Throws: A connection error (then which commands ran is unknown).
    public func pipeline(_ commands: [[RedisArgument]], timeout: Duration? = nil) async throws(RedisError) -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard !commands.contains(where: \.isEmpty) else { throw .invalidArgument("empty command in pipeline") }
        return try await pool.withConnection { connection throws(RedisError) in
            try connection.pipeline(commands, timeout: timeout)
        }
    }

    /// Sends `PING`.
    /// - Throws: A connection error when Redis cannot be reached, or an error reply.
    public func ping() async throws(RedisError) {
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
    ///   - keys: The keys it touches (`KEYS`); on Redis Cluster they must share one hash slot.
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
        await pool.shutdown()
    }
}
