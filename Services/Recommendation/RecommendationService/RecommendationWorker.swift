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
/// (``RecentInteractions``), so new behaviour reaches Recommend before the next refresh. An
/// embedded item is added to the content index of this replica. Each entry is acknowledged after
/// it is handled (at least once); handling twice changes nothing (the recent events are keyed
/// by interaction id). An entry without `user_id`/`item_id` fails every delivery and is
/// dead-lettered to `<stream>:dead` after `STYLECAST_QUEUE_MAX_DELIVERIES`.
package struct RecommendationWorker: Service {
    private let interactions: WorkQueue
    private let embedded: WorkQueue
    private let engine: RecommendationEngine

    /// Creates the worker.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - consumer: This replica's consumer name.
    ///   - claimIdle: When a dead consumer's entries are claimed.
    ///   - maxDeliveries: Deliveries before dead-lettering.
    ///   - engine: Records interactions and embedded items.
    ///   - logger: Logs failures.
    package init(
        redis: RedisClient, consumer: String, claimIdle: Duration, maxDeliveries: Int, engine: RecommendationEngine,
        logger: Logger
    ) throws {
        func queue(_ stream: WorkStream) throws -> WorkQueue {
            try WorkQueue(
                client: redis, stream: stream.key, group: ConsumerGroup.recommendation.rawValue, consumer: consumer,
                configuration: .init(
                    claimIdleTime: claimIdle, maxDeliveries: maxDeliveries, deadLetterStream: stream.deadLetterKey),
                logger: logger)
        }
        interactions = try queue(.interactions)
        embedded = try queue(.itemsEmbedded)
        self.engine = engine
    }

    package func run() async throws {
        let worker = self
        let stop: @Sendable () -> Bool = { Task.isShuttingDownGracefully }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.interactions.run(until: stop) { try await worker.handleInteraction($0) } }
            group.addTask { try await worker.embedded.run(until: stop) { try await worker.handleEmbedded($0) } }
            try await WorkerGroup.awaitAll(&group)
        }
    }

    /// Records one interaction; throws for an entry without user or item.
    func handleInteraction(_ entry: WorkQueue.Entry) async throws {
        guard let interaction = LoggedInteraction(entryID: entry.id, entry: InteractionEntry(fields: { entry[$0] })) else {
            throw InvalidInput(field: "user_id/item_id", rule: "entry \(entry.id) has no user_id or item_id")
        }
        // Entries the model was trained on are already in its histories.
        if let model = engine.model, !StreamEntryID.isAfter(entry.id, model.watermark) { return }
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
