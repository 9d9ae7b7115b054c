import StylecastRedis

/// Reads the whole interactions stream in chunks (`XRANGE` with an exclusive start), for
/// training.
public struct InteractionLog: Sendable {
    private let redis: RedisClient
    private let chunk: Int

    /// Creates the reader.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - chunk: Entries per `XRANGE` (default 10,000).
    public init(redis: RedisClient, chunk: Int = 10_000) {
        self.redis = redis
        self.chunk = chunk
    }

    /// Every interaction stored so far, in stream order (entries without user or item skipped).
    /// - Throws: A ``RedisError``.
    public func readAll() async throws(RedisError) -> [LoggedInteraction] {
        var interactions: [LoggedInteraction] = []
        var start = "-"
        while true {
            let reply = try await redis.send([
                "XRANGE", RedisArgument(RecommendationKeys.interactionsStream), RedisArgument(start), "+", "COUNT",
                RedisArgument(chunk),
            ])
            guard let entries = reply.array else { throw .protocolError("XRANGE answered \(reply)") }
            for entry in entries {
                guard let pair = entry.array, pair.count == 2, let id = pair[0].string, let flat = pair[1].array else {
                    throw .protocolError("XRANGE entry \(entry)")
                }
                var fields: [String: String] = [:]
                for index in stride(from: 0, to: flat.count - 1, by: 2) {
                    if let name = flat[index].string { fields[name] = flat[index + 1].string }
                }
                if let interaction = LoggedInteraction(entryID: id, field: { fields[$0] }) {
                    interactions.append(interaction)
                }
                start = "(" + id
            }
            if entries.count < chunk { return interactions }
        }
    }
}
