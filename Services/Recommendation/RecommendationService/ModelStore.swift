import Foundation
import StylecastProto
import StylecastRedis
import SwiftProtobuf

/// The trained model and what it needs from the catalogue, in Redis: the model blob and its
/// version under `stylecast:{models}:recommendation:*`, the items' categories from their
/// bodies, and their embeddings.
public struct ModelStore: Sendable {
    private let redis: RedisClient

    /// Creates the store.
    /// - Parameter redis: The Redis pool.
    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// Stores a model: the blob first, then the version replicas poll, so a replica that sees
    /// the new version finds the new blob.
    /// - Throws: ``RecommendationError`` or ``RedisError``.
    public func save(_ model: RecommenderModel) async throws {
        let bytes = try ModelCodec.encode(model)
        try await check(redis.send("SET", RedisArgument(RecommendationKeys.model), RedisArgument(bytes)))
        try await check(
            redis.send("SET", RedisArgument(RecommendationKeys.modelVersion), RedisArgument(String(model.version))))
    }

    /// The version of the stored model, `nil` when none is stored.
    /// - Throws: A ``RedisError``.
    public func storedVersion() async throws(RedisError) -> UInt64? {
        try await redis.send("GET", RedisArgument(RecommendationKeys.modelVersion)).string.flatMap { UInt64($0) }
    }

    /// The stored model, `nil` when none is stored.
    /// - Throws: ``RecommendationError/unreadableStoredModel(_:)`` or a ``RedisError``.
    public func load() async throws -> RecommenderModel? {
        guard let bytes = try await redis.send("GET", RedisArgument(RecommendationKeys.model)).bytes else { return nil }
        return try ModelCodec.decode(bytes)
    }

    /// The canonical category of each item that has a body (ingest's `FashionItem.category`).
    /// - Parameter itemIDs: The items.
    /// - Throws: A ``RedisError``.
    public func categories(of itemIDs: [String]) async throws(RedisError) -> [String: String] {
        var categories: [String: String] = [:]
        for start in stride(from: 0, to: itemIDs.count, by: 1000) {
            let ids = Array(itemIDs[start..<min(start + 1000, itemIDs.count)])
            let replies = try await redis.pipeline(ids.map { ["GET", RedisArgument(RecommendationKeys.item($0))] })
            for (id, reply) in zip(ids, replies) {
                guard let bytes = reply.bytes,
                    let item = try? Stylecast_V1_FashionItem(serializedBytes: bytes), !item.category.isEmpty
                else { continue }
                categories[id] = item.category
            }
        }
        return categories
    }

    /// The embeddings of the items that have one (token count u32 LE, then float32 LE values).
    /// - Parameter itemIDs: The items.
    /// - Throws: A ``RedisError``.
    public func embeddings(of itemIDs: [String]) async throws(RedisError) -> [String: [Float]] {
        var vectors: [String: [Float]] = [:]
        for start in stride(from: 0, to: itemIDs.count, by: 500) {
            let ids = Array(itemIDs[start..<min(start + 500, itemIDs.count)])
            let replies = try await redis.pipeline(ids.map { ["GET", RedisArgument(RecommendationKeys.embedding($0))] })
            for (id, reply) in zip(ids, replies) {
                if let bytes = reply.bytes, let vector = Self.decodeEmbedding(bytes) { vectors[id] = vector }
            }
        }
        return vectors
    }

    /// The float values of a stored embedding, `nil` when malformed.
    static func decodeEmbedding(_ bytes: [UInt8]) -> [Float]? {
        guard bytes.count > 4, (bytes.count - 4) % 4 == 0 else { return nil }
        return stride(from: 4, to: bytes.count, by: 4).map { offset in
            Float(
                bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24)
        }
    }

    private func check(_ reply: RedisValue) throws(RedisError) {
        if let message = reply.errorMessage { throw .server(message) }
    }
}
