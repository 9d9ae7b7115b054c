import Logging
import ServiceLifecycle
import StylecastContracts
import StylecastErrors
import StylecastRedis
import StylecastServiceKit

/// The queue worker: consumes `stylecast:{interactions}` and `stylecast:{items.embedded}` as
/// the `recommendation` consumer group.
///
/// An interaction is recorded in the user's recent events and deletes the user's cached answer
/// (``RecentInteractions``), so new behaviour reaches Recommend before the next refresh; one
/// with a `recommendation_id` is also counted by the attribution counters. An
/// embedded item is added to the content index of this replica. Each entry is acknowledged after
/// it is handled (at least once); handling twice changes nothing (the recent events are keyed
/// by interaction id). An entry without `user_id`/`item_id` fails every delivery and is
/// dead-lettered to `<stream>:dead` after `STYLECAST_QUEUE_MAX_DELIVERIES`.
package struct RecommendationWorker: Service {
    /// Every partition of `interactions`, with its number (part of each interaction's position).
    private let interactions: [(queue: WorkQueue, partition: Int)]
    private let embedded: [WorkQueue]
    private let partitions: StreamPartitions
    private let redis: RedisClient
    private let engine: RecommendationEngine
    private let logger: Logger

    /// Creates the worker.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - partitions: How the work streams are split (every partition is read).
    ///   - consumer: This replica's consumer name.
    ///   - claimIdle: When a dead consumer's entries are claimed.
    ///   - maxDeliveries: Deliveries before dead-lettering.
    ///   - engine: Records interactions and embedded items.
    ///   - logger: Logs failures.
    package init(
        redis: RedisClient, partitions: StreamPartitions = .single, consumer: String, claimIdle: Duration,
        maxDeliveries: Int, engine: RecommendationEngine, logger: Logger
    ) throws {
        func queues(_ stream: WorkStream) throws -> [WorkQueue] {
            try WorkQueue.partitions(
                of: stream, partitions, client: redis, group: ConsumerGroup.recommendation.rawValue, consumer: consumer,
                claimIdle: claimIdle, maxDeliveries: maxDeliveries, logger: logger)
        }
        interactions = Array(zip(try queues(.interactions), partitions.all))
        embedded = try queues(.itemsEmbedded)
        self.partitions = partitions
        self.redis = redis
        self.engine = engine
        self.logger = logger
    }

    package func run() async throws {
        let worker = self
        let stop: @Sendable () -> Bool = { Task.isShuttingDownGracefully }
        try await StreamPartitionsRecord.verifyWhenReachable(partitions, on: redis, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (queue, partition) in worker.interactions {
                group.addTask { try await queue.run(until: stop) { try await worker.handleInteraction($0, partition: partition) } }
            }
            for queue in worker.embedded {
                group.addTask { try await queue.run(until: stop) { try await worker.handleEmbedded($0) } }
            }
            try await WorkerGroup.awaitAll(&group)
        }
    }

    /// Records one interaction of `partition`; throws for an entry without user or item.
    func handleInteraction(_ entry: WorkQueue.Entry, partition: Int = 0) async throws {
        let position = StreamPosition.make(entryID: entry.id, partition: partition)
        let fields = InteractionEntry(fields: { entry[$0] })
        guard let interaction = LoggedInteraction(entryID: position, entry: fields) else {
            throw InvalidInput(field: "user_id/item_id", rule: "entry \(entry.id) has no user_id or item_id")
        }
        // Attribution counts every interaction once read, the ones a model was trained on too.
        if !fields[.recommendationID].isEmpty {
            engine.attribute(kind: interaction.kind, itemID: interaction.itemID, recommendationID: fields[.recommendationID])
        }
        // Entries the model was trained on are already in its histories.
        if let model = engine.model, !StreamPosition.isAfter(position, watermark: model.watermark) { return }
        try await engine.record(interaction)
    }

    /// Adds one embedded item to the content index; throws for an entry without `item_id`.
    func handleEmbedded(_ entry: WorkQueue.Entry) async throws {
        let itemID = EmbeddedItemEntry(fields: { entry[$0] })[.itemID]
        guard !itemID.isEmpty else {
            throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
        }
        try await engine.addEmbeddedItem(itemID)
    }
}
