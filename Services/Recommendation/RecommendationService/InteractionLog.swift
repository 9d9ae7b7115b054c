import StylecastContracts
import StylecastRedis

/// Reads the whole interactions stream in chunks (`XRANGE` with an exclusive start), for
/// training.
package struct InteractionLog: Sendable {
    private let redis: RedisClient
    private let partitions: StreamPartitions
    private let chunk: Int

    /// Creates the reader.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - partitions: How the interactions stream is split.
    ///   - chunk: Entries per `XRANGE` (default 10,000).
    package init(redis: RedisClient, partitions: StreamPartitions = .single, chunk: Int = 10_000) {
        self.redis = redis
        self.partitions = partitions
        self.chunk = chunk
    }

    /// Every interaction stored so far, in stream order, the partitions merged by entry id
    /// (time); entries without user or item skipped. Each one's ``LoggedInteraction/entryID`` is
    /// its ``StreamPosition``.
    /// - Throws: A ``RedisError``.
    package func readAll() async throws(RedisError) -> [LoggedInteraction] {
        var all: [LoggedInteraction] = []
        for partition in partitions.all {
            all += try await redis.allStreamEntries(WorkStream.interactions.key(partition: partition), chunk: chunk) { entry in
                LoggedInteraction(
                    entryID: StreamPosition.make(entryID: entry.id, partition: partition),
                    entry: InteractionEntry(fields: { entry[$0] }))
            }
        }
        guard partitions.count > 1 else { return all }
        return all.sorted { a, b in
            let (x, y) = (StreamPosition.split(a.entryID), StreamPosition.split(b.entryID))
            return x.entryID == y.entryID ? x.partition < y.partition : StreamEntryID.isAfter(y.entryID, x.entryID)
        }
    }
}
