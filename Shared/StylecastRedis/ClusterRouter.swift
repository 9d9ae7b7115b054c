import Logging
import Synchronization

/// Sends commands to the primaries of a Redis Cluster: each to the primary serving its key's
/// hash slot, with a ``ConnectionPool`` per primary.
///
/// The slot map (``ClusterTopology``) is read with `CLUSTER SHARDS` at start, again in the
/// background after any reply or failure that sends a command elsewhere or back (a redirect,
/// a not-ready reply, a connection failure, a slot nobody serves) or ends a call with an error,
/// and when it is older than ``refreshInterval`` (a second, for half a minute after such trouble). Replies that say "not here" or "not now" are followed within
/// the client's ``RedisClient/Configuration/clusterRetryWindow``, since the node did not run the
/// command:
/// - `MOVED <slot> <node>`: the slot lives elsewhere for good; the map is corrected and the
///   command resent there (at most ``maximumRedirects`` times).
/// - `ASK <slot> <node>`: the slot is migrating and this key already moved; the command is
///   resent there once, after `ASKING`, without changing the map. A multi-key command that the
///   target answers `TRYAGAIN` (some of its keys have not arrived) is resent there, after a
///   pause, until they have or the window runs out.
/// - `TRYAGAIN` (a multi-key command during a migration), `CLUSTERDOWN` and `MASTERDOWN` (a
///   failover under way), `UNBLOCKED` (a blocking read whose slot moved while it waited), and a
///   primary that cannot be connected to (nothing was sent): resent
///   after a growing pause, to the primary the map names by then.
/// The window starts when the call does. When it runs out, the last error reply is the
/// command's reply (a connection failure is thrown); an attempt begun inside the window may
/// still take up to the connect or reply timeout. A cancelled call stops waiting at once
/// (``RedisError/cancelled``), which ``RedisError/isUnavailable`` classifies as UNAVAILABLE. A connection lost
/// or a reply timed out mid-command is thrown at once, as on a single server: whether the
/// command ran is unknown.
final class ClusterRouter: Sendable {
    /// Most redirects (`MOVED` or `ASK`) followed for one command.
    static let maximumRedirects = 5
    /// How old the slot map may grow before a call refreshes it in the background.
    static let refreshInterval: Duration = .seconds(10)
    /// How old it may grow while the cluster is in trouble: within ``troubleWindow`` of a
    /// redirect or a failed call. A node that stops answering (frozen, partitioned) is replaced
    /// only after the cluster's node timeout, later than the refresh its first failure started;
    /// so while in trouble the calls (health checks among them) read the map every second.
    static let troubledRefreshInterval: Duration = .seconds(1)
    static let troubleWindow: Duration = .seconds(30)
    /// Reply limit for `CLUSTER SHARDS`, so that a frozen node does not hold a refresh long.
    private static let refreshTimeout: Duration = .milliseconds(500)

    private struct State {
        /// Whether the map is older than the refresh interval that applies now.
        var isStale: Bool {
            let now = ContinuousClock.now
            let troubled = troubleAt.map { now - $0 < ClusterRouter.troubleWindow } ?? false
            return now - refreshedAt > (troubled ? ClusterRouter.troubledRefreshInterval : ClusterRouter.refreshInterval)
        }

        var topology: ClusterTopology
        var pools: [RedisURL.Node: ConnectionPool]
        var refreshedAt: ContinuousClock.Instant
        /// The last redirect or failure; ``troubledRefreshInterval`` applies for a while after it.
        var troubleAt: ContinuousClock.Instant?
        var refreshing: Task<Void, Never>?
        var closed = false
    }

    /// One command on its way: where it goes next and why it is resent.
    private struct Pending: Sendable {
        var index: Int
        var command: [RedisArgument]
        var slot: Int?
        /// Set after an `ASK`: send there, after `ASKING`, regardless of the map.
        var askingNode: RedisURL.Node? = nil
        var redirects = 0
        /// The error reply that sent it back, given as its reply if the retry window runs out.
        var lastError: String? = nil
        /// Whether to pause before resending (the cluster is not ready, unlike after a redirect).
        var waits = false
    }

    private let configuration: RedisClient.Configuration
    private let logger: Logger
    private let state: Mutex<State>

    /// Reads the slot map through `seed` and starts routing.
    /// - Parameters:
    ///   - configuration: The client's configuration (its URL's credentials apply to every node).
    ///   - seed: A node that answered and its pool, kept as that node's pool.
    ///   - logger: Receives refreshes and failures.
    /// - Throws: The seed's error when `CLUSTER SHARDS` fails.
    init(
        configuration: RedisClient.Configuration, seed: (node: RedisURL.Node, pool: ConnectionPool), logger: Logger
    ) async throws(RedisError) {
        self.configuration = configuration
        self.logger = logger
        let topology = try await Self.readTopology(from: seed.pool)
        self.state = Mutex(State(topology: topology, pools: [seed.node: seed.pool], refreshedAt: .now))
        logger.info(
            "Redis Cluster slot map read",
            metadata: ["primaries": "\(topology.primaries)", "slots_served": "\(topology.coveredSlots)"])
    }

    /// The primaries that serve slots, as the map says now.
    var primaries: [RedisURL.Node] { state.withLock { $0.topology.primaries } }

    /// Sends one command to the primary of its key's slot: the common case, tried once on the
    /// node the map names without the bookkeeping of a pipeline; a reply or failure that asks
    /// for another node or for patience (nothing was run) goes through ``pipeline(_:timeout:)``.
    /// - Returns: The reply; error replies as values.
    /// - Throws: As ``pipeline(_:timeout:)``.
    func send(_ command: [RedisArgument], timeout: Duration?) async throws(RedisError) -> RedisValue {
        let deadline = ContinuousClock.now + configuration.clusterRetryWindow
        let slot = try CommandKeys.slot(of: command)
        let (node, stale) = state.withLock { state -> (RedisURL.Node?, Bool) in
            let node = slot.map { state.topology.primary(forSlot: $0) } ?? state.topology.primaries.first
            return (node, state.isStale)
        }
        if stale { refreshInBackground(troubled: false) }
        var pending = Pending(index: 0, command: command, slot: slot)
        if let node {
            do {
                let reply = try await pool(for: node).withConnection { connection throws(RedisError) in
                    try connection.command(command, timeout: timeout)
                }
                guard let next = follow(reply, of: pending, from: node) else { return reply }
                pending = next
            } catch {
                guard case .connectionFailed = error else {
                    refreshInBackground()
                    throw error
                }
                pending.waits = true
            }
            refreshInBackground()
        }
        return try await resend([pending], count: 1, timeout: timeout, deadline: deadline)[0]
    }

    /// Error replies by which a node says the key lives on another node (the first word).
    private static let redirectCodes: Set<Substring> = ["MOVED", "ASK"]
    /// Error replies by which a node says the cluster cannot serve the command yet.
    private static let notReadyCodes: Set<Substring> = ["TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "UNBLOCKED"]
    /// Every reply by which a node says it did not run a command, and where or when to resend it.
    private static let resendCodes = redirectCodes.union(notReadyCodes)

    /// Sends `commands`, each to the primary of its key's slot (keyless ones to any primary),
    /// one pipeline per primary, the primaries concurrently, and returns the replies in order.
    /// - Parameters:
    ///   - commands: The commands (none empty).
    ///   - timeout: Reply limit per pipeline, or `nil` for the configuration's.
    /// - Returns: One reply per command; error replies as values.
    /// - Throws: ``RedisError/crossSlot(command:keys:)`` before sending anything when one
    ///   command's keys span slots; a connection error as ``RedisClient/pipeline(_:timeout:)``.
    func pipeline(_ commands: [[RedisArgument]], timeout: Duration?) async throws(RedisError) -> [RedisValue] {
        let deadline = ContinuousClock.now + configuration.clusterRetryWindow
        var pending: [Pending] = []
        pending.reserveCapacity(commands.count)
        for (index, command) in commands.enumerated() {
            pending.append(Pending(index: index, command: command, slot: try CommandKeys.slot(of: command)))
        }
        refreshIfStale()
        return try await resend(pending, count: commands.count, timeout: timeout, deadline: deadline)
    }

    /// Sends `pending` and whatever comes back to be resent, until every command has its reply
    /// or `deadline` passes for the commands that wait (those then get their last error reply,
    /// or the connection failure is thrown).
    /// - Parameter count: How many replies the call returns (the highest index + 1).
    private func resend(
        _ initial: [Pending], count: Int, timeout: Duration?, deadline: ContinuousClock.Instant
    ) async throws(RedisError) -> [RedisValue] {
        var replies = [RedisValue?](repeating: nil, count: count)
        var pending = initial
        var pause = Duration.milliseconds(20)
        var unreachable: RedisError?
        while !pending.isEmpty {
            if pending.contains(where: \.waits) {
                guard ContinuousClock.now + pause < deadline else {
                    if let unreachable { throw unreachable }
                    for command in pending { replies[command.index] = .error(command.lastError ?? "CLUSTERDOWN") }
                    break
                }
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    throw .cancelled
                }
                pause = Swift.min(pause * 2, .milliseconds(200))
            }
            let (groups, unserved) = route(pending)
            var retry = unserved
            unreachable = nil
            for (node, group, outcome) in await send(groups, timeout: timeout) {
                switch outcome {
                case .failure(let error):
                    guard case .connectionFailed = error else {
                        refreshInBackground()
                        throw error
                    }
                    // Nothing was sent: the node is down, or its failover is under way.
                    unreachable = error
                    retry += group.map { var command = $0; command.waits = true; return command }
                case .success(let values):
                    for (command, reply) in zip(group, values) {
                        if let next = follow(reply, of: command, from: node) {
                            retry.append(next)
                        } else {
                            replies[command.index] = reply
                        }
                    }
                }
            }
            if !retry.isEmpty { refreshInBackground() }
            pending = retry
        }
        return replies.map { $0 ?? .null }
    }

    /// What to do after `reply`: `nil` to keep it as the answer, or the command to resend.
    private func follow(_ reply: RedisValue, of command: Pending, from node: RedisURL.Node) -> Pending? {
        guard let message = reply.errorMessage else { return nil }
        let code = message.prefix { $0 != " " }
        var next = command
        next.askingNode = nil
        next.lastError = message
        if Self.redirectCodes.contains(code) {
            guard command.redirects < Self.maximumRedirects,
                let target = ClusterTopology.redirect(in: message, answering: node)
            else { return nil }
            next.redirects += 1
            next.waits = false
            if code == "MOVED" {
                state.withLock { $0.topology.assign(slot: target.slot, to: target.node) }
            } else {
                next.askingNode = target.node
            }
            return next
        }
        guard Self.notReadyCodes.contains(code) else { return nil }
        next.waits = true
        // A multi-key command at the target of an ASK, whose keys have not all arrived: it waits
        // there for the migration, since the source would only answer ASK again (and each ASK
        // spends a redirect).
        if code == "TRYAGAIN" { next.askingNode = command.askingNode }
        return next
    }

    /// Groups the commands by the node each goes to now; those whose slot no primary serves
    /// come back apart, to be retried after a pause.
    private func route(_ pending: [Pending]) -> (groups: [(RedisURL.Node, [Pending])], unserved: [Pending]) {
        state.withLock { state in
            var order: [RedisURL.Node] = []
            var groups: [RedisURL.Node: [Pending]] = [:]
            var unserved: [Pending] = []
            for command in pending {
                let node: RedisURL.Node?
                if let asking = command.askingNode {
                    node = asking
                } else if let slot = command.slot {
                    node = state.topology.primary(forSlot: slot)
                } else {
                    node = state.topology.primaries.first ?? state.pools.keys.first
                }
                guard let node else {
                    var waiting = command
                    waiting.waits = true
                    waiting.lastError = "CLUSTERDOWN Hash slot \(command.slot ?? 0) is not served"
                    unserved.append(waiting)
                    continue
                }
                if groups[node] == nil { order.append(node) }
                groups[node, default: []].append(command)
            }
            return (order.map { ($0, groups[$0] ?? []) }, unserved)
        }
    }

    /// Sends each group as one pipeline on its node's pool, all groups concurrently (one group,
    /// the common case of a single command, without a child task).
    private func send(
        _ groups: [(RedisURL.Node, [Pending])], timeout: Duration?
    ) async -> [(RedisURL.Node, [Pending], Result<[RedisValue], RedisError>)] {
        if groups.count == 1, let (node, group) = groups.first {
            return [(node, group, await send(group, to: node, timeout: timeout))]
        }
        return await withTaskGroup(of: (RedisURL.Node, [Pending], Result<[RedisValue], RedisError>).self) { tasks in
            for (node, group) in groups {
                tasks.addTask { (node, group, await self.send(group, to: node, timeout: timeout)) }
            }
            var outcomes: [(RedisURL.Node, [Pending], Result<[RedisValue], RedisError>)] = []
            for await outcome in tasks { outcomes.append(outcome) }
            return outcomes
        }
    }

    /// Sends one node's commands as one pipeline; a command after an `ASK` is preceded by
    /// `ASKING`, whose reply is dropped.
    private func send(
        _ group: [Pending], to node: RedisURL.Node, timeout: Duration?
    ) async -> Result<[RedisValue], RedisError> {
        let asking = group.map { $0.askingNode != nil }
        let commands: [[RedisArgument]] = group.flatMap { $0.askingNode != nil ? [["ASKING"], $0.command] : [$0.command] }
        do throws(RedisError) {
            let replies = try await pool(for: node).withConnection { connection throws(RedisError) in
                try connection.pipeline(commands, timeout: timeout)
            }
            guard asking.contains(true) else { return .success(replies) }
            var kept: [RedisValue] = []
            var position = 0
            for asked in asking {
                position += asked ? 1 : 0
                kept.append(replies[position])
                position += 1
            }
            return .success(kept)
        } catch {
            return .failure(error)
        }
    }

    /// The pool of `node`, made on first use with the client's settings and credentials.
    /// - Throws: ``RedisError/clientShutDown`` once ``shutdown()`` has begun.
    private func pool(for node: RedisURL.Node) throws(RedisError) -> ConnectionPool {
        try state.withLock { state throws(RedisError) in
            if state.closed { throw .clientShutDown }
            if let pool = state.pools[node] { return pool }
            var settings = configuration
            settings.url = configuration.url.pointing(to: node)
            let pool = ConnectionPool(configuration: settings, logger: logger)
            state.pools[node] = pool
            return pool
        }
    }

    /// Asks every primary of the map that the cluster reports online for `CLUSTER INFO`,
    /// concurrently, once each (no retry window): for readiness, which must not read "up" while
    /// a primary that should answer does not (its replica has not taken over yet) or the
    /// cluster says it cannot serve (`cluster_state:fail`), nor "down" for a node the map no
    /// longer names. A primary that fails the check starts a refresh of the map.
    /// - Throws: ``RedisError/server(_:)`` naming each primary that failed, or when the map
    ///   names no online primary.
    func checkEveryPrimary(timeout: Duration?) async throws(RedisError) {
        // As every call does: the check runs every second, so it keeps the map fresh while the
        // cluster is in trouble (a failed primary left out here is still routed to until then).
        refreshIfStale()
        let primaries = state.withLock { state in state.topology.primaries.filter { !state.topology.unhealthy.contains($0) } }
        guard !primaries.isEmpty else { throw .server("CLUSTERDOWN the slot map names no online primary") }
        let failures = await withTaskGroup(of: String?.self) { tasks in
            for node in primaries {
                tasks.addTask {
                    do throws(RedisError) {
                        let reply = try await self.pool(for: node).withConnection { connection throws(RedisError) in
                            try connection.command(["CLUSTER", "INFO"], timeout: timeout)
                        }
                        guard let info = reply.string else { return "\(node) answered \(reply)" }
                        return info.contains("cluster_state:ok") ? nil : "\(node) reports cluster_state:fail"
                    } catch {
                        return "\(node): \(error)"
                    }
                }
            }
            var failures: [String] = []
            for await failure in tasks { if let failure { failures.append(failure) } }
            return failures.sorted()
        }
        guard failures.isEmpty else {
            refreshInBackground()
            throw .server("readiness failed on \(failures.count) of \(primaries.count) primaries: \(failures.joined(separator: "; "))")
        }
    }

    // MARK: - The slot map

    private static func readTopology(from pool: ConnectionPool) async throws(RedisError) -> ClusterTopology {
        let reply = try await pool.withConnection { connection throws(RedisError) in
            try connection.command(["CLUSTER", "SHARDS"], timeout: refreshTimeout)
        }
        if let message = reply.errorMessage { throw .server(message) }
        return try ClusterTopology(shards: reply)
    }

    /// Starts a background refresh when the map is older than ``refreshInterval`` (or
    /// ``troubledRefreshInterval``).
    func refreshIfStale() {
        if state.withLock(\.isStale) { refreshInBackground(troubled: false) }
    }

    /// Starts reading the map again, unless a read is already under way.
    /// - Parameter troubled: Whether a redirect or a failure asks for it (default), which makes
    ///   the map stale sooner for a while (``troubleWindow``).
    func refreshInBackground(troubled: Bool = true) {
        state.withLock { state in
            if troubled { state.troubleAt = .now }
            guard !state.closed, state.refreshing == nil else { return }
            state.refreshing = Task { [self] in await refresh() }
        }
    }

    /// Reads the map from the first node that answers: the primaries it names, then the seeds.
    /// Then shuts down the pools of nodes that are neither primaries nor seeds any more (a
    /// replaced node, or a pod that came back at another address), so that they do not pile up.
    private func refresh() async {
        let primaries = state.withLock { $0.topology.primaries }
        let seeds = configuration.url.seeds
        var sources = primaries
        for seed in seeds where !sources.contains(seed) { sources.append(seed) }
        var failures: [String] = []
        for node in sources {
            guard !Task.isCancelled else { break }
            do {
                let topology = try await Self.readTopology(from: pool(for: node))
                guard topology.coveredSlots > 0 else {
                    failures.append("\(node): serves no slots")
                    continue
                }
                let (changed, retired) = state.withLock { state in
                    let changed = state.topology.primaries != topology.primaries
                    (state.topology, state.refreshedAt, state.refreshing) = (topology, .now, nil)
                    let retired = state.pools.filter { !topology.primaries.contains($0.key) && !seeds.contains($0.key) }
                    for node in retired.keys { state.pools[node] = nil }
                    return (changed, Array(retired.values))
                }
                if changed {
                    logger.info("Redis Cluster primaries changed", metadata: ["primaries": "\(topology.primaries)"])
                }
                for pool in retired { await pool.shutdown() }
                return
            } catch {
                if case .clientShutDown = error { break }
                failures.append("\(node): \(error)")
            }
        }
        state.withLock { $0.refreshing = nil }
        guard !failures.isEmpty else { return }
        logger.warning("Redis Cluster slot map could not be read", metadata: ["tried": "\(failures)"])
    }

    /// Stops refreshing and shuts every pool down.
    func shutdown() async {
        let (pools, refreshing) = state.withLock { state in
            state.closed = true
            defer { state.pools = [:] }
            return (Array(state.pools.values), state.refreshing)
        }
        refreshing?.cancel()
        await refreshing?.value
        for pool in pools { await pool.shutdown() }
    }
}
