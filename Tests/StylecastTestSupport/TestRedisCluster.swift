import Foundation
import StylecastProcess
import StylecastRedis

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

    /// Every node, in the order they were started (`redis-cli` makes the first ones primaries).
    public let nodes: [TestRedisServer]

    private init(nodes: [TestRedisServer]) {
        self.nodes = nodes
    }

    /// A URL naming every node as a seed.
    public var url: RedisURL {
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
    public static func start(
        primaries: Int = 3, replicasPerPrimary: Int = 1, readyTimeout: Duration = .seconds(30)
    ) async throws -> TestRedisCluster {
        var nodes: [TestRedisServer] = []
        do {
            for _ in 0..<(primaries * (1 + replicasPerPrimary)) {
                nodes.append(try await TestRedisServer.start(clusterEnabled: true))
            }
            let cluster = TestRedisCluster(nodes: nodes)
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
        let states = nodes.filter { !$0.hasExited }.map { "\($0.port): \(cli($0.port, ["CLUSTER", "INFO"]))" }
        throw StartError(description: "the cluster did not become healthy in \(timeout):\n" + states.joined(separator: "\n"))
    }

    private func isHealthy() throws -> Bool {
        let running = nodes.filter { !$0.hasExited }
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
        let check = try Spawn.run("redis-cli", ["--cluster", "check", "127.0.0.1:\(running[0].port)"])
        return check.status == 0 && check.output.contains("[OK] All 16384 slots covered")
            && !check.output.contains("[ERR]") && !check.output.contains("[WARNING]")
    }

    /// The ports of the primaries, as a running node sees them now.
    public func primaryPorts() throws -> [Int] {
        guard let node = nodes.first(where: { !$0.hasExited }) else { return [] }
        return cli(node.port, ["CLUSTER", "NODES"]).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 2, fields[2].contains("master"), !fields[2].contains("fail") else { return nil }
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
            guard fields.count > 8, fields[2].contains("master"), !fields[2].contains("fail") else { continue }
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

    /// Stops every node.
    public func stop() {
        for node in nodes { node.stop() }
    }
}
