import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// The holes a code review found (issue 19), each against the real services and Redis.
@Suite("reliability: no key from what callers send, no count multiplied", .serialized, .timeLimit(.minutes(10)))
struct ReliabilityTests {
    @Test("1,000 Recommend calls with distinct 200-byte unknown ids add no key; a 4 MB id, or one with a brace, is INVALID_ARGUMENT naming user_id")
    func unknownUsersAddNoKey() async throws {
        let harness = try await RecommendationHarness.start(transactionLimit: 2000)
        let service = try await harness.startRecommendation()
        let client = harness.ingest.client
        let known = try #require(try await harness.purchases().keys.sorted().first)
        _ = try await recommend(service, user: known, k: 5)  // a known user is cached
        #expect(try await client.send("EXISTS", RedisArgument(RecommendationKeysForTests.cache(known))).integer == 1)
        let keysBefore = try harness.ingest.redis.keyCount()
        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { recommendation in
            for index in 0..<1000 {
                let id = "unknown-\(index)-" + String(repeating: "x", count: 200 - "unknown-\(index)-".utf8.count)
                let answer = try await recommendation.recommend(.with {
                    $0.userID = id
                    $0.k = 5
                })
                #expect(answer.items.count == 5)
            }
            for (id, rule) in [
                (String(repeating: "u", count: 4_000_000), "at most 256 bytes"), ("user}{x", "'{' or '}'"), ("", "not be empty"),
            ] {
                await expectRPCError(.invalidArgument, prefix: "user_id:", containing: [rule]) {
                    try await recommendation.recommend(.with {
                        $0.userID = id
                        $0.k = 5
                    })
                }
            }
        }
        #expect(try harness.ingest.redis.keyCount() == keysBefore)
        #expect(await service.health() == "SERVING")
        await harness.stop([service])
    }
}

extension ReliabilityTests {
    /// An item of the test shop.
    static func shopItem(_ sourceID: String, title: String) -> Stylecast_V1_FashionItem {
        .with {
            $0.source = "shop"
            $0.sourceID = sourceID
            $0.title = title
            $0.category = "dress"
            $0.color = "red"
        }
    }

    /// Sends `items` on one IngestItems stream.
    static func send(_ items: [Stylecast_V1_FashionItem], to ingest: RunningService) async throws -> Stylecast_V1_IngestSummary {
        try await ingest.withClient(Stylecast_V1_Ingest.Client.init) { client in
            try await client.ingestItems(requestProducer: { writer in
                for item in items { try await writer.write(item) }
            })
        }
    }

    /// Every item id queued on `stylecast:{items.ingested}`.
    static func queuedItemIDs(_ redis: RedisClient) async throws -> [String] {
        let reply = try await redis.send("XRANGE", RedisArgument(WorkStream.itemsIngested.key), "-", "+")
        return (reply.array ?? []).compactMap { $0.array?[1].fieldMap?["item_id"]?.string }
    }
}

@Suite("reliability: every queued item has its own body", .serialized, .timeLimit(.minutes(5)))
struct IngestBodyTests {
    @Test("a batch with a content duplicate and a new record under one id, sent once and by two clients at once: every queued id reads back its own record")
    func queuedItemsHaveTheirBodies() async throws {
        let harness = try await IngestHarness.start()
        let existing = ReliabilityTests.shopItem("0", title: "a red dress with pockets")
        #expect(try await ReliabilityTests.send([existing], to: harness.ingest).accepted == 1)
        // A: id shop:1, the content of shop:0 (a duplicate); B: id shop:1, new content.
        let batch = [
            ReliabilityTests.shopItem("1", title: "a red dress with pockets"),
            ReliabilityTests.shopItem("1", title: "a linen shirt dress"),
        ]
        let summary = try await ReliabilityTests.send(batch, to: harness.ingest)
        #expect(summary.accepted == 1 && summary.duplicates == 1)
        // The same kind of batch from two clients at once.
        let concurrent = [
            ReliabilityTests.shopItem("2", title: "a red dress with pockets"),
            ReliabilityTests.shopItem("2", title: "a velvet slip dress"),
        ]
        async let first = ReliabilityTests.send(concurrent, to: harness.ingest)
        async let second = ReliabilityTests.send(concurrent, to: harness.ingest)
        let both = try await [first, second]
        #expect(both.map(\.accepted).reduce(0, +) == 1)
        let queued = try await ReliabilityTests.queuedItemIDs(harness.client)
        #expect(queued.sorted() == ["shop:0", "shop:1", "shop:2"])
        try await harness.ingest.withClient(Stylecast_V1_Ingest.Client.init) { ingest in
            for (id, title) in [("shop:0", "a red dress with pockets"), ("shop:1", "a linen shirt dress"), ("shop:2", "a velvet slip dress")] {
                let item = try await ingest.getItem(.with { $0.itemID = id })
                #expect(item.title == title, "\(id)")
            }
        }
        await harness.stop()
    }
}

@Suite("reliability: concurrent Refreshes", .serialized, .timeLimit(.minutes(5)))
struct RefreshRaceTests {
    /// The versions a replica logged as trained, loaded or reloaded, in order.
    static func versions(in output: String) -> [String] {
        output.split(separator: "\n").filter {
            $0.contains("model trained") || $0.contains("model loaded") || $0.contains("model reloaded")
        }.compactMap { line -> String? in
            guard let range = line.range(of: "\"version\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    @Test("two Refreshes at once on two replicas: one trains, both end on the stored version, and nothing reloads afterwards")
    func concurrentRefreshes() async throws {
        let harness = try await RecommendationHarness.start(transactionLimit: 3000)
        let environment = ["STYLECAST_REC_MODEL_POLL_MS": "100"]
        let first = try await harness.startRecommendation(environment: environment)
        let second = try await harness.startRecommendation(environment: environment)
        func refresh(_ service: RunningService) async throws -> Stylecast_V1_RefreshResponse {
            try await service.withClient(Stylecast_V1_Recommendation.Client.init) { try await $0.refresh(.init()) }
        }
        for _ in 0..<3 {
            async let a = refresh(first)
            async let b = refresh(second)
            _ = try await (a, b)
        }
        try await Task.sleep(for: .seconds(1))
        let settled = (Self.versions(in: first.process.output()), Self.versions(in: second.process.output()))
        // Fifty polls later: no replica loaded anything more.
        try await Task.sleep(for: .seconds(5))
        let later = (Self.versions(in: first.process.output()), Self.versions(in: second.process.output()))
        #expect(later.0 == settled.0 && later.1 == settled.1, "replicas kept reloading: \(later)")
        let stored = try await harness.ingest.client.send("GET", RedisArgument(StylecastKeys.Recommendation.modelVersion)).string
        #expect(stored != nil && later.0.last == stored && later.1.last == stored, "\(later) vs stored \(stored ?? "none")")
        let health = (await first.health(), await second.health())
        #expect(health.0 == "SERVING" && health.1 == "SERVING")
        await harness.stop([first, second])
    }
}

/// Key names the tests read directly (the service's own are in RecommendationKeys).
enum RecommendationKeysForTests {
    static func cache(_ userID: String) -> String { StylecastKeys.Recommendation.cache(userID: userID) }
}
