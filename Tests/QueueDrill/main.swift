// queue-drill: a real work-queue producer and consumer process, started, killed and
// restarted by the work-queue tests to prove at-least-once delivery with idempotent effects.

import ArgumentParser
import Foundation
import Logging
import StylecastRedis
import Synchronization

/// The failure thrown for entries whose payload is the fail marker.
struct PoisonEntry: Error, CustomStringConvertible {
    /// The payload that always fails.
    var payload: String
    /// Says which payload failed.
    var description: String { "poison payload '\(payload)' always fails" }
}

/// The drill's command line: `produce` and `consume`.
struct QueueDrill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue-drill",
        abstract: "Produce to and consume from a Redis-stream work queue, for delivery drills.",
        subcommands: [Produce.self, Consume.self])
}

/// Parses the `--redis` option.
func parseRedisURL(_ text: String) throws -> RedisURL {
    do {
        return try RedisURL(parsing: text)
    } catch {
        throw ValidationError(error.description)
    }
}

/// `queue-drill produce`: appends numbered entries.
struct Produce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append COUNT entries with payloads p-00000, p-00001, ... to a stream.")

    @Option(help: "Redis URL, e.g. redis://127.0.0.1:6379/0.")
    var redis: String
    @Option(help: "Stream key, with a hash tag, e.g. drill:{q}:stream.")
    var stream: String
    @Option(help: "Number of entries.")
    var count: Int
    @Option(help: "Payload that replaces the entry at --fail-index (consumers fail on it).")
    var failMarker: String?
    @Option(help: "Index of the entry that carries --fail-marker (default: the middle one).")
    var failIndex: Int?

    func run() async throws {
        let client = RedisClient(url: try parseRedisURL(redis), poolSize: 1)
        let poisonIndex = failIndex ?? count / 2
        var produced = 0
        do {
            for start in stride(from: 0, to: count, by: 1000) {
                let commands: [[RedisArgument]] = (start..<min(start + 1000, count)).map { index in
                    var payload = String(format: "p-%05d", index)
                    if let failMarker, index == poisonIndex { payload = failMarker }
                    return ["XADD", RedisArgument(stream), "*", "payload", RedisArgument(payload)]
                }
                produced += try await client.pipelineFailingOnError(commands).count
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        print("produced \(produced) entries to \(stream)")
    }
}

/// `queue-drill consume`: one consumer of a group, counting each payload once.
struct Consume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Consume with WorkQueue; per entry, idempotently HINCRBY RESULT-KEY <payload> 1.")

    @Option(help: "Redis URL, e.g. redis://127.0.0.1:6379/0.")
    var redis: String
    @Option(help: "Stream key, with a hash tag, e.g. drill:{q}:stream.")
    var stream: String
    @Option(help: "Consumer group.")
    var group: String
    @Option(help: "This consumer's name.")
    var consumer: String
    @Option(help: "Pending time in milliseconds after which entries are claimed.")
    var claimIdleMs: Int = 30_000
    @Option(help: "Deliveries after which a failing entry is dead-lettered.")
    var maxDeliveries: Int = 5
    @Option(help: "Dead-letter stream key (same hash tag as the stream).")
    var deadLetter: String
    @Option(help: "Hash counting payloads (same hash tag as the stream).")
    var resultKey: String
    @Option(help: "Sleep per entry in milliseconds, to simulate work.")
    var delayMs: Int = 0
    @Option(help: "Payload on which the handler always fails.")
    var failMarker: String?
    @Option(help: "Exit 0 once the stream is fully processed and idle for this many milliseconds.")
    var exitWhenIdleMs: Int?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
        let url = try parseRedisURL(redis)
        guard let tag = RedisKey.hashTag(of: stream) else {
            throw ValidationError("--stream must carry a hash tag, e.g. drill:{q}:stream")
        }
        let client = RedisClient(url: url, poolSize: 2)
        let blockTime = Duration.milliseconds(Swift.max(10, Swift.min(exitWhenIdleMs ?? 1000, 1000) / 2))
        let queue = try WorkQueue(
            client: client, stream: stream, group: group, consumer: consumer,
            configuration: .init(
                claimIdleTime: .milliseconds(claimIdleMs), maxDeliveries: maxDeliveries,
                deadLetterStream: deadLetter, blockTime: blockTime, batchSize: 16,
                retryDelay: .milliseconds(100)))
        let applier = IdempotentApplier(client: client, markerPrefix: "drill:{\(tag)}:applied:\(group):")
        let counters = Counters()
        let (failMarker, delayMs, resultKey) = (self.failMarker, self.delayMs, self.resultKey)

        try await queue.ensureGroup()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await queue.run { entry in
                        let payload = entry["payload"] ?? ""
                        if payload == failMarker { throw PoisonEntry(payload: payload) }
                        if delayMs > 0 { try await Task.sleep(for: .milliseconds(delayMs)) }
                        let applied = try await applier.apply(
                            entryID: entry.id,
                            writes: [RedisWrite(["HINCRBY", .key(resultKey), .argument(RedisArgument(payload)), 1])])
                        counters.handled.add(1, ordering: .relaxed)
                        if !applied { counters.duplicates.add(1, ordering: .relaxed) }
                    }
                }
                if let exitWhenIdleMs {
                    group.addTask {
                        try await waitUntilDrained(queue: queue, idle: .milliseconds(exitWhenIdleMs))
                    }
                    // The monitor finishing means done: stop the consumer loop too.
                    try await group.next()
                    group.cancelAll()
                }
                try await group.waitForAll()
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        print(
            "consumer \(consumer): handled \(counters.handled.load(ordering: .relaxed)), "
                + "already applied \(counters.duplicates.load(ordering: .relaxed))")
    }
}

/// Entries handled by this process.
final class Counters: Sendable {
    /// Handler calls that returned.
    let handled = Atomic<Int>(0)
    /// Of those, how many found their writes already applied (redeliveries).
    let duplicates = Atomic<Int>(0)
}

/// Returns once the group has read the whole stream and nothing is pending, continuously for
/// `idle`.
func waitUntilDrained(queue: WorkQueue, idle: Duration) async throws {
    var drainedSince: ContinuousClock.Instant?
    while true {
        let status = try await queue.client.streamStatus([queue.stream])[0]
        if let group = status.groups.first(where: { $0.name == queue.group }), group.pending == 0,
            status.hasReadAll(group)
        {
            let since = drainedSince ?? .now
            drainedSince = since
            if ContinuousClock.now - since >= idle { return }
        } else {
            drainedSince = nil
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

extension QueueDrill {
    /// Parses the command line and runs the chosen subcommand.
    ///
    /// Top-level code in main.swift picks the synchronous `main()`, which refuses async
    /// commands; inside an async function the async overload is chosen.
    static func start() async {
        await main(nil)
    }
}

await QueueDrill.start()
