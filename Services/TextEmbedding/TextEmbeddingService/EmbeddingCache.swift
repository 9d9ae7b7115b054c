import Logging
import StylecastRedis
import StylecastText

/// Embeddings of texts seen before, in Redis with a time to live.
///
/// Key: `stylecast:embedding:{<sha1 of the text>}` (one hash tag per key: no multi-key
/// operation spans them). Value: the token count as 4 little-endian bytes, then the 384 floats,
/// little-endian. The cache is an optimisation: when Redis fails, calls go on uncached and the
/// failure is logged.
public struct EmbeddingCache: Sendable {
    private let redis: RedisClient
    private let timeToLive: Duration
    private let logger: Logger

    /// Creates the cache.
    /// - Parameters:
    ///   - redis: Where entries live.
    ///   - timeToLive: Lifetime of an entry; zero disables the cache.
    ///   - logger: Receives Redis failures.
    public init(redis: RedisClient, timeToLive: Duration, logger: Logger) {
        self.redis = redis
        self.timeToLive = timeToLive
        self.logger = logger
    }

    /// The key of a text's entry.
    public static func key(for text: String) -> String {
        "stylecast:embedding:{\(SHA1.hexDigest(Array(text.utf8)))}"
    }

    /// Cached embeddings, `nil` where absent (or when the cache is off or unreachable).
    public func lookup(_ texts: [String]) async -> [SentenceEmbedding?] {
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
    public func store(_ entries: [(text: String, embedding: SentenceEmbedding)]) async {
        guard timeToLive > .zero, !entries.isEmpty else { return }
        let milliseconds = RedisArgument(Int(timeToLive.components.seconds * 1000 + timeToLive.components.attoseconds / 1_000_000_000_000_000))
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
        var bytes = withUnsafeBytes(of: UInt32(embedding.tokenCount).littleEndian) { Array($0) }
        bytes.reserveCapacity(4 + embedding.vector.count * 4)
        for value in embedding.vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> SentenceEmbedding? {
        guard bytes.count > 4, (bytes.count - 4) % 4 == 0 else { return nil }
        func word(at offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
        }
        let tokenCount = Int(word(at: 0))
        let vector = stride(from: 4, to: bytes.count, by: 4).map { Float(bitPattern: word(at: $0)) }
        return SentenceEmbedding(vector: vector, tokenCount: tokenCount, isTruncated: false)
    }
}
