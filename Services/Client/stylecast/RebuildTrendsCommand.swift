import ArgumentParser
import TrendAggregationService

/// `stylecast rebuild-trends`: recomputes every trend series from the retained streams.
struct RebuildTrendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild-trends",
        abstract: "Rebuild every trend series from the retained streams (after an upgrade of the trend layout).",
        discussion: """
            Deletes every trend key (stylecast:{trends}:* and, with stream partitions, stylecast:{trends#<p>}:*) and restarts trend-aggregation's consumer group \
            at the start of its three streams, in one step; the running trend-aggregation service \
            then aggregates every item, purchase and search series again (stylecast status \
            --wait-drained shows the progress). Safe while the service runs (docs/operations.md).

            Examples:
              stylecast rebuild-trends
              stylecast rebuild-trends --redis-url redis://redis:6379/0
            """)

    @OptionGroup var redis: RedisOptions

    func run() async throws {
        let summary = try await withQuietRedisClient(try redis.url()) { try await TrendRebuild.run(redis: $0) }
        print("deleted \(summary.deletedKeys) trend keys; trend-aggregation now reads \(summary.entries) stream entries again")
    }
}
