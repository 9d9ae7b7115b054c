import StylecastCalendar
import StylecastContracts
import StylecastProto
import StylecastRedis
import SwiftProtobuf

/// The trained model and what it needs from the catalogue, in Redis: the model blob and its
/// version under `stylecast:{models}:recommendation:*`, the items' categories from their
/// bodies, and their embeddings.
package struct ModelStore: Sendable {
    private let redis: RedisClient

    /// Creates the store.
    /// - Parameter redis: The Redis pool.
    package init(redis: RedisClient) {
        self.redis = redis
    }

    /// Stores a model: the blob and the version replicas poll in one atomic `MSET` (one hash
    /// tag), so the stored version is always the stored blob's, whatever saves run at once.
    /// - Throws: ``RecommendationError`` or ``RedisError``.
    package func save(_ model: RecommenderModel) async throws {
        let bytes = try ModelCodec.encode(model)
        try await redis.send(
            "MSET", RedisArgument(StylecastKeys.Recommendation.model), RedisArgument(bytes),
            RedisArgument(StylecastKeys.Recommendation.modelVersion), RedisArgument(String(model.version)))
    }

    /// Takes the lock that lets one Refresh train at a time across replicas (`SET NX PX`).
    /// - Parameters:
    ///   - owner: A token unique to this Refresh.
    ///   - lifetime: When the lock frees itself if its owner died.
    /// - Returns: Whether this Refresh holds the lock now.
    package func lockRefresh(owner: String, lifetime: Duration) async throws(RedisError) -> Bool {
        let reply = try await redis.send(
            "SET", RedisArgument(StylecastKeys.Recommendation.refreshLock), RedisArgument(owner), "NX", "PX",
            RedisArgument(Int(Swift.max(1, lifetime.milliseconds))))
        return reply.string == "OK"
    }

    /// Whether some Refresh holds the lock.
    package func isRefreshLocked() async throws(RedisError) -> Bool {
        try await redis.send("EXISTS", RedisArgument(StylecastKeys.Recommendation.refreshLock)).integer == 1
    }

    /// Frees the lock if `owner` still holds it.
    package func unlockRefresh(owner: String) async throws(RedisError) {
        try await redis.evaluate(Self.unlockScript, keys: [RedisArgument(StylecastKeys.Recommendation.refreshLock)], arguments: [RedisArgument(owner)])
    }

    static let unlockScript = RedisScript(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end")

    /// The version of the stored model, `nil` when none is stored.
    /// - Throws: A ``RedisError``.
    package func storedVersion() async throws(RedisError) -> UInt64? {
        try await redis.send("GET", RedisArgument(StylecastKeys.Recommendation.modelVersion)).string.flatMap { UInt64($0) }
    }

    /// The stored model, `nil` when none is stored.
    /// - Throws: ``RecommendationError/unreadableStoredModel(_:)`` or a ``RedisError``.
    package func load() async throws -> RecommenderModel? {
        guard let bytes = try await redis.send("GET", RedisArgument(StylecastKeys.Recommendation.model)).bytes else { return nil }
        return try ModelCodec.decode(bytes)
    }

    /// The stored bodies of the items that have one (a body that does not decode is left out).
    /// - Parameter itemIDs: The items.
    /// - Throws: A ``RedisError``.
    package func items(_ itemIDs: [String]) async throws(RedisError) -> [String: Stylecast_V1_FashionItem] {
        var items: [String: Stylecast_V1_FashionItem] = [:]
        let bodies = try await redis.values(of: itemIDs.map(StylecastKeys.item), chunk: 1000)
        for (id, bytes) in zip(itemIDs, bodies) {
            guard let bytes, let item = try? Stylecast_V1_FashionItem(serializedBytes: bytes) else { continue }
            items[id] = item
        }
        return items
    }

    /// The embeddings of the items that have one (`EmbeddingCodec`).
    /// - Parameter itemIDs: The items.
    /// - Throws: A ``RedisError``.
    package func embeddings(of itemIDs: [String]) async throws(RedisError) -> [String: [Float]] {
        var vectors: [String: [Float]] = [:]
        for (id, bytes) in zip(itemIDs, try await redis.values(of: itemIDs.map(StylecastKeys.itemEmbedding))) {
            if let embedding = bytes.flatMap(EmbeddingCodec.decode) { vectors[id] = embedding.vector }
        }
        return vectors
    }
}
