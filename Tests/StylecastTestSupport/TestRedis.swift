import Foundation
import StylecastRedis

/// The Redis that tests use: `STYLECAST_TEST_REDIS_URL` when set (scripts/test.sh starts one;
/// it may list a cluster's seed nodes), else with `STYLECAST_TEST_REDIS_CLUSTER=1` the shared
/// ``TestRedisCluster``, else one throwaway server; either started on first use and stopped when
/// the test process exits.
public enum TestRedis {
    /// The environment variable naming the test Redis.
    public static let environmentVariable = "STYLECAST_TEST_REDIS_URL"

    private actor Shared {
        var server: Task<TestRedisServer, any Error>?

        func get() async throws -> TestRedisServer {
            if let server { return try await server.value }
            let task = Task { try await TestRedisServer.start() }
            server = task
            return try await task.value
        }
    }

    private static let shared = Shared()

    /// The URL of the test Redis, starting a server if needed.
    public static func url() async throws -> RedisURL {
        if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
            return try RedisURL(parsing: value)
        }
        if TestStackRedis.clusterRequested { return try await TestRedisCluster.shared().url }
        return try await shared.get().url
    }

    /// A new client for the test Redis; shut it down at the end of the test.
    /// - Parameter poolSize: Connections.
    public static func client(poolSize: Int = 2) async throws -> RedisClient {
        RedisClient(url: try await url(), poolSize: poolSize)
    }

    /// A name unique to one test, for a key's hash tag, e.g. `binary-a1b2c3d4` in `test:{binary-a1b2c3d4}:blob`.
    /// - Parameter name: A readable part.
    public static func uniqueTag(_ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
