import Logging
import StylecastContracts
import StylecastErrors
import StylecastRedis

/// The partition count of the work streams as Redis records it: the first service that writes
/// or consumes a stream records its `STYLECAST_STREAM_PARTITIONS`
/// (``StylecastKeys/streamPartitionCount``), and every later one checks its own against it. A
/// service with another count would queue records where no consumer reads them, or read only
/// some partitions, so it stops instead, naming both counts.
public enum StreamPartitionsRecord {
    /// Records `partitions` when Redis holds no count yet, then checks that the two agree.
    /// - Throws: ``StreamPartitionsMismatch`` when Redis holds another count; a Redis error.
    public static func verify(_ partitions: StreamPartitions, on redis: RedisClient) async throws {
        let key = RedisArgument(StylecastKeys.streamPartitionCount)
        try await redis.send("SET", key, RedisArgument(partitions.count), "NX")
        let recorded = try await redis.send("GET", key).string
        guard recorded == String(partitions.count) else {
            throw StreamPartitionsMismatch(configured: partitions.count, recorded: recorded ?? "nothing")
        }
    }

    /// The count Redis holds, for readers that go through every partition (the `stylecast`
    /// client, a rebuild): 1 while nothing is recorded.
    /// - Throws: A Redis error, or ``StreamPartitionsMismatch`` for a recorded value that is no count.
    public static func recorded(on redis: RedisClient) async throws -> StreamPartitions {
        guard let text = try await redis.send("GET", RedisArgument(StylecastKeys.streamPartitionCount)).string else {
            return .single
        }
        guard let count = Int(text), let partitions = try? StreamPartitions(count: count) else {
            throw StreamPartitionsMismatch(configured: 0, recorded: text)
        }
        return partitions
    }

    /// ``verify(_:on:)`` for a worker starting while Redis may not be reachable yet: tried again
    /// every second while Redis is unavailable, until it answers or the task is cancelled.
    /// - Throws: ``StreamPartitionsMismatch``, another error that retrying cannot fix, or
    ///   `CancellationError`.
    public static func verifyWhenReachable(_ partitions: StreamPartitions, on redis: RedisClient, logger: Logger) async throws {
        while true {
            do {
                return try await verify(partitions, on: redis)
            } catch let error as RedisError where error.isUnavailable {
                logger.warning("Redis unavailable; partition count not checked yet", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

extension WorkQueue {
    /// One queue per partition of `stream` for one consumer group, each with its partition's
    /// dead-letter stream.
    /// - Parameters:
    ///   - stream: The work stream.
    ///   - partitions: How it is split.
    ///   - client: The Redis client.
    ///   - group: The consumer group.
    ///   - consumer: This consumer's name.
    ///   - claimIdle: When a dead consumer's entries are claimed.
    ///   - maxDeliveries: Deliveries before dead-lettering.
    ///   - concurrency: Entries of a batch handled at once (``WorkQueue/Configuration/concurrency``).
    ///   - logger: Receives the queues' failures.
    /// - Returns: The queues, partition 0 first.
    public static func partitions(
        of stream: WorkStream, _ partitions: StreamPartitions, client: RedisClient, group: String, consumer: String,
        claimIdle: Duration, maxDeliveries: Int, concurrency: Int = 1, logger: Logger
    ) throws(RedisError) -> [WorkQueue] {
        var queues: [WorkQueue] = []
        for partition in partitions.all {
            queues.append(
                try WorkQueue(
                    client: client, stream: stream.key(partition: partition), group: group, consumer: consumer,
                    configuration: .init(
                        claimIdleTime: claimIdle, maxDeliveries: maxDeliveries,
                        deadLetterStream: stream.deadLetterKey(partition: partition), concurrency: concurrency),
                    logger: logger))
        }
        return queues
    }
}

/// `STYLECAST_STREAM_PARTITIONS` differs from the count the stack's Redis already holds.
public struct StreamPartitionsMismatch: StylecastError, Equatable {
    /// This service's count.
    public var configured: Int
    /// What Redis holds at ``StylecastKeys/streamPartitionCount``.
    public var recorded: String

    /// A setting that cannot work, not an outage: INTERNAL, and a worker that meets it stops.
    public var failureKind: FailureKind { .bug }

    public var description: String {
        "\(StreamPartitions.environmentVariable) is \(configured), but this Redis holds work streams split into "
            + "\(recorded) partitions (\(StylecastKeys.streamPartitionCount)); give every service the same count, "
            + "or start from an empty Redis and ingest again"
    }
}
