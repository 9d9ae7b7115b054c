import ArgumentParser
import Foundation
import TrendAggregationService

/// `stylecast rebuild-trends`: recomputes every trend series from the retained streams.
struct RebuildTrendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild-trends",
        abstract: "Rebuild every trend series from the retained streams (after an upgrade of the trend layout).",
        discussion: """
            Deletes every stylecast:{trends}:* key and restarts trend-aggregation's consumer group \
            at the start of its three streams, in one step; the running trend-aggregation service \
            then aggregates every item, purchase and search series again (stylecast status \
            --wait-drained shows the progress). Safe while the service runs (docs/operations.md).

            Examples:
              stylecast rebuild-trends
              stylecast rebuild-trends --redis-url redis://redis:6379/0
            """)

    @Option(help: "Folder of the stack (default STYLECAST_RUN_DIR or .stylecast-run).")
    var runDir: String?

    @Option(help: "Redis of the deployment (default: the stack's, else STYLECAST_REDIS_URL).")
    var redisURL: String?

    func run() async throws {
        let stack = try LocalStack.load(from: LocalStack.runDirectory(runDir))
        guard let url = redisURL ?? stack?.redisURL ?? ProcessInfo.processInfo.environment["STYLECAST_REDIS_URL"] else {
            throw ValidationError("no Redis: give --redis-url, set STYLECAST_REDIS_URL, or run it beside `stylecast up`")
        }
        let summary = try await withQuietRedisClient(url) { try await TrendRebuild.run(redis: $0) }
        print("deleted \(summary.deletedKeys) trend keys; trend-aggregation now reads \(summary.entries) stream entries again")
    }
}
