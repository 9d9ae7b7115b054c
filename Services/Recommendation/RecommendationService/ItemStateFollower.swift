import Logging
import ServiceLifecycle
import StylecastContracts
import StylecastRedis

/// Follows ``ItemStateLog`` (the items whose stock, price or hidden state ingest changed) and has
/// the engine read their bodies again, so that an item out of stock or hidden leaves every list
/// of this replica within one poll interval (`STYLECAST_REC_ITEM_STATE_POLL_MS`).
///
/// Every replica reads the whole log (no consumer group: each keeps its own catalogue), from the
/// log's end as it was when the follower started; right after taking that position it reads
/// every known item's body again, so a change made before it is in the catalogue too. While
/// Redis is unreachable it retries at the poll interval, from where it was.
package struct ItemStateFollower: Service {
    private let redis: RedisClient
    private let engine: RecommendationEngine
    private let pollInterval: Duration
    private let logger: Logger
    /// Entries read per round trip.
    static let pageSize = 1000

    /// Creates the follower.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - engine: Whose catalogue is kept current.
    ///   - pollInterval: Wait between reads when the log has nothing new.
    ///   - logger: Logs failures.
    package init(redis: RedisClient, engine: RecommendationEngine, pollInterval: Duration, logger: Logger) {
        self.redis = redis
        self.engine = engine
        self.pollInterval = pollInterval
        self.logger = logger
    }

    package func run() async throws {
        var position: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var caughtUp = true
            do {
                if let current = position {
                    let entries = try await redis.streamEntries(ItemStateLog.key, after: current, count: Self.pageSize)
                    let itemIDs = Set(entries.compactMap { $0[ItemStateLog.itemIDField] }.filter { !$0.isEmpty })
                    if !itemIDs.isEmpty { try await engine.itemStateChanged(Array(itemIDs)) }
                    if let last = entries.last?.id { position = last }
                    caughtUp = entries.count < Self.pageSize
                } else {
                    position = try await redis.lastStreamEntryID(ItemStateLog.key) ?? "0-0"
                    try await engine.reloadCatalogue()
                }
            } catch {
                logger.warning("item state log read failed; retrying", metadata: ["error": "\(error)"])
            }
            guard caughtUp else { continue }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
            } catch {
                return
            }
        }
    }
}
