import Foundation
import StylecastProcess
import StylecastRedis
import Synchronization

/// A throwaway Redis Cluster on loopback ports: `redis-server --cluster-enabled yes` nodes
/// (``TestRedisServer``, 1 s node timeout, so a failover takes a few seconds) joined by
/// `redis-cli --cluster create ... --cluster-replicas N`, for tests that need a real cluster:
/// routing, redirects, failover and resharding. Stop it with ``stop()``; like every
/// ``TestRedisServer`` its nodes also stop when the test process ends.
public final class TestRedisCluster: Sendable {
    /// Why a cluster could not be formed.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong, with `redis-cli`'s output or the nodes' state.
        public var description: String
    }

    /// Every node, in the order they were started (`redis-cli` makes the first ones primaries);
    /// a node restarted with ``restart(port:)`` replaces the one it was.
    public var nodes: [TestRedisServer] { current.withLock { $0 } }

    private let current: Mutex<[TestRedisServer]>
    /// Whether the nodes persist with an append-only file (kept when a node is restarted).
    private let appendOnly: Bool

    private init(nodes: [TestRedisServer], appendOnly: Bool) {
        self.current = Mutex(nodes)
        self.appendOnly = appendOnly
    }

    /// A URL naming every node as a seed.
    public var url: RedisURL {
        let nodes = self.nodes
        var url = RedisURL(host: "127.0.0.1", port: nodes[0].port)
        url.moreSeeds = nodes.dropFirst().map { RedisURL.Node(host: "127.0.0.1", port: $0.port) }
        return url
    }

    private actor Shared {
        var cluster: Task<TestRedisCluster, any Error>?

        func get() async throws -> TestRedisCluster {
            if let cluster { return try await cluster.value }
            let task = Task { try await TestRedisCluster.start() }
            cluster = task
            return try await task.value
        }
    }

    private static let sharedCluster = Shared()

    /// One cluster of 3 primaries and 3 replicas shared by the tests of this process that leave
    /// its nodes and slots as they found them; started on first use, stopped at exit.
    public static func shared() async throws -> TestRedisCluster { try await sharedCluster.get() }

    /// Starts `primaries * (1 + replicasPerPrimary)` nodes, forms the cluster and waits until
    /// every node reports `cluster_state:ok` and knows every other.
    /// - Parameters:
    ///   - primaries: Primaries, at least 3 (what `redis-cli --cluster create` accepts).
    ///   - replicasPerPrimary: Replicas of each primary.
    ///   - readyTimeout: How long to wait for the cluster to agree.
    ///   - ports: The nodes' ports, one per node, or `nil` for free ones.
    ///   - directory: A folder to hold each node's folder (`node-<port>`, kept by ``stop()``), or
    ///     `nil` for temporary ones.
    ///   - appendOnly: Persist with an append-only file, as production does, so that a node
    ///     restarted with ``restart(port:)`` comes back with its data.
    public static func start(
        primaries: Int = 3, replicasPerPrimary: Int = 1, readyTimeout: Duration = .seconds(30), ports: [Int]? = nil,
        directory: URL? = nil, appendOnly: Bool = false
    ) async throws -> TestRedisCluster {
        let count = primaries * (1 + replicasPerPrimary)
        precondition(ports == nil || ports?.count == count, "one port per node")
        var nodes: [TestRedisServer] = []
        do {
            for index in 0..<count {
                let port = try ports?[index] ?? TestRedisServer.freeLoopbackPort()
                nodes.append(
                    try await TestRedisServer.start(
                        port: port, directory: directory?.appendingPathComponent("node-\(port)"), appendOnly: appendOnly,
                        clusterEnabled: true))
            }
            let cluster = TestRedisCluster(nodes: nodes, appendOnly: appendOnly)
            let create = try Spawn.run(
                "redis-cli",
                ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" }
                    + ["--cluster-replicas", String(replicasPerPrimary), "--cluster-yes"])
            guard create.status == 0 else {
                throw StartError(description: "redis-cli --cluster create failed:\n\(create.output)")
            }
            try await cluster.waitUntilHealthy(timeout: readyTimeout)
            return cluster
        } catch {
            for node in nodes { node.stop() }
            throw error
        }
    }

    /// Starts a node that has exited again on its port, folder and bus port: it rejoins the
    /// cluster from its node file (a primary that was replaced comes back as a replica).
    /// - Parameter port: The node's port.
    /// - Returns: The new process.
    @discardableResult
    public func restart(port: Int) async throws -> TestRedisServer {
        guard let old = node(port: port) else { throw StartError(description: "no node on port \(port)") }
        guard old.hasExited else { throw StartError(description: "the node on port \(port) is still running") }
        old.stop()
        let new = try await TestRedisServer.start(
            port: port, directory: old.directory, appendOnly: appendOnly, readyTimeout: .seconds(60), clusterEnabled: true,
            clusterBusPort: old.busPort)
        current.withLock { nodes in
            if let index = nodes.firstIndex(where: { $0.port == port }) { nodes[index] = new }
        }
        return new
    }

    /// Waits until every running node reports `cluster_state:ok` and knows all nodes, every
    /// replica's link to its primary is up (synced, so able to take over), and
    /// `redis-cli --cluster check` finds every slot covered and nothing amiss.
    /// - Parameter timeout: The longest wait.
    /// - Throws: ``StartError`` with each node's `INFO cluster` when time runs out.
    public func waitUntilHealthy(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try isHealthy() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let states = nodes.filter { !$0.hasExited }.map { node in
            let info = cli(node.port, ["CLUSTER", "INFO"])
            let state = info.split(separator: "\r\n").filter { $0.hasPrefix("cluster_state") || $0.hasPrefix("cluster_slots") }
            let replication = cli(node.port, ["INFO", "replication"]).split(separator: "\r\n")
                .filter { $0.hasPrefix("role") || $0.hasPrefix("master_link_status") }
            return "\(node.port): \((state + replication).joined(separator: " ")); its CLUSTER NODES:\n"
                + cli(node.port, ["CLUSTER", "NODES"])
        }
        throw StartError(description: "the cluster did not become healthy in \(timeout):\n" + states.joined(separator: "\n"))
    }

    private func isHealthy() throws -> Bool {
        let running = nodes.filter { !$0.hasExited }
        guard let first = running.first else { return false }
        for node in running {
            let info = cli(node.port, ["CLUSTER", "INFO"])
            guard info.contains("cluster_state:ok"), info.contains("cluster_known_nodes:\(nodes.count)") else {
                return false
            }
            // A replica that has not synced with its primary yet would refuse to take over.
            let replication = cli(node.port, ["INFO", "replication"])
            if replication.contains("role:slave"), !replication.contains("master_link_status:up") { return false }
        }
        // Every shard's nodes online: `redis-cli --cluster check` says so on one line.
        let check = try Spawn.run("redis-cli", ["--cluster", "check", "127.0.0.1:\(first.port)"])
        return check.status == 0 && check.output.contains("[OK] All 16384 slots covered")
            && !check.output.contains("[ERR]") && !check.output.contains("[WARNING]")
    }

    /// Whether `CLUSTER NODES` flags name a primary not known to have failed (a primary only
    /// suspected by one node, `fail?`, still counts).
    private static func isLivePrimary(flags: Substring) -> Bool {
        let flags = flags.split(separator: ",")
        return flags.contains("master") && !flags.contains("fail")
    }

    /// The ports of the primaries, as a running node sees them now.
    public func primaryPorts() throws -> [Int] {
        guard let node = nodes.first(where: { !$0.hasExited }) else { return [] }
        return cli(node.port, ["CLUSTER", "NODES"]).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 2, Self.isLivePrimary(flags: fields[2]) else { return nil }
            return fields[1].split(separator: "@").first.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
        }
    }

    /// The node listening on `port`.
    public func node(port: Int) -> TestRedisServer? { nodes.first { $0.port == port } }

    /// The primary that serves `key`'s hash slot now.
    public func primary(serving key: String) throws -> TestRedisServer? {
        let slot = RedisKey.hashSlot(of: key)
        guard let node = nodes.first(where: { !$0.hasExited }) else { return nil }
        for line in cli(node.port, ["CLUSTER", "NODES"]).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 8, Self.isLivePrimary(flags: fields[2]) else { continue }
            for range in fields[8...] where !range.hasPrefix("[") {
                let bounds = range.split(separator: "-").compactMap { Int($0) }
                if let first = bounds.first, (first...(bounds.last ?? first)).contains(slot),
                    let port = fields[1].split(separator: "@").first?.split(separator: ":").last.flatMap({ Int($0) })
                {
                    return self.node(port: port)
                }
            }
        }
        return nil
    }

    /// Runs `redis-cli -p <port> <arguments>` and returns its output.
    public func cli(_ port: Int, _ arguments: [String]) -> String {
        (try? Spawn.run("redis-cli", ["-p", String(port)] + arguments).output) ?? ""
    }

    /// Runs `redis-cli --cluster <arguments>` (reshard, check, ...) and returns its exit code and output.
    public func clusterTool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Spawn.run("redis-cli", ["--cluster"] + arguments)
    }

    /// Waits until every running node reports all 16,384 slots served by nodes that are up
    /// (`cluster_slots_ok:16384`) and, after a primary died or froze, every running node sees it
    /// serve no slot any more: its replica has taken over, as far as every node knows.
    /// - Parameters:
    ///   - port: The primary that failed, or `nil`.
    ///   - timeout: The longest wait.
    /// - Returns: Whether that happened in time.
    public func waitUntilEverySlotServed(replacing port: Int? = nil, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let running = nodes.filter { !$0.hasExited && $0.port != port }
            if !running.isEmpty,
                running.allSatisfy({ cli($0.port, ["CLUSTER", "INFO"]).contains("cluster_slots_ok:16384") }),
                running.allSatisfy({ node in port.map { slots(ofPrimary: $0, seenFrom: node.port).isEmpty } ?? true })
            {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// The node ID of the node on `port` (`CLUSTER MYID`).
    public func nodeID(port: Int) -> String {
        cli(port, ["CLUSTER", "MYID"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The slots a primary serves, ascending, as a running node sees them now.
    /// - Parameters:
    ///   - port: The primary's port.
    ///   - observer: The node to ask, or `nil` for the first running one.
    public func slots(ofPrimary port: Int, seenFrom observer: Int? = nil) -> [Int] {
        guard let asked = observer ?? nodes.first(where: { !$0.hasExited })?.port else { return [] }
        for line in cli(asked, ["CLUSTER", "NODES"]).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 8, fields[1].split(separator: "@").first?.hasSuffix(":\(port)") == true else { continue }
            return fields[8...].filter { !$0.hasPrefix("[") }.flatMap { range -> [Int] in
                let bounds = range.split(separator: "-").compactMap { Int($0) }
                guard let first = bounds.first else { return [] }
                return Array(first...(bounds.last ?? first))
            }.sorted()
        }
        return []
    }

    /// Slots that a running primary no longer counts as its own while every other running node
    /// still routes them to it: what Redis 7.0 has been seen to leave on a replica promoted after
    /// a reshard, once the old primary rejoined (docs/operations.md, "A slot dropped by its new
    /// primary"). Such a node says `cluster_state:fail` and refuses every command.
    /// - Returns: Each such primary's port with the slots it dropped; empty when there are none.
    public func slotsDroppedByTheirOwner() -> [Int: [Int]] {
        let running = nodes.filter { !$0.hasExited }.map(\.port)
        var dropped: [Int: [Int]] = [:]
        for primary in (try? primaryPorts()) ?? [] where running.contains(primary) {
            // Trust an empty own view only when the node answered with its own line.
            let ownLines = cli(primary, ["CLUSTER", "NODES"]).split(separator: "\n")
            guard ownLines.contains(where: { $0.contains("myself") && $0.contains(":\(primary)@") }) else { continue }
            let own = Set(slots(ofPrimary: primary, seenFrom: primary))
            let others = running.filter { $0 != primary }.map { Set(slots(ofPrimary: primary, seenFrom: $0)) }
            guard let first = others.first else { continue }
            let routed = others.dropFirst().reduce(first) { $0.intersection($1) }
            let missing = routed.subtracting(own).sorted()
            if !missing.isEmpty { dropped[primary] = missing }
        }
        return dropped
    }

    /// Gives each slot of ``slotsDroppedByTheirOwner()`` back to the primary every other node
    /// routes it to (`CLUSTER ADDSLOTS` on that primary), the repair docs/operations.md gives.
    /// - Returns: What was repaired: each primary whose `CLUSTER ADDSLOTS` answered `OK`, with the slots.
    @discardableResult
    public func restoreDroppedSlots() -> [Int: [Int]] {
        slotsDroppedByTheirOwner().filter { port, slots in
            cli(port, ["CLUSTER", "ADDSLOTS"] + slots.map(String.init)).trimmingCharacters(in: .whitespacesAndNewlines) == "OK"
        }
    }

    /// Moves `slots` slots from one primary to another with `redis-cli --cluster reshard`, which
    /// takes the source's lowest-numbered slots and migrates their keys.
    /// - Returns: `redis-cli`'s output.
    /// - Throws: ``StartError`` with that output when it fails.
    @discardableResult
    public func reshard(from source: Int, to target: Int, slots: Int) throws -> String {
        let run = try clusterTool([
            "reshard", "127.0.0.1:\(source)", "--cluster-from", nodeID(port: source), "--cluster-to", nodeID(port: target),
            "--cluster-slots", String(slots), "--cluster-yes",
        ])
        guard run.status == 0, !run.output.contains("[ERR]") else {
            throw StartError(description: "redis-cli --cluster reshard failed:\n\(run.output.suffix(2000))")
        }
        return run.output
    }

    /// Stops every node.
    public func stop() {
        for node in nodes { node.stop() }
    }
}
