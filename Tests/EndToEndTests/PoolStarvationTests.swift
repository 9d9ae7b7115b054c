import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastCalendar
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// RPCs and queue consumers share a service's Redis pool: consumers waiting for work must not
/// hold its connections, and a backlog must not starve the calls.
@Suite("Redis pool: RPCs are not starved by queue consumers", .serialized, .timeLimit(.minutes(10)))
struct PoolStarvationTests {
    /// The 99th percentile of `samples` (nearest rank).
    static func p99(_ samples: [Duration]) -> Duration {
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
    }

    /// Entries of `stream` not yet acknowledged by trend-aggregation (read but pending, or unread).
    static func backlog(_ redis: RedisClient, stream: String) async throws -> Int {
        guard let group = try await TrendCallsTests.groupInfo(redis, stream: stream) else { return -1 }
        return Int((group["lag"]?.integer ?? 0) + (group["pending"]?.integer ?? 0))
    }

    @Test("trend-aggregation with a pool of one connection (the smallest allowed) and four consumers: ListMarkets p99 under a 30,000-purchase backlog within 3x of idle")
    func backlogDoesNotStarveRPCs() async throws {
        let harness = try await IngestHarness.start()
        let combos = [("dress", "black"), ("dress", "red"), ("coat", "black"), ("shirt", "red"), ("jeans", "blue")]
        let items = combos.flatMap { category, color in
            (1...4).map { copy in
                #"{"source":"shop","source_id":"\#(category)-\#(color)-\#(copy)","title":"\#(color) \#(category) \#(copy)","category":"\#(category)","color":"\#(color)"}"#
            }
        }
        let monday = try #require(CivilDay(iso: "2023-01-02"))
        let purchases = (0..<30_000).map { n in
            let (category, color) = combos[n % combos.count]
            let time = monday.adding(days: n % 364).unixTime + Int64(n % 86_400)
            return #"{"userId":"shop:u\#(n % 997)","itemId":"shop:\#(category)-\#(color)-\#(1 + n % 4)","kind":"purchase","timestamp":"\#(time)","quantity":1,"interactionId":"shop:tx:\#(n)"}"#
        }
        for (lines, name) in [(items, "items.jsonl"), (purchases, "purchases.jsonl")] {
            let run = try await harness.ingestLines(lines, as: name)
            #expect(run.status == 0, "\(run.output.suffix(500))")
        }
        // The backlog is in place before trend-aggregation starts.
        let trend = try await TrendCallsTests.startTrends(
            harness, environment: ["STYLECAST_REDIS_POOL_SIZE": "1", "STYLECAST_LOG_LEVEL": "warning"])

        let stream = WorkStream.interactions.key
        try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            func measure(_ calls: Int) async throws -> [Duration] {
                var samples: [Duration] = []
                for _ in 0..<calls {
                    let start = ContinuousClock.now
                    _ = try await service.listMarkets(.init())
                    samples.append(ContinuousClock.now - start)
                }
                return samples
            }
            // Under the backlog: the consumers work flat out beside the calls.
            let before = try await Self.backlog(harness.client, stream: stream)
            let busy = try await measure(200)
            let after = try await Self.backlog(harness.client, stream: stream)
            #expect(before > 0 && after > 0, "the backlog must last the measurement: \(before) then \(after) entries")
            try await TrendCallsTests.drain(harness.client, stream: stream, timeout: .seconds(300))
            // Idle: the same calls with the four consumers blocked waiting for work.
            try await Task.sleep(for: .seconds(1))
            let idle = try await measure(200)
            let (busyP99, idleP99) = (Self.p99(busy), Self.p99(idle))
            print("ListMarkets p99 with a pool of 1: \(busyP99) under a backlog of \(before) entries, \(idleP99) idle")
            #expect(idleP99 < .milliseconds(250), "idle p99 \(idleP99): calls wait for consumers' blocking reads")
            // Starved calls would wait for consumers' blocking reads (seconds); sharing one
            // connection with four consumers' batches costs a few milliseconds. On 2 cores the
            // ratio measured 1.5-2.5x (2026-12-07, eight runs, before and after that day's
            // changes), so 3x separates the two without failing on the machine's noise.
            #expect(busyP99 <= idleP99 * 3, "p99 \(busyP99) under the backlog, \(idleP99) idle")
        }
        #expect(await trend.stop() == 0)
        await harness.stop()
    }
}
