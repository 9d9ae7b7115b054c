import Foundation
import StylecastProcess
import StylecastRedis

/// The Redis that one end-to-end test's services share, started for that test alone (the
/// services' keys are fixed, so tests cannot share one): a single ``TestRedisServer``, or, when
/// `STYLECAST_TEST_REDIS_CLUSTER=1`, a ``TestRedisCluster`` of 3 primaries and 3 replicas, so
/// that the same tests prove the services on Redis Cluster (scripts/test.sh runs them both ways).
public final class TestStackRedis: Sendable {
    /// The environment variable that selects a cluster (`1`) for end-to-end and library tests.
    public static let clusterVariable = "STYLECAST_TEST_REDIS_CLUSTER"

    /// Whether this test run asked for Redis Cluster.
    public static var clusterRequested: Bool { ProcessInfo.processInfo.environment[clusterVariable] == "1" }

    /// The single server, when not a cluster.
    public let server: TestRedisServer?
    /// The cluster, when one was requested.
    public let cluster: TestRedisCluster?

    private init(server: TestRedisServer?, cluster: TestRedisCluster?) {
        self.server = server
        self.cluster = cluster
    }

    /// Starts a server, or a cluster when ``clusterRequested``.
    /// - Parameter password: A password clients must give (single server only), or nil.
    public static func start(password: String? = nil) async throws -> TestStackRedis {
        if clusterRequested {
            return TestStackRedis(server: nil, cluster: try await TestRedisCluster.start())
        }
        return TestStackRedis(server: try await TestRedisServer.start(password: password), cluster: nil)
    }

    /// The URL to give services and clients: the server, or every cluster node as a seed.
    public var url: RedisURL { cluster?.url ?? server?.url ?? RedisURL(host: "127.0.0.1") }

    /// ``url`` as `STYLECAST_REDIS_URL` takes it, password included.
    public var environmentValue: String { url.environmentValue }

    /// Runs a keyless command on every primary (the server, or each primary of the cluster) with
    /// `redis-cli`, since a cluster client sends such a command to one primary only.
    /// - Returns: Each primary's output.
    public func onEveryPrimary(_ arguments: [String]) throws -> [String] {
        let ports = try cluster?.primaryPorts() ?? server.map { [$0.port] } ?? []
        let auth = server?.password.map { ["-a", $0, "--no-auth-warning"] } ?? []
        return try ports.map { port in
            let run = try Spawn.run("redis-cli", ["-p", String(port)] + auth + arguments)
            guard run.status == 0, !run.output.hasPrefix("ERR") else {
                throw TestRedisCluster.StartError(description: "redis-cli \(arguments) on \(port): \(run.output)")
            }
            return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// How many keys Redis holds: `DBSIZE` summed over the primaries.
    public func keyCount() throws -> Int {
        try onEveryPrimary(["DBSIZE"]).reduce(0) { $0 + (Int($1) ?? 0) }
    }

    /// Deletes every key on every primary (`FLUSHALL`).
    public func flushAll() throws {
        _ = try onEveryPrimary(["FLUSHALL"])
    }

    /// Stops the server, or every node of the cluster: Redis is gone for the services.
    public func stop() {
        server?.stop()
        cluster?.stop()
    }
}

extension RedisURL {
    /// The URL as `STYLECAST_REDIS_URL` takes it: unlike ``description``, with the password
    /// (percent-encoded), so only for a test's child processes.
    public var environmentValue: String {
        let encode = { (text: String) in
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
        }
        var userinfo = ""
        if let password { userinfo = "\(username.map(encode) ?? ""):\(encode(password))@" }
        return "redis://\(userinfo)\(seeds.map(\.description).joined(separator: ","))/\(database)"
    }
}
