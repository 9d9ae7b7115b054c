import ArgumentParser
import Foundation
import Logging
import StylecastClient
import StylecastContracts
import StylecastRedis
import StylecastServiceKit

/// Each consumer group's position in the work streams.
enum PipelineProgress {
    struct Group {
        var stream: String
        var group: String
        var length: Int
        var read: Int
        var lag: Int
        var pending: Int
    }

    /// The work streams (docs/architecture.md, "Redis key layout"), every partition of each.
    static func streams(_ partitions: StreamPartitions) -> [String] {
        WorkStream.allCases.flatMap { $0.keys(partitions) }
    }

    /// Every group on every partition of the work streams (the partition count Redis records).
    static func read(_ client: RedisClient) async throws -> [Group] {
        let partitions = try await StreamPartitionsRecord.recorded(on: client)
        return try await client.streamStatus(streams(partitions)).filter { $0.length > 0 }.flatMap { status in
            status.groups.map { group in
                Group(
                    stream: status.stream, group: group.name, length: status.length, read: status.entriesRead(group),
                    lag: status.unread(group), pending: group.pending)
            }
        }
    }

    static func isDrained(_ groups: [Group]) -> Bool { groups.allSatisfy { $0.lag == 0 && $0.pending == 0 } }

    /// Entries the slowest group has still to read or acknowledge.
    static func remaining(_ groups: [Group]) -> Int { groups.map { $0.lag + $0.pending }.max() ?? 0 }

    static func line(_ groups: [Group]) -> String {
        groups.map { group in
            let name = WorkStream.partition(named: group.stream).map { $0.stream.hashTag(partition: $0.partition) } ?? group.stream
            return "\(name) -> \(group.group) \(group.read - group.pending)/\(group.length)"
        }
            .joined(separator: ", ")
    }
}

/// `--run-dir` and `--redis-url`: the Redis of the deployment, for the commands that work on it.
struct RedisOptions: ParsableArguments {
    @Option(help: "Folder of the stack (default STYLECAST_RUN_DIR or .stylecast-run).")
    var runDir: String?

    @Option(help: "Redis of the deployment (default: the stack's, else STYLECAST_REDIS_URL).")
    var redisURL: String?

    /// `--redis-url`, else the Redis of the stack in the run folder, else `STYLECAST_REDIS_URL`.
    /// - Throws: A `ValidationError` when there is none.
    func url() throws -> String {
        let stack = try LocalStack.load(from: LocalStack.runDirectory(runDir))
        guard let url = redisURL ?? stack?.redisURL ?? ProcessInfo.processInfo.environment["STYLECAST_REDIS_URL"] else {
            throw ValidationError("no Redis: give --redis-url, set STYLECAST_REDIS_URL, or run it beside `stylecast up`")
        }
        return url
    }
}

/// A one-connection Redis client whose reconnect warnings stay quiet: the commands report
/// Redis's state themselves.
/// - Throws: A `RedisURLError` for a malformed URL (it never contains the password).
func quietRedisClient(_ url: String) throws -> RedisClient {
    var logger = Logger(label: "stylecast.redis")
    logger.logLevel = .critical
    return RedisClient(configuration: .init(url: try RedisURL(parsing: url), poolSize: 1), logger: logger)
}

/// Runs `body` with a ``quietRedisClient(_:)`` and closes the client when it returns or throws.
/// - Throws: A `RedisURLError` for a malformed URL, or what `body` throws.
func withQuietRedisClient<Result>(_ url: String, _ body: (RedisClient) async throws -> Result) async throws -> Result {
    let client = try quietRedisClient(url)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// An object as one line of JSON, keys sorted.
func jsonText(_ object: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

/// Prints an object as one JSON line.
func printJSON(_ object: Any) throws { print(try jsonText(object)) }

/// The health of one service, or `UNREACHABLE` (with the error when `explained`).
func healthStatus(_ endpoint: Endpoint, timeout: Duration, explained: Bool = false) async -> String {
    do {
        return try await withStylecastConnection(to: endpoint) { client in
            try await ServiceProbe(client: client).health(timeout: timeout)
        }
    } catch {
        return explained ? "UNREACHABLE (\(error))" : "UNREACHABLE"
    }
}
