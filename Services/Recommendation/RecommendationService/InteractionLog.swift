import StylecastContracts
import StylecastRedis

/// Reads the whole interactions stream in chunks (`XRANGE` with an exclusive start), for
/// training.
package struct InteractionLog: Sendable {
    private let redis: RedisClient
    private let chunk: Int

    /// Creates the reader.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - chunk: Entries per `XRANGE` (default 10,000).
    package init(redis: RedisClient, chunk: Int = 10_000) {
        self.redis = redis
        self.chunk = chunk
    }

    /// Every interaction stored so far, in stream order (entries without user or item skipped).
    /// - Throws: A ``RedisError``.
    package func readAll() async throws(RedisError) -> [LoggedInteraction] {
        try await redis.allStreamEntries(WorkStream.interactions.key, chunk: chunk) { entry in
            LoggedInteraction(entryID: entry.id, entry: InteractionEntry(fields: { entry[$0] }))
        }
    }
}
