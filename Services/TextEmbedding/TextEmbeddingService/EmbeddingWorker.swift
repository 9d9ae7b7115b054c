import Foundation
import Logging
import ServiceLifecycle
import StylecastAttributes
import StylecastErrors
import StylecastRedis

/// The queue worker: consumes `stylecast:{items.ingested}` as the `text-embedding` consumer
/// group, embeds each item's title and description, stores the vector and the attributes, then
/// publishes the item to `stylecast:{items.embedded}`, and only then acknowledges the entry.
///
/// At least once and idempotent: the stored values are overwritten with the same values on a
/// redelivery, and the publication is guarded by an ``IdempotentApplier`` marker per entry, so a
/// redelivered entry publishes nothing twice. A malformed entry (no `item_id`, no text) fails
/// every delivery and lands in `stylecast:{items.ingested}:dead` with the reason after
/// `STYLECAST_QUEUE_MAX_DELIVERIES` deliveries; the worker goes on.
///
/// Entry fields read: `item_id` (required), `title`, `description` (at least one non-empty).
/// Published fields: `item_id`, `ingested_entry`, `attributes` (JSON list of
/// `{kind, value, origin, confidence}`), `token_count`.
public struct EmbeddingWorker: Service {
    /// The stream consumed.
    public static let ingestedStream = "stylecast:{items.ingested}"
    /// Where failing entries go.
    public static let deadLetterStream = "stylecast:{items.ingested}:dead"
    /// The stream published to.
    public static let embeddedStream = "stylecast:{items.embedded}"
    /// The consumer group of this service.
    public static let group = "text-embedding"

    /// Key of an item's embedding (token count u32 LE + float32 LE values).
    public static func embeddingKey(itemID: String) -> String { "stylecast:item:{\(itemID)}:embedding" }
    /// Key of an item's extracted attributes (JSON).
    public static func attributesKey(itemID: String) -> String { "stylecast:item:{\(itemID)}:attributes" }

    private let queue: WorkQueue
    private let applier: IdempotentApplier
    private let redis: RedisClient
    private let engine: EmbeddingEngine
    private let batcher: EmbeddingBatcher
    private let combiner: AttributeCombiner
    private let logger: Logger

    /// Creates the worker.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - consumer: This replica's consumer name.
    ///   - claimIdle: When a dead consumer's entries are claimed.
    ///   - maxDeliveries: Deliveries before dead-lettering.
    ///   - engine: Tokeniser and attribute extractor.
    ///   - batcher: Encoder passes, shared with the RPCs.
    ///   - combiner: Lexicon and zero-shot attributes (zero-shot reuses the item's embedding).
    ///   - logger: Logs each failure.
    public init(
        redis: RedisClient, consumer: String, claimIdle: Duration, maxDeliveries: Int,
        engine: EmbeddingEngine, batcher: EmbeddingBatcher, combiner: AttributeCombiner,
        logger: Logger
    ) throws {
        queue = try WorkQueue(
            client: redis, stream: Self.ingestedStream, group: Self.group, consumer: consumer,
            configuration: .init(
                claimIdleTime: claimIdle, maxDeliveries: maxDeliveries, deadLetterStream: Self.deadLetterStream),
            logger: logger)
        applier = IdempotentApplier(client: redis, hashTag: "items.embedded", scope: Self.group)
        self.redis = redis
        self.engine = engine
        self.batcher = batcher
        self.combiner = combiner
        self.logger = logger
    }

    public func run() async throws {
        let worker = self
        // Stops between entries on graceful shutdown, finishing the batch in hand (not cancelled:
        // its writes and acknowledgements would fail half way).
        try await worker.queue.run(until: { Task.isShuttingDownGracefully }) { entry in try await worker.handle(entry) }
    }

    /// Processes one entry: embed, store, publish. Throws for a malformed entry.
    func handle(_ entry: WorkQueue.Entry) async throws {
        guard let itemID = entry["item_id"], !itemID.isEmpty else {
            throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
        }
        let text = [entry["title"], entry["description"]].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: ". ")
        guard !text.isEmpty else {
            throw InvalidInput(field: "title/description", rule: "item \(itemID) (entry \(entry.id)) has no text to embed")
        }
        let tokenized = engine.tokenize([text])
        let result = try await batcher.embed(tokenized)
        guard let embedding = result.embeddings.first else {
            throw InvalidInput(field: "text", rule: "item \(itemID) produced no embedding")
        }
        let attributes = combiner.attributes(in: text, embedding: embedding.vector).map {
            ["kind": $0.kind.rawValue, "value": $0.value, "origin": $0.origin.rawValue, "confidence": Double($0.confidence)]
                as [String: Any]
        }
        let attributesJSON = String(
            decoding: try JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys]), as: UTF8.self)
        let stored = try await redis.pipeline([
            ["SET", RedisArgument(Self.embeddingKey(itemID: itemID)), RedisArgument(EmbeddingCache.encode(embedding))],
            ["SET", RedisArgument(Self.attributesKey(itemID: itemID)), RedisArgument(attributesJSON)],
        ])
        if let failure = stored.first(where: { $0.errorMessage != nil })?.errorMessage {
            throw RedisError.server(failure)
        }
        _ = try await applier.apply(
            entryID: entry.id,
            writes: [
                RedisWrite([
                    "XADD", .key(Self.embeddedStream), "*",
                    "item_id", .argument(RedisArgument(itemID)),
                    "ingested_entry", .argument(RedisArgument(entry.id)),
                    "attributes", .argument(RedisArgument(attributesJSON)),
                    "token_count", .argument(RedisArgument(embedding.tokenCount)),
                ])
            ])
    }
}
