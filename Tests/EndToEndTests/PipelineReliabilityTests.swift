import Foundation
import StylecastCalendar
import StylecastClient
import StylecastContracts
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// The pipeline under faults that the issue 19 review found: an entry whose values would make a
/// script fail part way, and SIGTERM in the middle of a backlog; with the real services and Redis.
@Suite("pipeline reliability: bad entries dead-lettered once, SIGTERM leaves nothing pending", .serialized, .timeLimit(.minutes(10)))
struct PipelineReliabilityTests {
    /// An item with VISUELLE-style weekly sales.
    static func salesItem(_ sourceID: String, sales: String) -> Stylecast_V1_FashionItem {
        .with {
            $0.source = "shop"
            $0.sourceID = sourceID
            $0.title = "a red dress \(sourceID)"
            $0.category = "dress"
            $0.color = "red"
            $0.releaseDate = "2023-01-02"
            $0.extra = ["weekly_sales": sales]
        }
    }

    /// A hash as a dictionary of strings.
    static func hash(_ redis: RedisClient, _ key: String) async throws -> [String: String] {
        try await redis.send("HGETALL", RedisArgument(key)).fieldMap?.compactMapValues(\.string) ?? [:]
    }

    /// Runs the `stylecast` CLI and returns its output and exit status.
    static func cli(_ arguments: [String]) async throws -> (output: String, status: Int32?) {
        let child = try ChildProcess(BuiltExecutables.path(of: "stylecast"), arguments: arguments)
        let status = await child.waitForExit(timeout: .seconds(60))
        return (child.output(), status)
    }

    @Test("items whose weekly sales hold inf or 1e308 are dead-lettered at once, naming extra.weekly_sales: every weekly count is the valid item's alone; `stylecast dead-letters` lists and replays them")
    func nonFiniteSales() async throws {
        let harness = try await IngestHarness.start(withEmbedding: true)
        let trend = try await TrendCallsTests.startTrends(harness)
        let summary = try await ReliabilityTests.send(
            [Self.salesItem("good", sales: "1,2,3"), Self.salesItem("inf", sales: "1,inf,3"), Self.salesItem("huge", sales: "2,1e308")],
            to: harness.ingest)
        #expect(summary.accepted == 3, "\(summary)")
        let stream = WorkStream.itemsEmbedded.key
        try await TrendCallsTests.drain(harness.client, stream: WorkStream.itemsIngested.key)
        try await TrendCallsTests.drain(harness.client, stream: stream)
        let sales = StylecastKeys.Trends.series(measure: "sales", source: "shop", market: "WW", kind: "category", value: "dress", partitions: .single)
        let expected = ["2023-01-02": "1065", "2023-01-09": "2130", "2023-01-16": "3195"]
        #expect(try await Self.hash(harness.client, sales) == expected)
        #expect(try await Self.hash(harness.client, StylecastKeys.Trends.totals(measure: "launches", source: "shop", market: "WW")) == ["2023-01-02": "1"])

        let redisURL = harness.redis.environmentValue
        let listed = try await Self.cli(["dead-letters", "list", "items.embedded", "--json", "--redis-url", redisURL])
        #expect(listed.status == 0, "\(listed.output)")
        let letters = listed.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(letters.count == 2, "\(listed.output)")
        for letter in letters {
            #expect(letter["group"] as? String == "trend-aggregation")
            #expect(letter["delivery_count"] as? Int == 1, "dead-lettered on its first delivery: \(letter)")
            #expect((letter["reason"] as? String)?.contains("extra.weekly_sales") == true, "\(letter)")
        }
        // Replayed (the cause is not fixed here): each fails again, once, and changes nothing.
        let replayed = try await Self.cli(["dead-letters", "replay", "items.embedded", "--all", "--redis-url", redisURL])
        #expect(replayed.status == 0 && replayed.output.contains("replayed 2 dead letters"), "\(replayed.output)")
        try await TrendCallsTests.drain(harness.client, stream: stream)
        let again = try await DeadLetters(client: harness.client, stream: stream).list()
        #expect(again.count == 2 && again.allSatisfy { $0.fields.contains { $0.name == "replay-for" } }, "\(again)")
        #expect(try await Self.hash(harness.client, sales) == expected)
        #expect(await trend.stop() == 0)
        await harness.stop()
    }

    @Test("SIGTERM while trend-aggregation works through a 20,000-purchase backlog: it exits 0 leaving no entry pending in its name, and after a restart every purchase is counted once")
    func sigtermMidBacklog() async throws {
        let harness = try await IngestHarness.start()
        let items = (1...10).map { n in
            #"{"source":"shop","source_id":"i\#(n)","title":"red dress \#(n)","category":"dress","color":"red"}"#
        }
        let monday = try #require(CivilDay(iso: "2023-01-02"))
        let purchases = (0..<20_000).map { n in
            #"{"userId":"shop:u\#(n % 500)","itemId":"shop:i\#(1 + n % 10)","kind":"purchase","timestamp":"\#(monday.unixTime + Int64(n))","quantity":1,"interactionId":"shop:tx:\#(n)"}"#
        }
        for (lines, name) in [(items, "items.jsonl"), (purchases, "purchases.jsonl")] {
            let run = try await harness.ingestLines(lines, as: name)
            #expect(run.status == 0, "\(run.output.suffix(500))")
        }
        let stream = WorkStream.interactions.key
        func start(_ consumer: String) async throws -> RunningService {
            let trend = try IngestHarness.startService(
                "trend-aggregation", redis: harness.redis.url,
                environment: ["STYLECAST_CONSUMER_NAME": consumer, "STYLECAST_LOG_LEVEL": "warning"])
            try await trend.requireServing(timeout: .seconds(60))
            return trend
        }
        let first = try await start("ta-first")
        // Mid-backlog: some entries done, most not.
        let deadline = ContinuousClock.now + .seconds(60)
        var left = try await PoolStarvationTests.backlog(harness.client, stream: stream)
        while left > 15_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            left = try await PoolStarvationTests.backlog(harness.client, stream: stream)
        }
        first.process.send(signal: SIGTERM)
        let status = await first.process.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "\(first.process.output().suffix(2000))")
        let remaining = try await PoolStarvationTests.backlog(harness.client, stream: stream)
        #expect(remaining > 0, "the SIGTERM came after the backlog was done")
        for queue in [stream, WorkStream.itemsEmbedded.key, WorkStream.signals.key, WorkStream.itemsIngested.key] {
            let consumers = try await harness.client.send("XINFO", "CONSUMERS", RedisArgument(queue), "trend-aggregation")
            for fields in (consumers.array ?? []).compactMap(\.fieldMap) {
                #expect(fields["pending"]?.integer == 0, "\(queue): \(fields["name"]?.string ?? "?") holds \(fields["pending"]?.integer ?? -1) entries")
            }
        }
        let second = try await start("ta-second")
        try await TrendCallsTests.drain(harness.client, stream: stream)
        let totals = try await PipelineReliabilityTests.hash(harness.client, StylecastKeys.Trends.totals(measure: "purchases", source: "shop", market: "WW"))
        #expect(totals.values.compactMap(Double.init).reduce(0, +) == 20_000, "\(totals)")
        #expect(await second.stop() == 0)
        await harness.stop()
    }
}
