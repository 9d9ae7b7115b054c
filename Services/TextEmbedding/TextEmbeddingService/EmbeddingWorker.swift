import Logging
import ServiceLifecycle
import StylecastAttributes
import StylecastContracts
import StylecastErrors
import StylecastRedis
import StylecastServiceKit

/// The queue worker: consumes `stylecast:{items.ingested}` as the `text-embedding` consumer
/// group, embeds each item's title and description, stores the vector and the attributes, then
/// publishes the item to `stylecast:{items.embedded}`, and only then acknowledges the entry. Up
/// to `STYLECAST_EMBED_WORKER_CONCURRENCY` entries of a batch are handled at once, so their texts
/// share the batcher's encoder passes instead of one pass per item.
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
package struct EmbeddingWorker: Service {
    /// The consumer group of this service.
    package static let group = ConsumerGroup.textEmbedding.rawValue

    /// Per partition of `items.ingested`: its queue and the applier that publishes on the same
    /// partition of `items.embedded` (an item's id decides both, so the markers of entries of one
    /// partition never meet those of another, whose entry IDs may be the same).
    private let partitions: [(queue: WorkQueue, applier: IdempotentApplier, partition: Int)]
    private let partitionCount: StreamPartitions
    private let redis: RedisClient
    private let service: EmbeddingService
    private let logger: Logger

    /// Creates the worker.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - partitions: How the work streams are split.
    ///   - consumer: This replica's consumer name.
    ///   - claimIdle: When a dead consumer's entries are claimed.
    ///   - maxDeliveries: Deliveries before dead-lettering.
    ///   - concurrency: Entries embedded at once (their texts share the encoder's passes).
    ///   - service: Embeds each item in the encoder passes shared with the RPCs, and extracts its
    ///     attributes (zero-shot reuses the item's embedding).
    ///   - logger: Logs each failure.
    package init(
        redis: RedisClient, partitions: StreamPartitions = .single, consumer: String, claimIdle: Duration,
        maxDeliveries: Int, concurrency: Int = 1, service: EmbeddingService, logger: Logger
    ) throws {
        let queues = try WorkQueue.partitions(
            of: IngestedItemEntry.stream, partitions, client: redis, group: Self.group, consumer: consumer,
            claimIdle: claimIdle, maxDeliveries: maxDeliveries, concurrency: concurrency, logger: logger)
        self.partitions = zip(queues, partitions.all).map { queue, partition in
            let applier = IdempotentApplier(
                client: redis,
                markerPrefix: StylecastKeys.appliedMarkerPrefix(
                    hashTag: EmbeddedItemEntry.stream.hashTag(partition: partition), scope: Self.group))
            return (queue, applier, partition)
        }
        self.partitionCount = partitions
        self.redis = redis
        self.service = service
        self.logger = logger
    }

    package func run() async throws {
        let worker = self
        try await StreamPartitionsRecord.verifyWhenReachable(partitionCount, on: redis, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (queue, applier, partition) in worker.partitions {
                // Stops between entries on graceful shutdown, finishing the batch in hand (not
                // cancelled: its writes and acknowledgements would fail half way).
                group.addTask {
                    try await queue.run(until: { Task.isShuttingDownGracefully }) { entry in
                        try await worker.handle(entry, publishingWith: applier, on: partition)
                    }
                }
            }
            try await WorkerGroup.awaitAll(&group)
        }
    }

    /// The text embedded for an item: its title and description, joined by ". " (empty when it has neither).
    package static func text(of entry: IngestedItemEntry) -> String {
        [entry[.title], entry[.description]].filter { !$0.isEmpty }.joined(separator: ". ")
    }

    /// Processes one entry: embed, store, publish. Throws for a malformed entry.
    func handle(_ entry: WorkQueue.Entry, publishingWith applier: IdempotentApplier, on partition: Int) async throws {
        let ingested = IngestedItemEntry(fields: { entry[$0] })
        let itemID = ingested[.itemID]
        guard !itemID.isEmpty else {
            throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
        }
        let text = Self.text(of: ingested)
        guard !text.isEmpty else {
            throw InvalidInput(field: "title/description", rule: "item \(itemID) (entry \(entry.id)) has no text to embed")
        }
        let (embedding, attributes) = try await service.embedItem(text: text)
        let attributesJSON = AttributesCodec.encode(
            attributes.map {
                ExtractedAttributeRecord(
                    kind: $0.kind.rawValue, value: $0.value, origin: $0.origin.rawValue, confidence: Double($0.confidence))
            })
        try await redis.pipelineFailingOnError([
            ["SET", RedisArgument(StylecastKeys.itemEmbedding(itemID)), RedisArgument(EmbeddingCache.encode(embedding))],
            ["SET", RedisArgument(StylecastKeys.itemAttributes(itemID)), RedisArgument(attributesJSON)],
        ])
        let published = EmbeddedItemEntry([
            .itemID: itemID, .ingestedEntry: entry.id, .attributes: attributesJSON, .tokenCount: String(embedding.tokenCount),
        ])
        let fields = published.fields.flatMap { field -> [RedisWrite.Part] in
            [.argument(RedisArgument(field.name)), .argument(RedisArgument(field.value))]
        }
        _ = try await applier.apply(
            entryID: entry.id,
            writes: [RedisWrite(["XADD", .key(EmbeddedItemEntry.stream.key(partition: partition)), "*"] + fields)])
    }
}
