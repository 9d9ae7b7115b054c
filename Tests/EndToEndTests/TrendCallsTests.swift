import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastCalendar
import StylecastClient
import StylecastContracts
import StylecastDatasets
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import StylecastTrends
import Testing

/// The trend calls out of the running services: ingest, trend-aggregation and a real Redis,
/// data through the generic JSON-lines format.
@Suite("trend calls over gRPC: the library's calls, as_of, shares, bad input", .serialized, .timeLimit(.minutes(15)))
struct TrendCallsTests {
    typealias Client = Stylecast_V1_TrendAggregation.Client<HTTP2ClientTransport.Posix>

    /// The `XINFO GROUPS` fields of trend-aggregation's group on `stream`, `nil` without one.
    static func groupInfo(_ redis: RedisClient, stream: String) async throws -> [String: RedisValue]? {
        let groups = try await redis.send("XINFO", "GROUPS", RedisArgument(stream)).array ?? []
        return groups.compactMap(\.fieldMap).first { $0["name"]?.string == "trend-aggregation" }
    }

    /// Waits until trend-aggregation has read and acknowledged every entry of `stream`.
    static func drain(_ redis: RedisClient, stream: String, timeout: Duration = .seconds(180)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let length = try await redis.send("XLEN", RedisArgument(stream)).integer ?? 0
            if let group = try await groupInfo(redis, stream: stream), group["entries-read"]?.integer == length,
                group["pending"]?.integer == 0
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("trend-aggregation did not drain \(stream) within \(timeout)")
    }

    /// Starts trend-aggregation without its response cache and trend view, with `environment` added, and
    /// waits until it is SERVING.
    static func startTrends(_ harness: IngestHarness, environment: [String: String] = [:]) async throws -> RunningService {
        let trend = try IngestHarness.startService(
            "trend-aggregation", redis: harness.redis.url,
            environment: ["STYLECAST_TRENDS_CACHE_MS": "0", "STYLECAST_TRENDS_VIEW_REFRESH_MS": "0"].merging(environment) { $1 })
        try await trend.requireServing(timeout: .seconds(60))
        return trend
    }

    /// Starts ingest and trend-aggregation with `count` stream partitions.
    static func startPartitioned(_ count: Int) async throws -> (StreamPartitions, IngestHarness, RunningService) {
        let environment = [StreamPartitions.environmentVariable: "\(count)"]
        let harness = try await IngestHarness.start(environment: environment)
        return (try StreamPartitions(count: count), harness, try await startTrends(harness, environment: environment))
    }

    /// One search series as a JSON line of the generic format.
    static func seriesLine(source: String, term: String, geo: String, group: String = "", points: [(String, Double)]) -> String {
        let object: [String: Any] = [
            "source": source, "term": term, "geo": geo, "group": group,
            "points": points.map { ["week": $0.0, "value": $0.1] as [String: Any] },
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static let geos = ["US", "GB", "DE", "BR"]
    static let keywords = ["dress", "coat", "shorts", "jacket"]

    /// Real Google Trends series of a few keywords and markets.
    static func realSeries() throws -> [(geo: String, term: String, points: [(String, Double)])] {
        var reader = try DatasetReader(source: .gtrends, path: SharedDatasets.path("gtrends/covid19_fashion_weekly.csv.gz"))
        var series: [(geo: String, term: String, points: [(String, Double)])] = []
        while let entry = try reader.nextEntry() {
            guard case .signal(let one)? = entry.record, geos.contains(one.geo), keywords.contains(one.term) else { continue }
            series.append((one.geo, one.term, one.points.map { ($0.week, $0.value) }))
        }
        return series
    }

    @Test("search series in JSON lines: ListTrends(as_of) gives the library's calls for that origin; data after as_of changes nothing; bad input named")
    func callsAsOf() async throws {
        let harness = try await IngestHarness.start()
        let trend = try await Self.startTrends(harness)
        let series = try Self.realSeries()
        #expect(series.count == Self.geos.count * Self.keywords.count)
        let ingested = try await harness.ingestLines(
            series.map { Self.seriesLine(source: "shop", term: $0.term.uppercased(), geo: $0.geo.lowercased(), points: $0.points) },
            as: "search.jsonl")
        #expect(ingested.summary.counts("signals").accepted == series.count, "\(ingested.output)")
        try await Self.drain(harness.client, stream: WorkStream.signals.key)

        let asOf = "2019-06-30"  // a Sunday: the week of Monday 2019-06-24
        let asOfWeek = try #require(CivilDay(iso: "2019-06-24"))
        func calls(_ client: Client, asOf: String) async throws -> [String: Stylecast_V1_AttributeTrend] {
            var result: [String: Stylecast_V1_AttributeTrend] = [:]
            for geo in Self.geos {
                let response = try await client.listTrends(.with {
                    $0.kind = "term"
                    $0.market = geo
                    $0.source = "shop"
                    $0.stage = "any"
                    $0.asOf = asOf
                    $0.limit = 100
                })
                for trend in response.trends { result["\(geo) \(trend.attribute.value)"] = trend }
            }
            return result
        }
        let before = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { try await calls($0, asOf: asOf) }
        #expect(before.count == series.count)
        var stages: Set<Stylecast_V1_TrendStage> = []
        for one in series {
            // The library's call from the weeks up to the as_of week only.
            let first = try #require(CivilDay(iso: one.points[0].0))
            let weeks = (asOfWeek.daysSinceEpoch - first.daysSinceEpoch) / 7 + 1
            var values = [Double?](repeating: nil, count: weeks)
            for (week, value) in one.points {
                let index = (try #require(CivilDay(iso: week)).daysSinceEpoch - first.daysSinceEpoch) / 7
                if index < weeks { values[index] = value }
            }
            let expected = TrendCall(measure: .interest, values: values)
            let service = try #require(before["\(one.geo) \(one.term)"], "no call for \(one.geo) \(one.term)")
            let evidence = try #require(service.evidence.first)
            #expect(service.evidence.count == 1)
            #expect(evidence.lastWeek == "2019-06-24" && evidence.measure == "interest" && evidence.source == "shop")
            #expect(Self.stageName(evidence.stage) == expected.stage?.rawValue, "\(one.geo) \(one.term)")
            #expect(Self.stageName(service.stage) == expected.stage?.rawValue)
            let growth = try #require(expected.growth)
            #expect(abs(evidence.numbers.forecastGrowth - growth.forecastGrowth) < 1e-9)
            #expect(abs(evidence.numbers.growth - growth.growth) < 1e-9)
            #expect(abs(evidence.confidence - expected.confidence) < 1e-9)
            #expect(abs(service.confidence - expected.confidence) < 1e-9)
            stages.insert(service.stage)
        }
        #expect(stages.count >= 2, "the 16 real series all got one stage: \(stages)")

        // More data, all after as_of, for the same terms and markets: a spike in a second series of each.
        let late = series.map { one in
            Self.seriesLine(
                source: "shop", term: one.term, geo: one.geo, group: "late",
                points: one.points.filter { $0.0 > "2019-06-30" }.map { ($0.0, min(100, $0.1 * 5 + 20)) })
        }
        let lateIngest = try await harness.ingestLines(late, as: "late.jsonl")
        #expect(lateIngest.summary.counts("signals").accepted == series.count)
        try await Self.drain(harness.client, stream: WorkStream.signals.key)
        try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            let after = try await calls(service, asOf: asOf)
            for (key, trend) in before {
                let again = try #require(after[key])
                #expect(again.stage == trend.stage && again.numbers == trend.numbers && again.confidence == trend.confidence, "\(key)")
                #expect(again.evidence == trend.evidence, "\(key)")
            }
            // The latest calls do see the new weeks.
            let latest = try await calls(service, asOf: "")
            #expect(latest.contains { key, trend in trend.numbers != before[key]?.numbers })

            // Bad input: every one names its field, and the service stays up.
            let cases: [(String, RPCError.Code, Stylecast_V1_ListTrendsRequest)] = [
                ("market", .notFound, .with { $0.market = "ZZ" }),
                ("source", .notFound, .with { $0.source = "nowhere" }),
                ("stage", .invalidArgument, .with { $0.stage = "peaking" }),
                ("as_of", .invalidArgument, .with { $0.asOf = "2001-01-01" }),
                ("as_of", .invalidArgument, .with { $0.asOf = "30/06/2019" }),
                ("kind", .invalidArgument, .with { $0.kind = "colour" }),
                ("limit", .invalidArgument, .with { $0.limit = 1001 }),
            ]
            for (field, code, request) in cases {
                await expectRPCError(code, prefix: field + ":") { try await service.listTrends(request) }
            }
            await expectRPCError(.notFound, prefix: "market:") {
                try await service.getSeries(.with { $0.kind = "term"; $0.value = "dress"; $0.market = "ZZ" })
            }
            await expectRPCError(.invalidArgument, prefix: "as_of:") { try await service.report(.with { $0.asOf = "1999-01-01" }) }
            let markets = try await service.listMarkets(.init())
            #expect(markets.markets == Self.geos.sorted() && markets.sources == ["shop"])
            #expect(markets.coverage.allSatisfy { $0.firstWeek == "2017-04-24" && $0.lastWeek == "2020-04-13" })
            let one = try await service.getSeries(.with {
                $0.kind = "term"
                $0.value = "dress"
                $0.market = "US"
                $0.asOf = asOf
            })
            #expect(one.history.last?.week == "2019-06-24" && one.amounts.last?.week == "2019-06-24")
            // Each last-year point sits beside a history week and holds the value of the week 52 before it.
            let values = Dictionary(uniqueKeysWithValues: one.history.map { ($0.week, $0.value) })
            #expect(one.lastYear.count == one.history.count - 52 && one.lastYear.first?.week == one.history[52].week)
            for point in one.lastYear {
                let earlier = try #require(CivilDay(iso: point.week)).adding(days: -7 * 52).iso
                #expect(point.value == values[earlier], "last year of \(point.week)")
            }
            #expect(one.trendForecast.point.count == 12 && one.call.lastWeek == "2019-06-24")
        }
        // Search lines with an empty term, 10,001 points or a bad geo are rejected, naming the field.
        let tooMany = (0...10_000).map { (CivilDay(year: 1900, month: 1, day: 1)!.adding(days: 7 * $0).iso, 1.0) }
        let bad = try await harness.ingestLines(
            [
                Self.seriesLine(source: "shop", term: "", geo: "US", points: [("2020-01-06", 3)]),
                Self.seriesLine(source: "shop", term: "sage green", geo: "US", points: tooMany),
                Self.seriesLine(source: "shop", term: "sage green", geo: "U S|", points: [("2020-01-06", 3)]),
            ], as: "bad.jsonl")
        let fields = (bad.summary["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields == ["term", "points", "geo"], "\(bad.output)")
        #expect(await trend.health() == "SERVING")
        #expect(await trend.stop() == 0)
        await harness.stop()
    }

    @Test(
        "purchases ingested before their items count the same as after; those of an item that never comes wait with an expiry",
        arguments: [1, 3])
    func purchasesBeforeItems(partitionCount: Int) async throws {
        // With 3 stream partitions the series spread over 3 trend partitions too.
        let (partitions, harness, trend) = try await Self.startPartitioned(partitionCount)
        let combos = [("dress", "black"), ("dress", "red"), ("coat", "black"), ("shirt", "red")]
        func items(_ source: String) -> [String] {
            combos.flatMap { category, color in
                (1...2).map { copy in
                    #"{"source":"\#(source)","source_id":"\#(category)-\#(color)-\#(copy)","title":"\#(color) \#(category) \#(copy)","category":"\#(category)","color":"\#(color)"}"#
                }
            }
        }
        let monday = try #require(CivilDay(iso: "2022-03-07"))
        var purchases: [String] = []
        for source in ["early", "late"] {
            for week in 0..<20 {
                for (index, (category, color)) in combos.enumerated() {
                    for n in 0..<(1 + (week + index) % 4) {
                        let time = monday.adding(days: 7 * week + n % 7).unixTime + Int64(60 * n)
                        purchases.append(
                            #"{"userId":"\#(source):u\#(n)","itemId":"\#(source):\#(category)-\#(color)-\#(1 + n % 2)","kind":"purchase","timestamp":"\#(time)","quantity":\#(1 + n % 3),"interactionId":"\#(source):tx:\#(week):\#(index):\#(n)"}"#)
                    }
                }
            }
        }
        // An item that never comes.
        purchases.append(
            #"{"userId":"late:u0","itemId":"late:never","kind":"purchase","timestamp":"\#(monday.unixTime)","quantity":1,"interactionId":"late:tx:never"}"#)
        // early: items, then purchases; late: purchases, then items.
        for (lines, name) in [(items("early"), "early.jsonl"), (purchases, "purchases.jsonl")] {
            let run = try await harness.ingestLines(lines, as: name)
            #expect(run.status == 0, "\(run.output.suffix(500))")
        }
        for stream in WorkStream.interactions.keys(partitions) { try await Self.drain(harness.client, stream: stream) }
        let late = try await harness.ingestLines(items("late"), as: "late.jsonl")
        #expect(late.summary.counts("items").accepted == combos.count * 2, "\(late.output.suffix(500))")
        for stream in WorkStream.itemsIngested.keys(partitions) { try await Self.drain(harness.client, stream: stream) }
        let topicsPerPartition = try await harness.client.pipeline(
            partitions.all.map { ["SCARD", RedisArgument(StylecastKeys.Trends.topics(partition: $0))] }
        ).map { $0.integer ?? 0 }
        #expect(topicsPerPartition.filter { $0 > 0 }.count == min(partitionCount, 3), "\(topicsPerPartition)")

        try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            for (kind, value) in [("category", "dress"), ("category", "coat"), ("category", "shirt"), ("color", "black"), ("color", "red")] {
                func amounts(_ source: String) async throws -> [String: Double] {
                    let series = try await service.getSeries(.with {
                        $0.kind = kind
                        $0.value = value
                        $0.measure = "purchases"
                        $0.source = source
                        $0.market = "WW"
                    })
                    return Dictionary(uniqueKeysWithValues: series.amounts.map { ($0.week, $0.value) })
                }
                let (early, late) = (try await amounts("early"), try await amounts("late"))
                #expect(early.count == 20, "\(kind)=\(value): \(early.count) weeks")
                #expect(late == early, "\(kind)=\(value)")
            }
        }
        // Released purchases leave nothing parked; the one whose item never came waits, expiring.
        let parked = try await harness.client.send("KEYS", RedisArgument(StylecastKeys.Trends.parkedPurchasesPrefix + "*"))
        #expect(parked.array?.compactMap(\.string) == [StylecastKeys.Trends.parkedPurchases(itemID: "late:never")])
        let ttl = try await harness.integer("PTTL", RedisArgument(StylecastKeys.Trends.parkedPurchases(itemID: "late:never")))
        #expect(ttl > 29 * 86_400 * 1000 && ttl <= 30 * 86_400 * 1000)
        #expect(await trend.stop() == 0)
        await harness.stop()
    }

    @Test(
        "stylecast rebuild-trends deletes every trend key of every trend partition and the running service counts every entry again to the same series; a cluster refuses it",
        arguments: [1, 3])
    func rebuildTrends(partitionCount: Int) async throws {
        // With 3 stream partitions the series spread over 3 trend partitions too.
        let (partitions, harness, trend) = try await Self.startPartitioned(partitionCount)
        let monday = try #require(CivilDay(iso: "2022-03-07"))
        let items = ["dress", "coat", "shirt", "skirt"].flatMap { category in
            ["black", "red"].map { color in
                #"{"source":"shop","source_id":"\#(category)-\#(color)","title":"\#(color) \#(category)","category":"\#(category)","color":"\#(color)"}"#
            }
        }
        let purchases = (0..<400).map { n in
            let category = ["dress", "coat", "shirt", "skirt"][n % 4]
            let color = n % 3 == 0 ? "red" : "black"
            let time = monday.adding(days: n % 70).unixTime + Int64(n)
            return #"{"userId":"u\#(n % 17)","itemId":"shop:\#(category)-\#(color)","kind":"purchase","timestamp":"\#(time)","quantity":\#(1 + n % 2),"interactionId":"tx:\#(n)"}"#
        }
        for (lines, name) in [(items, "items.jsonl"), (purchases, "purchases.jsonl")] {
            let run = try await harness.ingestLines(lines, as: name)
            #expect(run.status == 0, "\(run.output.suffix(500))")
        }
        let streams = WorkStream.interactions.keys(partitions) + WorkStream.itemsIngested.keys(partitions)
        for stream in streams { try await Self.drain(harness.client, stream: stream) }
        func series() async throws -> [String: [String: Double]] {
            try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
                var result: [String: [String: Double]] = [:]
                for (kind, value) in [("category", "dress"), ("category", "skirt"), ("color", "red"), ("color", "black")] {
                    let series = try await service.getSeries(.with {
                        $0.kind = kind
                        $0.value = value
                        $0.measure = "purchases"
                        $0.source = "shop"
                        $0.market = "WW"
                    })
                    result["\(kind)=\(value)"] = Dictionary(uniqueKeysWithValues: series.amounts.map { ($0.week, $0.value) })
                }
                return result
            }
        }
        let before = try await series()
        #expect(before.values.allSatisfy { $0.count == 10 }, "\(before.mapValues(\.count))")

        if harness.redis.cluster != nil {
            let rebuild = try await PipelineReliabilityTests.cli(["rebuild-trends", "--redis-url", harness.redis.environmentValue])
            #expect(rebuild.status != 0, "\(rebuild.output)")
            #expect(rebuild.output.contains("slot"), "\(rebuild.output)")
        } else {
            // KEYS sees every key on one server only.
            let trendKeys = (try await harness.client.send("KEYS", RedisArgument(StylecastKeys.Trends.all)).array ?? [])
                .compactMap(\.string)
            let versionKeys = partitions.all.map { StylecastKeys.Trends.viewVersion(partition: $0) }
            let versionsBefore = try await Self.viewVersions(harness.client, keys: versionKeys)
            // Every partition written to has its view version (the attributes spread over all of them).
            #expect(versionsBefore.allSatisfy { $0 > 0 }, "\(versionsBefore)")
            let keysBefore = trendKeys.filter { !versionKeys.contains($0) }.count
            let outsidePartition0 = try await harness.client.send(
                "KEYS", RedisArgument("\(StylecastKeys.namespace):{\(StylecastKeys.Trends.hashTag)#*")).array?.count ?? 0
            #expect((outsidePartition0 > 0) == (partitionCount > 1), "\(outsidePartition0) keys outside {trends}")
            let rebuild = try await PipelineReliabilityTests.cli(["rebuild-trends", "--redis-url", harness.redis.environmentValue])
            #expect(rebuild.status == 0, "\(rebuild.output)")
            // Series, totals, topics and markers of every trend partition go; the streams stay;
            // each view version is raised, so that every trend view rebuilds.
            #expect(rebuild.output.contains("deleted \(keysBefore) trend keys"), "\(rebuild.output) (\(keysBefore) before)")
            let versionsAfter = try await Self.viewVersions(harness.client, keys: versionKeys)
            #expect(zip(versionsBefore, versionsAfter).allSatisfy { $1 > $0 }, "\(versionsBefore) -> \(versionsAfter)")
            #expect(rebuild.output.contains("reads \(purchases.count) stream entries again"), "\(rebuild.output)")
            for stream in streams { try await Self.drain(harness.client, stream: stream) }
            #expect(try await series() == before)
        }
        #expect(await trend.stop() == 0)
        await harness.stop()
    }

    /// The values of the view-version counters at `keys` (0 where unset).
    static func viewVersions(_ client: RedisClient, keys: [String]) async throws -> [Int64] {
        var versions: [Int64] = []
        for key in keys { versions.append(try await client.send("GET", RedisArgument(key)).string.flatMap { Int64($0) } ?? 0) }
        return versions
    }

    @Test("the trend view: with 3 partitions every entry raises the view versions it writes to; the latest ListTrends and ListMarkets from the view equal a fresh computation, before and after more data")
    func trendView() async throws {
        let (partitions, harness, fresh) = try await Self.startPartitioned(3)
        let viewed = try await Self.startTrends(
            harness, environment: [StreamPartitions.environmentVariable: "3", "STYLECAST_TRENDS_VIEW_REFRESH_MS": "200"])
        let series = try Self.realSeries()
        func lines(_ group: String, _ points: (String, Double) -> Bool) -> [String] {
            series.map { one in
                Self.seriesLine(source: "shop", term: one.term, geo: one.geo, group: group, points: one.points.filter { points($0.0, $0.1) })
            }
        }
        /// Every attribute's fused call of every kind, and the markets, as one service answers them.
        func latest(_ service: RunningService) async throws -> (trends: [Stylecast_V1_AttributeTrend], markets: Stylecast_V1_ListMarketsResponse) {
            try await service.withClient(Stylecast_V1_TrendAggregation.Client.init) { client in
                let trends = try await client.listTrends(.with {
                    $0.stage = "any"
                    $0.limit = UInt32(1000)
                }).trends
                return (trends, try await client.listMarkets(.with { _ in }))
            }
        }
        /// Waits until the view answers what a fresh computation does.
        func converged(timeout: Duration = .seconds(20)) async throws -> [Stylecast_V1_AttributeTrend] {
            let deadline = ContinuousClock.now + timeout
            var (answer, expected) = (try await latest(viewed), try await latest(fresh))
            while (answer.trends != expected.trends || answer.markets != expected.markets), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                (answer, expected) = (try await latest(viewed), try await latest(fresh))
            }
            #expect(answer.trends == expected.trends, "the view's \(answer.trends.count) trends differ from the \(expected.trends.count) computed")
            #expect(answer.markets == expected.markets)
            return expected.trends
        }

        let first = try await harness.ingestLines(lines("early") { week, _ in week <= "2019-06-30" }, as: "early.jsonl")
        #expect(first.summary.counts("signals").accepted == series.count, "\(first.output)")
        for stream in WorkStream.signals.keys(partitions) { try await Self.drain(harness.client, stream: stream) }
        let versionKeys = partitions.all.map { StylecastKeys.Trends.viewVersion(partition: $0) }
        let versions = try await Self.viewVersions(harness.client, keys: versionKeys)
        #expect(versions.allSatisfy { $0 > 0 }, "\(versions)")
        let before = try await converged()
        #expect(before.count > 1)

        // Later weeks, spiking, in a second series of each term and market.
        let second = try await harness.ingestLines(
            lines("late") { week, _ in week > "2019-06-30" }, as: "late.jsonl")
        #expect(second.summary.counts("signals").accepted == series.count, "\(second.output)")
        for stream in WorkStream.signals.keys(partitions) { try await Self.drain(harness.client, stream: stream) }
        let raised = try await Self.viewVersions(harness.client, keys: versionKeys)
        #expect(zip(versions, raised).allSatisfy { $1 > $0 }, "\(versions) -> \(raised)")
        let after = try await converged()
        #expect(after != before, "the later weeks changed no call")
        #expect(await viewed.stop() == 0)
        #expect(await fresh.stop() == 0)
        await harness.stop()
    }

    @Test("counts are shares: doubling one source's purchases in one period changes no stage (it would on raw counts)")
    func sharesIgnoreVolume() async throws {
        let harness = try await IngestHarness.start()
        let trend = try await Self.startTrends(harness)
        let combos = [("dress", "black", 1.5), ("dress", "red", 0.6), ("coat", "black", 1.0), ("coat", "red", 1.25),
                      ("shirt", "black", 0.8), ("shirt", "red", 1.0)]
        var items: [String] = []
        for (category, color, _) in combos {
            for copy in 1...3 {
                items.append(
                    #"{"source":"shop","source_id":"\#(category)-\#(color)-\#(copy)","title":"\#(color) \#(category) \#(copy)","category":"\#(category)","color":"\#(color)"}"#)
            }
        }
        let monday = try #require(CivilDay(iso: "2021-01-04"))
        var purchases: [String] = []
        var doubled: [String] = []
        for week in 0..<130 {
            for (index, (category, color, growth)) in combos.enumerated() {
                let season = 1 + 0.5 * sin(2 * Double.pi * Double(week) / 52 + Double(index))
                let count = Int((12 * season * pow(growth, Double(week) / 52)).rounded()) + (week * 7 + index) % 3
                for n in 0..<count {
                    let time = monday.adding(days: 7 * week + 2).unixTime + Int64(3600 * (n % 20) + n)
                    let item = "shop:\(category)-\(color)-\(1 + n % 3)"
                    let line = { (id: String) in
                        #"{"userId":"shop:u\#(n % 40)","itemId":"\#(item)","kind":"purchase","timestamp":"\#(time)","quantity":1,"interactionId":"\#(id)"}"#
                    }
                    purchases.append(line("shop:tx:\(week):\(index):\(n)"))
                    if (76...100).contains(week) { doubled.append(line("shop:tx:again:\(week):\(index):\(n)")) }
                }
            }
        }
        // Items first: a purchase of an item not stored yet counts nowhere.
        let stored = try await harness.ingestLines(items, as: "items.jsonl")
        #expect(stored.summary.counts("items").accepted == items.count, "\(stored.output.suffix(500))")
        let first = try await harness.ingestLines(purchases, as: "shop.jsonl")
        #expect(first.summary.counts("interactions").accepted == purchases.count, "\(first.output.suffix(500))")
        try await Self.drain(harness.client, stream: WorkStream.interactions.key)

        /// The calls of every attribute as of `day` (the latest for "").
        func asOf(_ service: Client, _ day: String) async throws -> [String: Stylecast_V1_AttributeTrend] {
            let response = try await service.listTrends(.with {
                $0.source = "shop"
                $0.stage = "any"
                $0.asOf = day
                $0.limit = 100
            })
            return Dictionary(uniqueKeysWithValues: response.trends.map { ("\($0.attribute.kind)=\($0.attribute.value)", $0) })
        }
        func rawCall(_ service: Client, value: String) async throws -> TrendCall {
            let series = try await service.getSeries(.with { $0.kind = "category"; $0.value = value; $0.measure = "purchases" })
            return TrendCall(measure: .interest, values: series.amounts.dropFirst().dropLast().map { Optional($0.value) })
        }
        let (before, rawBefore) = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            return (try await asOf(service, ""), try await rawCall(service, value: "dress"))
        }
        #expect(before.count == 5, "3 categories and 2 colours: \(before.keys.sorted())")
        #expect(before.values.allSatisfy { $0.stage != .unspecified }, "every attribute has the support for a stage")
        #expect(Set(before.values.map(\.stage)).count >= 2)

        // The calls as of week 70, before more data comes.
        let weekSeventy = monday.adding(days: 7 * 70 + 6).iso
        let lastWeek = monday.adding(days: 7 * 129 + 6).iso
        let seventy = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { try await asOf($0, weekSeventy) }
        #expect(seventy.count == 5)

        let second = try await harness.ingestLines(doubled, as: "again.jsonl")
        #expect(second.summary.counts("interactions").accepted == doubled.count)
        try await Self.drain(harness.client, stream: WorkStream.interactions.key)
        let last = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            let after = try await asOf(service, lastWeek)
            #expect(after.keys.sorted() == before.keys.sorted())
            for (key, trend) in before {
                let again = try #require(after[key])
                #expect(again.stage == trend.stage, "\(key): \(trend.stage) became \(again.stage)")
                #expect(abs(again.numbers.forecastGrowth - trend.numbers.forecastGrowth) < 1e-9, "\(key)")
                #expect(abs(again.numbers.growth - trend.numbers.growth) < 1e-9, "\(key)")
            }
            // The doubled weeks all come after week 70: its calls are the same in every field.
            #expect(try await asOf(service, weekSeventy) == seventy)
            // On raw counts the doubled weeks (last year's, against which the forecast is read) would move the call.
            let rawAfter = try await rawCall(service, value: "dress")
            #expect(abs(try #require(rawAfter.growth).forecastGrowth - (try #require(rawBefore.growth)).forecastGrowth) > 0.05)
            return after
        }

        // Two more weeks of purchases after the last one: the calls as of the last week do not move
        // (its coverage, thin weeks and edges are read from the weeks up to it only).
        var later: [String] = []
        for week in 130..<132 {
            for (index, (category, color, _)) in combos.enumerated() {
                for n in 0..<10 {
                    let time = monday.adding(days: 7 * week + 2).unixTime + Int64(n)
                    later.append(
                        #"{"userId":"shop:u\#(n)","itemId":"shop:\#(category)-\#(color)-1","kind":"purchase","timestamp":"\#(time)","quantity":1,"interactionId":"shop:tx:later:\#(week):\#(index):\#(n)"}"#)
                }
            }
        }
        let third = try await harness.ingestLines(later, as: "later.jsonl")
        #expect(third.summary.counts("interactions").accepted == later.count)
        try await Self.drain(harness.client, stream: WorkStream.interactions.key)
        let (lastAgain, seventyAgain, latest) = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            return (try await asOf(service, lastWeek), try await asOf(service, weekSeventy), try await asOf(service, ""))
        }
        #expect(lastAgain == last)
        #expect(seventyAgain == seventy)
        // The latest calls do read the new weeks.
        let lastRead = try #require(last.values.first?.evidence.first?.lastWeek)
        #expect(latest.values.allSatisfy { ($0.evidence.first?.lastWeek ?? "") > lastRead })
        #expect(await trend.stop() == 0)
        await harness.stop()
    }

    static func stageName(_ stage: Stylecast_V1_TrendStage) -> String? {
        switch stage {
        case .risingStar: "rising-star"
        case .sustainedRiser: "sustained-riser"
        case .seasonalRiser: "seasonal-riser"
        case .stable: "stable"
        case .seasonalDecliner: "seasonal-decliner"
        case .sustainedDecliner: "sustained-decliner"
        case .fallingStar: "falling-star"
        default: nil
        }
    }

    @Test("series are bounded: 30 unknown categories with a limit of 10 per kind make 10 category series; a 60 KB fabric and 30 new terms make none past the limits")
    func vocabularyBounded() async throws {
        let harness = try await IngestHarness.start()
        let trend = try await Self.startTrends(harness, environment: ["STYLECAST_TRENDS_MAX_VALUES_PER_KIND": "10"])
        let fabric = String(repeating: "x", count: 60_000)
        let items = (0..<30).map { n in
            #"{"source":"shop","source_id":"i\#(n)","title":"item \#(n)","category":"cat-\#(n)","fabric":"\#(fabric)"}"#
        }
        let monday = try #require(CivilDay(iso: "2023-01-02"))
        let purchases = (0..<30).map { n in
            #"{"userId":"shop:u\#(n)","itemId":"shop:i\#(n)","kind":"purchase","timestamp":"\#(monday.unixTime + Int64(n))","quantity":1,"interactionId":"shop:tx:\#(n)"}"#
        }
        let terms = (0..<30).map { n in
            Self.seriesLine(source: "shop", term: "new term \(n)", geo: "US", points: [("2023-01-02", 10), ("2023-01-09", 12)])
        }
        for (lines, name) in [(items, "items.jsonl"), (purchases, "purchases.jsonl"), (terms, "terms.jsonl")] {
            let run = try await harness.ingestLines(lines, as: name)
            #expect(run.status == 0, "\(run.output.suffix(500))")
        }
        try await Self.drain(harness.client, stream: WorkStream.interactions.key)
        try await Self.drain(harness.client, stream: WorkStream.signals.key)
        let topics = try await harness.client.send("SMEMBERS", RedisArgument(StylecastKeys.Trends.topics)).array?.compactMap(\.string) ?? []
        func values(_ kind: String) -> Set<String> {
            Set(topics.compactMap { member in
                let parts = member.split(separator: "|", omittingEmptySubsequences: false)
                return parts.count >= 5 && parts[3] == kind ? parts[4...].joined(separator: "|") : nil
            })
        }
        #expect(values("category").count == 10, "\(values("category").sorted())")
        #expect(values("term").count == 10, "\(values("term").sorted())")
        #expect(values("material").isEmpty, "a 60 KB fabric got a series")
        #expect(try await harness.integer("SCARD", RedisArgument(StylecastKeys.Trends.values(kind: "category"))) == 10)
        let longest = try await harness.client.send("KEYS", RedisArgument(StylecastKeys.Trends.all)).array?.compactMap(\.string).map(\.utf8.count).max() ?? 0
        #expect(longest < 256, "longest trend key \(longest) bytes")
        // The purchases of admitted categories all count: 10 purchases in that week.
        let totals = try await harness.client.send("HGETALL", RedisArgument(StylecastKeys.Trends.totals(measure: "purchases", source: "shop", market: "WW"))).array?.compactMap(\.string) ?? []
        #expect(totals == ["2023-01-02", "30"], "\(totals)")
        let status = await trend.stop()
        #expect(status == 0, "\(String(trend.process.output().suffix(3000)))")
        await harness.stop()
    }

}
