import Logging
import Synchronization

/// Follows client-side caching invalidations on every server that holds data: the one server,
/// or each primary of a Redis Cluster (one ``RedisInvalidationListener`` per primary, since a
/// node reports only changes of its own keys).
///
/// Reported as one subscription: ``RedisInvalidationListener/Event/subscribed`` once every
/// primary's link is up, ``RedisInvalidationListener/Event/lost(_:)`` as soon as any link is
/// down (copies must then be dropped: changes on that node go unreported until it is back).
/// When the cluster's primaries change (a failover, a node added), every link is remade for the
/// new set, reported as lost and then subscribed again; while a link is down the slot map is
/// read every ``topologyCheckInterval``, so a failover is followed within about a second of it. With one server it behaves exactly as
/// its ``RedisInvalidationListener``.
public final class RedisCacheInvalidations: Sendable {
    private let client: RedisClient
    private let prefixes: [String]
    private let liveness: Duration
    private let logger: Logger

    /// How often the set of primaries is compared with the one followed.
    static let topologyCheckInterval: Duration = .seconds(1)

    /// Creates the follower; nothing connects until ``run(_:)``.
    /// - Parameters:
    ///   - client: The client whose servers to follow (its configuration's timeouts and backoff apply).
    ///   - prefixes: Key prefixes to follow (at least one).
    ///   - liveness: How long a node may stay silent after a ping before its link counts as lost.
    ///   - logger: Receives links lost and restored.
    public init(
        client: RedisClient, prefixes: [String], liveness: Duration = .seconds(1),
        logger: Logger = Logger(label: "stylecast.redis.invalidation")
    ) {
        self.client = client
        self.prefixes = prefixes
        self.liveness = liveness
        self.logger = logger
    }

    /// Follows invalidations until the calling task is cancelled.
    /// - Parameter handle: Called with each event, in order, from the links' threads (one at a
    ///   time); it must return quickly.
    public func run(_ handle: @escaping @Sendable (RedisInvalidationListener.Event) -> Void) async {
        var backoff = client.configuration.reconnectBackoff
        while !Task.isCancelled {
            let nodes: [RedisURL]
            do {
                nodes = try await client.dataNodes()
                backoff = client.configuration.reconnectBackoff
            } catch {
                handle(.lost("\(error)"))
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, client.configuration.maximumReconnectBackoff)
                continue
            }
            await follow(nodes, handle)
            if !Task.isCancelled {
                logger.info("Redis primaries changed: following invalidations on the new ones")
                handle(.lost("the Redis Cluster's primaries changed"))
            }
        }
    }

    /// Follows `nodes` until the set of primaries differs from them, or cancellation.
    private func follow(_ nodes: [RedisURL], _ handle: @escaping @Sendable (RedisInvalidationListener.Event) -> Void) async {
        let links = LinkStates(count: nodes.count, handle)
        await withTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                var configuration = client.configuration
                configuration.url = node
                let listener = RedisInvalidationListener(
                    configuration: configuration, prefixes: prefixes, liveness: liveness, logger: logger)
                group.addTask { await listener.run { event in links.receive(event, from: index) } }
            }
            group.addTask { [client] in
                let followed = Set(nodes.map(\.seeds))
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.topologyCheckInterval)
                    // A link down may be a failover under way: read the map again meanwhile.
                    let now = try? await client.dataNodes(refreshing: !links.allSubscribed)
                    if let now, Set(now.map(\.seeds)) != followed { return }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}

/// Which links are subscribed; turns the per-node events into the one subscription's events.
private final class LinkStates: Sendable {
    private let subscribed: Mutex<[Bool]>
    private let handle: @Sendable (RedisInvalidationListener.Event) -> Void

    init(count: Int, _ handle: @escaping @Sendable (RedisInvalidationListener.Event) -> Void) {
        self.subscribed = Mutex(Array(repeating: false, count: count))
        self.handle = handle
    }

    /// Whether every link is subscribed now.
    var allSubscribed: Bool { subscribed.withLock { $0.allSatisfy { $0 } } }

    func receive(_ event: RedisInvalidationListener.Event, from index: Int) {
        // Under the lock, so that events reach the handler one at a time and in order.
        subscribed.withLock { links in
            switch event {
            case .subscribed:
                links[index] = true
                if links.allSatisfy({ $0 }) { handle(.subscribed) }
            case .lost:
                links[index] = false
                handle(event)
            case .invalidated, .flushedAll:
                handle(event)
            }
        }
    }
}
