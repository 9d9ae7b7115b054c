import Logging
import StylecastCalendar
import StylecastContracts
import StylecastRedis
import StylecastText

/// Embeddings of texts seen before, in Redis with a time to live.
///
/// Key: `StylecastKeys.textEmbedding(sha1:)` of the text (one hash tag per key: no multi-key
/// operation spans them). Value: `EmbeddingCodec` bytes. The cache is an optimisation: when Redis fails, calls go on uncached and the
/// failure is logged.
package struct EmbeddingCache: Sendable {
    private let redis: RedisClient
    private let timeToLive: Duration
    private let logger: Logger

    /// Creates the cache.
    /// - Parameters:
    ///   - redis: Where entries live.
    ///   - timeToLive: Lifetime of an entry; zero disables the cache.
    ///   - logger: Receives Redis failures.
    package init(redis: RedisClient, timeToLive: Duration, logger: Logger) {
        self.redis = redis
        self.timeToLive = timeToLive
        self.logger = logger
    }

    /// The key of a text's entry.
    package static func key(for text: String) -> String {
        StylecastKeys.textEmbedding(sha1: SHA1.hexDigest(Array(text.utf8)))
    }

    /// Cached embeddings, `nil` where absent (or when the cache is off or unreachable).
    package func lookup(_ texts: [String]) async -> [SentenceEmbedding?] {
        guard timeToLive > .zero, !texts.isEmpty else { return Array(repeating: nil, count: texts.count) }
        do {
            let replies = try await redis.pipeline(texts.map { ["GET", RedisArgument(Self.key(for: $0))] })
            return replies.map { reply in reply.bytes.flatMap(Self.decode) }
        } catch {
            logger.warning("embedding cache lookup failed; computing instead", metadata: ["error": "\(error)"])
            return Array(repeating: nil, count: texts.count)
        }
    }

    /// Stores embeddings of texts.
    package func store(_ entries: [(text: String, embedding: SentenceEmbedding)]) async {
        guard timeToLive > .zero, !entries.isEmpty else { return }
        let milliseconds = RedisArgument(Int(timeToLive.wholeMilliseconds))
        do {
            _ = try await redis.pipeline(
                entries.map { entry in
                    ["SET", RedisArgument(Self.key(for: entry.text)), RedisArgument(Self.encode(entry.embedding)), "PX", milliseconds]
                })
        } catch {
            logger.warning("embedding cache store failed", metadata: ["error": "\(error)"])
        }
    }

    static func encode(_ embedding: SentenceEmbedding) -> [UInt8] {
        EmbeddingCodec.encode(tokenCount: embedding.tokenCount, vector: embedding.vector)
    }

    static func decode(_ bytes: [UInt8]) -> SentenceEmbedding? {
        EmbeddingCodec.decode(bytes).map { SentenceEmbedding(vector: $0.vector, tokenCount: $0.tokenCount, isTruncated: false) }
    }
}
