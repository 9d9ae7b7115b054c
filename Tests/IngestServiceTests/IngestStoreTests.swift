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

    @Test("partitions: each record is queued on the partition of its id, once; ids and contents are duplicates across partitions; a batch cut off after queueing on a partition above 0 is finished by sending it again")
    func partitions() async throws {
        let redis = try await TestStackRedis.start()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url, poolSize: 2)
        let partitions = try StreamPartitions(count: 4)
        let store = IngestStore(redis: client, partitions: partitions)
        let items = (0..<40).map { Self.item("shop:p\($0)", title: "item \($0)") }
        #expect(try await store.store(items: items.map { ($0, "fp-\($0.itemID)") }) == Array(repeating: .accepted, count: 40))
        var lengths: [Int] = []
        for partition in partitions.all {
            let entries = try await client.streamEntries(WorkStream.itemsIngested.key(partition: partition), count: 100)
            let ids = entries.map { entry in IngestedItemEntry(fields: { entry[$0] })[.itemID] }
            #expect(ids.allSatisfy { partitions.partition(of: $0) == partition }, "partition \(partition): \(ids)")
            lengths.append(ids.count)
        }
        #expect(lengths.reduce(0, +) == 40 && lengths.allSatisfy { $0 > 0 }, "\(lengths)")
        #expect(try await client.send("HLEN", RedisArgument(StylecastKeys.itemsPending)).integer == 0)

        // Same id, or same content under a new id, in whatever partition: duplicates.
        let again = Self.item("shop:p7", title: "other")
        let copy = Self.item("shop:copy", title: "copy")
        #expect(try await store.store(items: [(again, "fp-other"), (copy, "fp-shop:p1")]) == [.duplicateID, .duplicateContent])

        // Cut off after queueing on a partition above 0, before the pending entry went: the
        // resend queues nothing twice and clears the pending entry.
        let late = try #require((0..<200).lazy.map { Self.item("shop:late\($0)", title: "late \($0)") }
            .first { partitions.partition(of: $0.itemID) != 0 })
        let partition = partitions.partition(of: late.itemID)
        let stream = WorkStream.itemsIngested.key(partition: partition)
        _ = try await client.evaluate(
            IngestStore.decideItemsScript,
            keys: [.init(StylecastKeys.itemIDs), .init(StylecastKeys.itemContent), .init(StylecastKeys.itemsPending)],
            arguments: [.init(late.itemID), "fp-late"])
        let entry = IngestedItemEntry([.itemID: late.itemID, .source: late.source, .title: late.title, .description: ""])
        _ = try await client.evaluate(
            IngestStore.queueItemsOnceScript,
            keys: [.init(StylecastKeys.itemsQueued(partition: partition)), .init(stream)],
            arguments: entry.orderedValues.map { RedisArgument($0) })
        let before = try await client.send("XLEN", RedisArgument(stream)).integer
        #expect(try await store.store(items: [(late, "fp-late")]) == [.duplicateID])
        #expect(try await client.send("XLEN", RedisArgument(stream)).integer == before)
        #expect(try await client.send("HLEN", RedisArgument(StylecastKeys.itemsPending)).integer == 0)

        // Interactions and series: id sets per partition; a repeated id is a duplicate.
        let interactions = (0..<30).map { index in
            Stylecast_V1_Interaction.with {
                $0.interactionID = "i\(index % 20)"
                $0.userID = "u"
                $0.itemID = "shop:p1"
                $0.kind = "purchase"
            }
        }
        let outcomes = try await store.store(interactions: interactions)
        #expect(outcomes == Array(repeating: .accepted, count: 20) + Array(repeating: .duplicateID, count: 10))
        var stored = 0
        for partition in partitions.all {
            stored += Int(try await client.send("XLEN", RedisArgument(WorkStream.interactions.key(partition: partition))).integer ?? 0)
        }
        #expect(stored == 20)
        await client.shutdown()
    }
}
