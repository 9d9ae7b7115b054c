import Logging
import NIOPosix
import Synchronization

/// Follows Redis's client-side caching invalidations for the keys under some prefixes, so a
/// process can keep copies of those keys in memory and drop each copy when the key changes.
///
/// One dedicated connection turns tracking on in broadcast mode, redirected to itself
/// (`CLIENT TRACKING ON REDIRECT <own id> BCAST PREFIX ...`), then subscribes to
/// `__redis__:invalidate`. From then on Redis pushes the name of every key under the prefixes
/// that is written, deleted, expired or evicted, by any client. The listener pings when the
/// connection has been quiet for a quarter of `liveness`; a reply missing for `liveness`, a
/// closed connection or any error ends the subscription (``Event/lost(_:)``), and it
/// reconnects with the client's backoff. Events are delivered in order on the listener's own
/// thread.
public final class RedisInvalidationListener: Sendable {
    /// What the listener reports.
    public enum Event: Sendable, Equatable {
        /// Subscribed: every later change of a key under the prefixes will be reported. Copies
        /// made before this event may have missed changes.
        case subscribed
        /// These keys changed (written, deleted, expired or evicted).
        case invalidated([String])
        /// Redis flushed a database: any key may have changed.
        case flushedAll
        /// The subscription ended (the reason says why): changes are no longer reported until
        /// the next ``subscribed``.
        case lost(String)
    }

    private let configuration: RedisClient.Configuration
    private let prefixes: [String]
    private let liveness: Duration
    private let logger: Logger

    /// Creates a listener; nothing connects until ``run(_:)``.
    /// - Parameters:
    ///   - configuration: Where Redis is, connect timeout and reconnect backoff.
    ///   - prefixes: Key prefixes to follow (at least one; Redis matches them as plain prefixes).
    ///   - liveness: How long Redis may stay silent after a ping before the subscription counts
    ///     as lost (default 1 s).
    ///   - logger: Receives subscription lost and restored.
    public init(
        configuration: RedisClient.Configuration, prefixes: [String], liveness: Duration = .seconds(1),
        logger: Logger = Logger(label: "stylecast.redis.invalidation")
    ) {
        self.configuration = configuration
        self.prefixes = prefixes
        self.liveness = liveness
        self.logger = logger
    }

    /// Follows invalidations until the calling task is cancelled (within a quarter of
    /// `liveness`), reconnecting after every failure.
    /// - Parameter handle: Called with each event, in order, on the listener's thread; it must
    ///   return quickly.
    public func run(_ handle: @escaping @Sendable (Event) -> Void) async {
        let stop = StopFlag()
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        await withTaskCancellationHandler {
            _ = try? await thread.runIfActive { [self] in follow(until: stop, handle) }
        } onCancel: {
            stop.raise()
        }
        try? await thread.shutdownGracefully()
    }

    /// The blocking loop: subscribe, read, reconnect after a backoff.
    private func follow(until stop: StopFlag, _ handle: (Event) -> Void) {
        var backoff = configuration.reconnectBackoff
        var subscribed = false
        var failureReported = false
        while !stop.isRaised {
            do {
                let connection = try RedisConnection(
                    url: configuration.url, connectTimeout: configuration.connectTimeout, commandTimeout: liveness)
                try subscribe(connection)
                subscribed = true
                failureReported = false
                backoff = configuration.reconnectBackoff
                logger.info("following cache invalidations", metadata: ["prefixes": "\(prefixes)"])
                handle(.subscribed)
                try read(connection, until: stop, handle)
            } catch {
                if subscribed || !failureReported {
                    logger.warning(
                        subscribed ? "cache invalidations lost" : "cannot follow cache invalidations",
                        metadata: ["reason": "\(error)"])
                    failureReported = true
                }
                subscribed = false
                handle(.lost("\(error)"))
                var waited = Duration.zero
                while waited < backoff && !stop.isRaised {
                    let step = min(backoff - waited, liveness / 4)
                    Self.sleep(step)
                    waited += step
                }
                backoff = min(backoff * 2, configuration.maximumReconnectBackoff)
            }
        }
    }

    private func subscribe(_ connection: RedisConnection) throws(RedisError) {
        guard let id = try connection.command(["CLIENT", "ID"]).integer else {
            throw .protocolError("CLIENT ID did not answer an integer")
        }
        var tracking: [RedisArgument] = ["CLIENT", "TRACKING", "ON", "REDIRECT", RedisArgument(id), "BCAST"]
        for prefix in prefixes { tracking += ["PREFIX", RedisArgument(prefix)] }
        if let message = try connection.command(tracking).errorMessage { throw .server(message) }
        let subscription = try connection.command(["SUBSCRIBE", "__redis__:invalidate"])
        guard subscription.array?.first?.string == "subscribe" else {
            throw .protocolError("SUBSCRIBE __redis__:invalidate answered \(subscription)")
        }
    }

    /// Reads pushed messages until stopped; throws when the connection fails or goes silent.
    private func read(_ connection: RedisConnection, until stop: StopFlag, _ handle: (Event) -> Void) throws(RedisError) {
        var pingSent: ContinuousClock.Instant?
        while !stop.isRaised {
            let messages = try connection.nextMessages(within: liveness / 4)
            if messages.isEmpty {
                if let pingSent {
                    guard ContinuousClock.now - pingSent < liveness else {
                        throw .timeout("no reply to PING within \(liveness)")
                    }
                } else {
                    try connection.write(["PING"])
                    pingSent = .now
                }
                continue
            }
            for message in messages {
                guard let parts = message.array, let kind = parts.first?.string else { continue }
                switch kind {
                case "pong":
                    pingSent = nil
                case "message" where parts.count == 3:
                    if let keys = parts[2].array {
                        handle(.invalidated(keys.compactMap(\.string)))
                    } else if parts[2].isNull {
                        handle(.flushedAll)
                    }
                default:
                    continue
                }
            }
        }
    }

    private static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        nanosleep(&request, nil)
    }
}

/// Set once by cancellation, read by the listener's thread.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isRaised: Bool { flag.load(ordering: .acquiring) }
    func raise() { flag.store(true, ordering: .releasing) }
}
