import StylecastContracts
import StylecastRedis
import StylecastServiceKit

/// Rebuilds every trend series from the retained streams: deletes every trend key of every trend
/// partition (`stylecast:{trends}:*`, `stylecast:{trends#<p>}:*`: series, totals, examples,
/// parked purchases, idempotency markers) except the view versions, which it raises so that
/// every trend view rebuilds, and re-creates the consumer group
/// `trend-aggregation` at the start of the three streams it reads (every partition), in one Lua script, so the
/// running workers aggregate every entry again (docs/operations.md, "Rebuilding the trend series").
///
/// Safe while trend-aggregation runs: an entry a worker applies after the script has its marker
/// written with it, so the same entry read again from the start is skipped; one it applied before
/// was deleted with everything else and is applied again once. Streams are never trimmed, so
/// nothing is lost; entries in the dead-letter streams stay there.
package enum TrendRebuild {
    /// What the script did.
    package struct Summary: Sendable, Equatable {
        /// Keys deleted.
        package var deletedKeys: Int
        /// Entries in the three streams, to be aggregated again.
        package var entries: Int
    }

    /// The streams trend-aggregation reads, every partition of each.
    package static func streams(_ partitions: StreamPartitions) -> [String] {
        [WorkStream.itemsEmbedded, .interactions, .signals].flatMap { $0.keys(partitions) }
    }

    static let script = RedisScript(
        """
        local versions = {}
        for i = 3, #ARGV do versions[ARGV[i]] = true end
        local deleted = 0
        local cursor = '0'
        repeat
          local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
          cursor = reply[1]
          for _, key in ipairs(reply[2]) do
            if not versions[key] then deleted = deleted + redis.call('DEL', key) end
          end
        until cursor == '0'
        for i = 3, #ARGV do redis.call('INCR', ARGV[i]) end
        local entries = 0
        for i = 1, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 1 then
            pcall(redis.call, 'XGROUP', 'DESTROY', KEYS[i], ARGV[2])
          end
          redis.call('XGROUP', 'CREATE', KEYS[i], ARGV[2], '0', 'MKSTREAM')
          entries = entries + redis.call('XLEN', KEYS[i])
        end
        return {deleted, entries}
        """)

    /// Runs the rebuild.
    /// - Parameter redis: The deployment's Redis.
    /// - Returns: Keys deleted and entries to aggregate again.
    package static func run(redis: RedisClient) async throws -> Summary {
        let partitions = try await StreamPartitionsRecord.recorded(on: redis)
        let reply = try await redis.evaluate(
            script, keys: streams(partitions).map { RedisArgument($0) },
            arguments: [RedisArgument(StylecastKeys.Trends.all), RedisArgument(TrendAggregator.group)]
                + partitions.all.map { RedisArgument(StylecastKeys.Trends.viewVersion(partition: $0)) })
        let numbers = (reply.array ?? []).compactMap { $0.integer }
        return Summary(deletedKeys: Int(numbers.first ?? 0), entries: Int(numbers.count > 1 ? numbers[1] : 0))
    }
}
