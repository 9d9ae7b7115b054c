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

    /// The keys of ``IngestStore/decideItemsScript``.
    private static let decideItemKeys: [RedisArgument] = [
        .init(StylecastKeys.itemIDs), .init(StylecastKeys.itemContent), .init(StylecastKeys.itemsPending),
        .init(StylecastKeys.itemsPendingSince),
    ]

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
            keys: Self.decideItemKeys,
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
            keys: Self.decideItemKeys,
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
    @Test("the pending sweep: a record cut off after its body is queued, one cut off before it is released (id and content free again), one resent meanwhile is left to its sender")
    func pendingSweep() async throws {
        let redis = try await TestStackRedis.start()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url, poolSize: 2)
        let partitions = try StreamPartitions(count: 3)
        let store = IngestStore(redis: client, partitions: partitions)
        let written = Self.item("shop:written", title: "a linen shirt")
        let resent = Self.item("shop:resent", title: "a silk scarf")
        // Step 1 for all three, step 2 for the first only: an ingest that died in between.
        _ = try await client.evaluate(
            IngestStore.decideItemsScript, keys: Self.decideItemKeys,
            arguments: ["shop:written", "fp-written", "shop:bodiless", "fp-bodiless", "shop:resent", "fp-resent"])
        try await client.send("SET", RedisArgument(StylecastKeys.item(written.itemID)), RedisArgument(try written.serializedBytes()))
        let series = Stylecast_V1_SearchInterestSeries.with {
            $0.source = "gt"
            $0.term = "sage green"
            $0.geo = "US"
            $0.points = [.with { $0.week = "2024-01-01"; $0.value = 3 }]
        }
        let seriesRecord = try IngestStore.record(series: series)
        let seriesPartition = partitions.partition(of: seriesRecord.id)
        _ = try await client.evaluate(
            IngestStore.decideSignalsScript,
            keys: [
                .init(StylecastKeys.signalIDs(partition: seriesPartition)),
                .init(StylecastKeys.signalsPending(partition: seriesPartition)),
                .init(StylecastKeys.signalsPendingSince(partition: seriesPartition)),
            ],
            arguments: [.init(seriesRecord.id), .init(seriesRecord.fingerprint)])
        try await client.send("SET", RedisArgument(seriesRecord.bodyKey), RedisArgument(seriesRecord.body))

        // Younger than the expiry: nothing happens.
        #expect(try await store.sweepPending(olderThan: .seconds(3600)) == PendingSweepResult())
        try await Task.sleep(for: .milliseconds(1200))
        // Resent now: its pending time moves on, so a sweep of what is older than 1 s skips it.
        #expect(try await store.store(items: [(resent, "fp-resent")]) == [.accepted])
        _ = try await client.evaluate(
            IngestStore.decideItemsScript, keys: Self.decideItemKeys, arguments: ["shop:resent2", "fp-resent2"])
        #expect(try await store.sweepPending(olderThan: .seconds(1)) == PendingSweepResult(queued: 2, released: 1))

        var queued: [String] = []
        for partition in partitions.all {
            let entries = try await client.streamEntries(WorkStream.itemsIngested.key(partition: partition), count: 100)
            queued += entries.map { entry in IngestedItemEntry(fields: { entry[$0] })[.itemID] }
        }
        #expect(queued.sorted() == ["shop:resent", "shop:written"])
        let signalEntries = try await client.streamEntries(WorkStream.signals.key(partition: seriesPartition), count: 10)
        #expect(signalEntries.map { entry in SignalEntry(fields: { entry[$0] })[.signalID] } == [seriesRecord.id])
        // The bodiless record's id and content are free: another record takes them.
        #expect(try await store.store(items: [(Self.item("shop:bodiless", title: "a cotton coat"), "fp-new")]) == [.accepted])
        #expect(try await store.store(items: [(Self.item("shop:other", title: "x"), "fp-bodiless")]) == [.accepted])
        // Only the record decided just now is still pending, with its time.
        #expect(try await client.send("HKEYS", RedisArgument(StylecastKeys.itemsPending)).array?.compactMap(\.string) == ["shop:resent2"])
        #expect(try await client.send("HKEYS", RedisArgument(StylecastKeys.itemsPendingSince)).array?.compactMap(\.string) == ["shop:resent2"])
        #expect(try await client.send("HLEN", RedisArgument(StylecastKeys.signalsPending(partition: seriesPartition))).integer == 0)
        // Sweeping again changes nothing that was settled.
        #expect(try await store.sweepPending(olderThan: .seconds(1)) == PendingSweepResult())
        await client.shutdown()
    }

    @Test("item state: a change is written and published once, a no-op is not, an unknown item is named; a change cut off before publishing is published by the next update")
    func itemState() async throws {
        let redis = try await TestStackRedis.start()
        defer { redis.stop() }
        let client = RedisClient(url: redis.url, poolSize: 2)
        let store = IngestStore(redis: client)
        #expect(try await store.store(items: [(Self.item("shop:1", title: "a linen shirt"), "f1")]) == [.accepted])
        #expect(try await store.store(items: [(Self.item("shop:2", title: "a wool coat"), "f2")]) == [.accepted])
        func published() async throws -> [String] {
            try await client.allStreamEntries(ItemStateLog.key) { $0[ItemStateLog.itemIDField] }
        }
        func stored(_ id: String) async throws -> Stylecast_V1_FashionItem {
            try Stylecast_V1_FashionItem(serializedBytes: try #require(try await client.send("GET", RedisArgument(StylecastKeys.item(id))).bytes))
        }

        // Two updates of one item in a call: both count, one body write, one entry.
        let outcomes = try await store.update(items: [
            .with { $0.itemID = "shop:1"; $0.outOfStock = true }, .with { $0.itemID = "shop:9"; $0.hidden = true },
            .with { $0.itemID = "shop:1"; $0.price = 20 }, .with { $0.itemID = "shop:2"; $0.outOfStock = false },
        ])
        #expect(outcomes == [.changed, .unknownItem, .changed, .unchanged])
        #expect(try await published() == ["shop:1"])
        let shirt = try await stored("shop:1")
        #expect(shirt.outOfStock && shirt.price == 20 && !shirt.hidden && shirt.title == "a linen shirt")
        #expect(try await client.send("EXISTS", RedisArgument(ItemStateLog.pendingKey("shop:1"))).integer == 0)

        // The same again changes nothing and publishes nothing.
        #expect(try await store.update(items: [.with { $0.itemID = "shop:1"; $0.outOfStock = true }]) == [.unchanged])
        #expect(try await published() == ["shop:1"])

        // A call cut off after writing the body, before publishing: its mark stays, and sending
        // it again (a no-op now) publishes the change.
        var coat = try await stored("shop:2")
        let before: [UInt8] = try coat.serializedBytes()
        coat.hidden = true
        let reply = try await client.evaluate(
            IngestStore.writeStateScript,
            keys: [RedisArgument(StylecastKeys.item("shop:2")), RedisArgument(ItemStateLog.pendingKey("shop:2"))],
            arguments: [RedisArgument(before), RedisArgument(try coat.serializedBytes() as [UInt8])])
        #expect(reply.integer == 1)
        #expect(try await published() == ["shop:1"])
        #expect(try await store.update(items: [.with { $0.itemID = "shop:2"; $0.hidden = true }]) == [.unchanged])
        #expect(try await published() == ["shop:1", "shop:2"])
        #expect(try await client.send("EXISTS", RedisArgument(ItemStateLog.pendingKey("shop:2"))).integer == 0)
        await client.shutdown()
    }
}
