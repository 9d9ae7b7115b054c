import StylecastContracts
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

@testable import IngestService

/// `IngestStore`'s three steps against a real Redis (a cluster with `STYLECAST_TEST_REDIS_CLUSTER=1`).
@Suite("ingest store: a body before its entry, and a cut-off batch finished by sending it again", .serialized)
struct IngestStoreTests {
    private static func item(_ id: String, title: String) -> Stylecast_V1_FashionItem {
        .with {
            $0.itemID = id
            $0.source = "shop"
            $0.title = title
        }
    }

    @Test("ids taken by a batch cut off before its bodies: another record under the id is a duplicate; the same record resumes and is queued once, with its body")
    func resumesACutOffBatch() async throws {
        let redis = try await TestStackRedis.start()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url, poolSize: 2)
        let store = IngestStore(redis: client)
        let stream = RedisArgument(IngestedItemEntry.stream.key)
        let first = Self.item("shop:9", title: "a pleated midi skirt")

        // Step 1 alone, as an ingest that died right after it leaves things: the id taken and
        // pending, no body, nothing queued.
        _ = try await client.evaluate(
            IngestStore.decideItemsScript,
            keys: [.init(StylecastKeys.itemIDs), .init(StylecastKeys.itemContent), .init(StylecastKeys.itemsPending)],
            arguments: ["shop:9", "fingerprint-9"])
        #expect(try await client.send("XLEN", stream).integer == 0)
        #expect(try await client.send("GET", RedisArgument(StylecastKeys.item("shop:9"))).isNull)

        let other = Self.item("shop:9", title: "a denim jacket")
        #expect(try await store.store(items: [(other, "fingerprint-other")]) == [.duplicateID])
        #expect(try await client.send("GET", RedisArgument(StylecastKeys.item("shop:9"))).isNull)

        #expect(try await store.store(items: [(first, "fingerprint-9")]) == [.accepted])
        #expect(try await client.send("XLEN", stream).integer == 1)
        #expect(try await client.send("HLEN", RedisArgument(StylecastKeys.itemsPending)).integer == 0)
        let body = try #require(try await client.send("GET", RedisArgument(StylecastKeys.item("shop:9"))).bytes)
        #expect(try Stylecast_V1_FashionItem(serializedBytes: body).title == "a pleated midi skirt")

        #expect(try await store.store(items: [(first, "fingerprint-9")]) == [.duplicateID])
        #expect(try await client.send("XLEN", stream).integer == 1)
        await client.shutdown()
    }

    @Test("search series: the body is written before the entry, and a second series under one id is a duplicate that leaves the body alone")
    func seriesBodies() async throws {
        let redis = try await TestStackRedis.start()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url, poolSize: 2)
        let store = IngestStore(redis: client)
        let series = Stylecast_V1_SearchInterestSeries.with {
            $0.source = "gtrends"
            $0.term = "maxi dress"
            $0.geo = "US"
            $0.points = [.with { $0.week = "2020-01-06"; $0.value = 40 }]
        }
        var changed = series
        changed.points[0].value = 41
        #expect(try await store.store(signals: [series, changed]) == [.accepted, .duplicateID])
        let id = SignalPreparation.signalID(series)
        let body = try #require(try await client.send("GET", RedisArgument(StylecastKeys.signal(id))).bytes)
        #expect(try Stylecast_V1_SearchInterestSeries(serializedBytes: body).points.first?.value == 40)
        #expect(try await client.send("XLEN", RedisArgument(SignalEntry.stream.key)).integer == 1)
        await client.shutdown()
    }
}
