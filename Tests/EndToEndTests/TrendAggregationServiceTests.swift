import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastCalendar
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastImageIO
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import StylecastTrends
import Testing

@Suite("trend-aggregation Forecast over gRPC", .serialized, .timeLimit(.minutes(3)))
struct TrendForecastRPCTests {
    func withService(
        _ body: (Stylecast_V1_TrendAggregation.Client<HTTP2ClientTransport.Posix>, RunningService) async throws -> Void
    ) async throws {
        let redis = try await TestStackRedis.start()
        defer { redis.stop() }
        let service = try IngestHarness.startService("trend-aggregation", redis: redis.url)
        defer { if service.process.isRunning { service.process.send(signal: SIGKILL) } }
        try await service.requireServing(timeout: .seconds(60))
        try await service.withClient(Stylecast_V1_TrendAggregation.Client.init) { try await body($0, service) }
        #expect(await service.stop() == 0)
    }

    @Test("a seasonal series: horizon points inside their 80% interval; a rising line keeps rising")
    func forecasts() async throws {
        try await withService { client, _ in
            let seasonal: [Double] = (0..<104).map { (week: Int) -> Double in
                let phase = Double(week) * 2 * Double.pi / 52
                return 50 + 20 * sin(phase) + Double(week % 3)
            }
            let response = try await client.forecast(.with {
                $0.history = seasonal
                $0.horizon = 12
                $0.seasonLength = 52
            })
            #expect(response.point.count == 12 && response.lower.count == 12 && response.upper.count == 12)
            for (point, (lower, upper)) in zip(response.point, zip(response.lower, response.upper)) {
                #expect(lower <= point && point <= upper)
            }
            #expect(!response.model.isEmpty)
            // Next season's first weeks follow last season's shape (rising from 50 towards 70).
            #expect(response.point[0] < response.point[10])
            let line = try await client.forecast(.with {
                $0.history = (0..<30).map { 10 + 2 * Double($0) }
                $0.horizon = 3
            })
            #expect(line.point[0] > 66 && line.point[2] > line.point[0])
        }
    }

    @Test("NaN, an empty history, a horizon of 10,000, a season length of 2^32-1: INVALID_ARGUMENT naming the field")
    func badInput() async throws {
        try await withService { client, service in
            let cases: [(Stylecast_V1_ForecastRequest, String)] = [
                (.with { $0.history = [1, .nan, 3]; $0.horizon = 2 }, "history[1]"),
                (.with { $0.history = []; $0.horizon = 2 }, "history"),
                (.with { $0.history = [1, 2, 3]; $0.horizon = 10_000 }, "horizon"),
                (.with { $0.history = [1, 2, 3]; $0.horizon = 0 }, "horizon"),
                (.with { $0.history = [1, 2, 3]; $0.horizon = 2; $0.seasonLength = UInt32.max }, "season_length"),
            ]
            for (request, field) in cases {
                await expectRPCError(.invalidArgument, prefix: field + ":") { try await client.forecast(request) }
            }
            #expect(await service.health() == "SERVING")
        }
    }
}

@Suite("trend-aggregation: exact weekly series from the streams", .serialized, .timeLimit(.minutes(10)))
struct TrendAggregationTests {
    /// Reads trend-aggregation's progress in a stream: (entries read, pending).
    func progress(_ redis: RedisClient, stream: String) async throws -> (read: Int, pending: Int) {
        let group = try await TrendCallsTests.groupInfo(redis, stream: stream)
        return (Int(group?["entries-read"]?.integer ?? 0), Int(group?["pending"]?.integer ?? 0))
    }

    @Test("VISUELLE test products: items and sales per week, summed over categories, equal the file's; SIGKILL mid-stream changes nothing")
    func exactAfterKill() async throws {
        let harness = try await IngestHarness.start(withEmbedding: true)
        let path = SharedDatasets.path("visuelle/test.csv")
        let trendEnvironment = [
            "STYLECAST_QUEUE_CLAIM_IDLE_MS": "500", "STYLECAST_TRENDS_CACHE_MS": "0", "STYLECAST_TRENDS_VIEW_REFRESH_MS": "0",
        ]
        var trend = try IngestHarness.startService("trend-aggregation", redis: harness.redis.url, environment: trendEnvironment)
        try await trend.requireServing(timeout: .seconds(60))
        let ingested = try await harness.ingestFile(source: "visuelle", path: path)
        let products = ingested.summary.count("accepted")
        #expect(products == 497)

        // Kill the aggregator once it has taken part of the stream.
        var seen = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while seen < products / 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            seen = try await progress(harness.client, stream: WorkStream.itemsEmbedded.key).read
        }
        trend.process.send(signal: SIGKILL)
        _ = await trend.process.waitForExit(timeout: .seconds(10))
        print("trend-aggregation killed after reading \(seen) of \(products) embedded items")
        trend = try IngestHarness.startService(
            "trend-aggregation", redis: harness.redis.url, grpcPort: trend.endpoint.port, environment: trendEnvironment)
        try await trend.requireServing(timeout: .seconds(60))
        var state = (read: 0, pending: 1)
        let drained = ContinuousClock.now + .seconds(240)
        while !(state.read == products && state.pending == 0), ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(250))
            state = try await progress(harness.client, stream: WorkStream.itemsEmbedded.key)
        }
        #expect(state.read == products && state.pending == 0, "aggregator did not drain: \(state)")

        let child = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["python3", MiniLMReference.packageRoot + "/scripts/fixtures/visuelle_weekly_counts.py", path])
        #expect(await child.waitForExit(timeout: .seconds(60)) == 0)
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(child.output().utf8)) as? [String: [String: Double]])

        let totals = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init, CategoryWeeklyTotals.read)
        #expect(totals.categories > 0)
        let (items, sales) = (totals.items, totals.sales)
        for (week, counts) in expected {
            #expect(items[week, default: 0] == counts["items"] ?? 0, "items in week \(week)")
            let expectedSales = counts["sales"] ?? 0
            #expect(abs(sales[week, default: 0] - expectedSales) <= 1e-6 * max(1, expectedSales), "sales in week \(week)")
        }
        #expect(items.values.reduce(0, +) == Double(products))

        // New-product forecasts from the aggregated products and the VISUELLE search series.
        let signals = try await harness.ingestFile(source: "visuelle", path: SharedDatasets.path("visuelle/gtrends.csv"))
        #expect(signals.summary.count("accepted") == 93)
        try await TrendCallsTests.drain(harness.client, stream: WorkStream.signals.key)
        try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            let forecast = try await service.forecastNewProduct(.with {
                $0.category = "long sleeve"
                $0.color = "black"
                $0.fabric = "cotton"
                $0.season = "AW19"
                $0.releaseDate = "2019-10-07"
            })
            #expect(forecast.weeklySales.count == 12)
            #expect(forecast.weeklySales.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(forecast.weeklySales.reduce(0, +) > 0)
            for (request, field) in [
                (Stylecast_V1_ForecastNewProductRequest.with { $0.category = "dress"; $0.releaseDate = "soon" }, "release_date"),
                (.with { $0.category = "dress"; $0.releaseDate = "2019-10-07"; $0.horizon = 100 }, "horizon"),
                (.with { $0.category = "dress"; $0.releaseDate = "2019-10-07"; $0.asOf = "2000-01-01" }, "as_of"),
                (.with { $0.category = "dress"; $0.releaseDate = "2019-10-07"; $0.asOf = "soon" }, "as_of"),
            ] {
                await expectRPCError(.invalidArgument, prefix: field) { try await service.forecastNewProduct(request) }
            }
        }
        try await checkReport(trend: trend)
        #expect(await trend.stop() == 0)
        await harness.stop()
    }

    /// `stylecast report` writes HTML, JSON and CSV: every market selectable, the "all markets"
    /// risers those ListTrends ranks first, no card without a stage or contradicting its numbers,
    /// no week past its source's window, the CSV equal to the JSON's calls; the page renders in
    /// headless Chromium (not blank) and its DOM holds the cards.
    func checkReport(trend: RunningService) async throws {
        let folder = try TemporaryDirectory()
        let command = try ChildProcess(
            BuiltExecutables.path(of: "stylecast"),
            arguments: ["report", "--out", folder.path("out"), "--top", "4", "--target", "127.0.0.1:\(trend.endpoint.port)"])
        try #require(await command.waitForExit(timeout: .seconds(120)) == 0, "stylecast report failed: \(command.output())")
        let (expectedTop, markets) = try await trend.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            let staged = try await service.listTrends(.with { $0.limit = 1000 }).trends
            let values = Set(staged.filter { $0.attribute.kind != "term" }.map(\.attribute.value))
            let risers = try await service.listTrends(.with { $0.stage = "up"; $0.limit = 1000 }).trends
                .filter { $0.attribute.kind != "term" || !values.contains($0.attribute.value) }
                .prefix(4).map { "\($0.attribute.kind)=\($0.attribute.value)" }
            return (Array(risers), try await service.listMarkets(.init()).markets)
        }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("out/report.json")))) as? [String: Any])
        let sections = json["markets"] as? [[String: Any]] ?? []
        #expect(sections.map { $0["market"] as? String ?? "" } == ["ALL"] + markets)
        let all = try #require(sections.first)
        let risers = all["risers"] as? [[String: Any]] ?? []
        #expect(risers.map { "\($0["kind"] ?? "")=\($0["value"] ?? "")" } == expectedTop)
        let lastWeeks = Dictionary(
            uniqueKeysWithValues: (json["coverage"] as? [[String: Any]] ?? []).map {
                ("\($0["source"] ?? "") \($0["market"] ?? "") \($0["measure"] ?? "")", $0["last_week"] as? String ?? "")
            })
        let parameters = TrendParameters.standard
        var cards = 0
        for section in sections {
            for card in (section["risers"] as? [[String: Any]] ?? []) + (section["decliners"] as? [[String: Any]] ?? []) {
                cards += 1
                let stage = try #require(LifecycleStage(rawValue: card["stage"] as? String ?? ""), "a card without a stage")
                let forecast = card["forecast_growth"] as? Double ?? .nan
                switch stage.direction {
                case .up: #expect(forecast >= parameters.upThreshold)
                case .down: #expect(forecast <= parameters.downThreshold)
                case .flat: Issue.record("a stable card")
                }
                let first = try #require(CivilDay(iso: card["chart_first_week"] as? String ?? ""))
                let chartWeeks = (card["this_year"] as? [Any] ?? []).count
                let last = first.adding(days: 7 * (chartWeeks - 1)).iso
                let limit = try #require(lastWeeks["\(card["chart_source"] ?? "") \(card["chart_measure"] ?? "")"])
                #expect(chartWeeks > 0 && last <= limit, "a week past \(limit): \(last)")
                #expect((card["narrative_en"] as? String)?.isEmpty == false && (card["narrative_zh"] as? String)?.isEmpty == false)
            }
        }
        #expect(cards > 0)
        let calls = json["calls"] as? [[String: Any]] ?? []
        let csv = try String(contentsOfFile: folder.path("out/report.csv"), encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == calls.count + 1)
        for (row, call) in zip(rows.dropFirst(), calls) {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 16 && fields[0] == call["market"] as? String && fields[2] == call["value"] as? String)
            #expect(Double(fields[9]) == call["forecast_growth"] as? Double && fields[3] == call["stage"] as? String)
        }
        let clusters = json["clusters"] as? [[String: Any]] ?? []
        #expect(clusters.count >= 2, "style clusters of the 497 embedded products")
        let html = try String(contentsOfFile: folder.path("out/report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && !html.contains("<script"))
        for market in markets { #expect(html.contains("<label for=\"pick-\(market)\">"), "no tab for \(market)") }

        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            Issue.record("chromium is not installed (scripts/setup.sh installs it): the report was not rendered")
            return
        }
        let page = "file://" + folder.path("out/report.html")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2000"]
        let shot = try ChildProcess(
            URL(fileURLWithPath: chromium), arguments: flags + ["--screenshot=" + folder.path("shot.png"), page])
        #expect(await shot.waitForExit(timeout: .seconds(90)) == 0, "chromium screenshot failed: \(shot.output())")
        let image = try PNGImage(contentsOf: folder.path("shot.png"))
        let pixels = image.pixels
        var histogram: [UInt8: Int] = [:]
        for index in stride(from: 0, to: pixels.count, by: image.format.channels) { histogram[pixels[index], default: 0] += 1 }
        let dominantShare = Double(histogram.values.max() ?? 0) / Double(max(pixels.count / image.format.channels, 1))
        #expect(image.width == 1280 && dominantShare < 0.97, "the screenshot is blank (\(dominantShare) one value)")
        let dom = try ChildProcess(URL(fileURLWithPath: chromium), arguments: flags + ["--dump-dom", page])
        #expect(await dom.waitForExit(timeout: .seconds(90)) == 0)
        for attribute in expectedTop {
            let escaped = attribute.replacingOccurrences(of: "&", with: "&amp;")
            #expect(dom.output().contains("data-attribute=\"\(escaped)\""), "the rendered DOM lacks \(attribute)")
        }
    }
}
