import StylecastRedis
import StylecastTestSupport
import Synchronization
import Testing

@Suite("Writes of a batch coalesced")
struct WriteCoalescingTests {
    static func words(_ write: RedisWrite) -> [String] {
        write.parts.map { part in
            switch part {
            case .key(let key): "key:" + key
            case .argument(let argument): argument.description
            }
        }
    }

    @Test("increments of one counter are summed and SADDs merged, each where its first write was; other writes keep their order")
    func sumsAndMerges() {
        let writes = [
            RedisWrite(["INCR", .key("v")]),
            RedisWrite(["HINCRBYFLOAT", .key("s"), "2024-01-01", "2"]),
            RedisWrite(["RPUSH", .key("log"), "a"]),
            RedisWrite(["SADD", .key("set"), "x", "y"]),
            RedisWrite(["HINCRBYFLOAT", .key("s"), "2024-01-08", "1"]),
            RedisWrite(["INCR", .key("v")]),
            RedisWrite(["HINCRBYFLOAT", .key("s"), "2024-01-01", "3.0"]),
            RedisWrite(["SADD", .key("set"), "y", "z"]),
            RedisWrite(["HINCRBY", .key("n"), "f", "-4"]),
            RedisWrite(["HINCRBY", .key("n"), "f", "1"]),
            RedisWrite(["RPUSH", .key("log"), "b"]),
        ]
        let result = RedisWrite.coalesced(writes, limit: 1e15).map(Self.words)
        #expect(
            result == [
                ["INCRBY", "key:v", "2"],
                ["HINCRBYFLOAT", "key:s", "2024-01-01", "5"],
                ["RPUSH", "key:log", "a"],
                ["SADD", "key:set", "x", "y", "z"],
                ["HINCRBYFLOAT", "key:s", "2024-01-08", "1"],
                ["HINCRBY", "key:n", "f", "-3"],
                ["RPUSH", "key:log", "b"],
            ])
    }

    @Test("a key also written otherwise, a fractional float increment, or a sum past the limit is kept as it was")
    func keptWhenNotExact() {
        let mixed = [
            RedisWrite(["INCR", .key("k")]), RedisWrite(["SET", .key("k"), "7"]), RedisWrite(["INCR", .key("k")]),
        ]
        #expect(RedisWrite.coalesced(mixed, limit: 1e15) == mixed)
        let fractional = [
            RedisWrite(["HINCRBYFLOAT", .key("s"), "w", "0.1"]), RedisWrite(["HINCRBYFLOAT", .key("s"), "w", "0.2"]),
        ]
        #expect(RedisWrite.coalesced(fractional, limit: 1e15) == fractional)
        let twoKinds = [RedisWrite(["SADD", .key("x"), "m"]), RedisWrite(["INCR", .key("x")]), RedisWrite(["SADD", .key("x"), "m"])]
        #expect(RedisWrite.coalesced(twoKinds, limit: 1e15) == twoKinds)
        let large = [RedisWrite(["INCRBY", .key("c"), "600"]), RedisWrite(["INCRBY", .key("c"), "600"])]
        #expect(RedisWrite.coalesced(large, limit: 1000) == large)
        #expect(RedisWrite.coalesced(large, limit: 1200).map(Self.words) == [["INCRBY", "key:c", "1200"]])
    }
}

@Suite("Batches applied once against a real Redis", .timeLimit(.minutes(1)))
struct BatchApplyTests {
    @Test("a batch applies every entry's writes once, summed; a batch with an entry already applied applies only the others")
    func idempotentBatch() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("batch")
        let applier = IdempotentApplier(client: client, markerPrefix: "test:{\(tag)}:applied:batch:", markerLifetime: .seconds(60))
        let counts = "test:{\(tag)}:counts"
        let log = "test:{\(tag)}:log"
        let members = "test:{\(tag)}:members"
        func unit(_ id: String, _ amount: Int) -> IdempotentApplier.EntryWrites {
            .init(
                entryID: id,
                writes: [
                    RedisWrite(["HINCRBYFLOAT", .key(counts), "w", .argument(RedisArgument(amount))]),
                    RedisWrite(["RPUSH", .key(log), .argument(RedisArgument(id))]),
                ])
        }
        let shared = [RedisWrite(["SADD", .key(members), "red"])]
        #expect(try await applier.apply(batch: [unit("1-0", 2), unit("2-0", 3), unit("3-0", 5)], shared: shared).isEmpty)
        #expect(try await client.send("HGET", RedisArgument(counts), "w").string == "10")
        #expect(try await client.send("LRANGE", RedisArgument(log), 0, -1).array?.compactMap(\.string) == ["1-0", "2-0", "3-0"])

        // A redelivery of 2-0 in a new batch: only 4-0 runs.
        let again = try await applier.apply(batch: [unit("2-0", 3), unit("4-0", 7)], shared: shared)
        #expect(again == ["2-0"])
        #expect(try await client.send("HGET", RedisArgument(counts), "w").string == "17")
        #expect(try await client.send("LRANGE", RedisArgument(log), 0, -1).array?.compactMap(\.string) == ["1-0", "2-0", "3-0", "4-0"])
        #expect(try await client.send("SCARD", RedisArgument(members)).integer == 1)
        // Every entry of it already applied: nothing runs, the shared writes neither.
        try await client.send("DEL", RedisArgument(members))
        #expect(try await applier.apply(batch: [unit("1-0", 2), unit("4-0", 7)], shared: shared) == ["1-0", "4-0"])
        #expect(try await client.send("EXISTS", RedisArgument(members)).integer == 0)
        #expect(try await applier.apply(entryID: "3-0", writes: unit("3-0", 5).writes) == false)

        await #expect(throws: RedisError.self) { try await applier.apply(batch: [unit("5-0", 1), unit("5-0", 1)]) }
        // A write refused by the script (an increment past the limit) writes nothing of the batch.
        let refused = IdempotentApplier.EntryWrites(
            entryID: "6-0", writes: [RedisWrite(["HINCRBYFLOAT", .key(counts), "w", "1e16"])])
        await #expect(throws: RedisError.self) { try await applier.apply(batch: [unit("7-0", 1), refused]) }
        #expect(try await client.send("HGET", RedisArgument(counts), "w").string == "17")
        #expect(try await client.send("EXISTS", RedisArgument(applier.markerKey(for: "7-0"))).integer == 0)
        await client.shutdown()
    }

    @Test("a tag-grouped batch leaves out an entry whose leading group already ran, and skips one per tag already applied")
    func tagGroupedBatch() async throws {
        let client = try await TestRedis.client()
        let tags = ["lead", "other"].map { TestRedis.uniqueTag("batch-\($0)") }
        let applier = TagGroupedApplier(client: client, leading: tags[0], markerLifetime: .seconds(60)) {
            "test:{\($0)}:applied:grouped-batch:"
        }
        func writes(_ amount: Int) -> [RedisWrite] {
            tags.map { RedisWrite(["HINCRBY", .key("test:{\($0)}:counts"), "n", .argument(RedisArgument(amount))]) }
        }
        // 1-0 ran its leading group only (cut off); 2-0 ran completely.
        let groups1 = try applier.groups(writes(1))
        #expect(try await applier.apply(entryID: "1-0", group: groups1[0]))
        #expect(try await applier.apply(entryID: "2-0", writes: writes(10)))
        let left = try await applier.apply(
            batch: [.init(entryID: "1-0", writes: writes(1)), .init(entryID: "2-0", writes: writes(10)),
                .init(entryID: "3-0", writes: writes(100))],
            shared: [RedisWrite(["SADD", .key("test:{\(tags[1])}:members"), "m"])])
        #expect(left == ["1-0", "2-0"])
        #expect(try await client.send("HGET", RedisArgument("test:{\(tags[0])}:counts"), "n").integer == 111)
        #expect(try await client.send("HGET", RedisArgument("test:{\(tags[1])}:counts"), "n").integer == 110)
        #expect(try await client.send("SISMEMBER", RedisArgument("test:{\(tags[1])}:members"), "m").integer == 1)
        // The caller finishes 1-0 on its own: its other group runs, its leading group does not again.
        #expect(try await applier.apply(entryID: "1-0", writes: writes(1)))
        #expect(try await client.send("HGET", RedisArgument("test:{\(tags[0])}:counts"), "n").integer == 111)
        #expect(try await client.send("HGET", RedisArgument("test:{\(tags[1])}:counts"), "n").integer == 111)
        await client.shutdown()
    }

    @Test("a queue's batch handler handles what it can, acknowledged at once; what it leaves, or all when it throws, goes one by one")
    func queueBatchHandler() async throws {
        let client = try await TestRedis.client()
        for failing in [false, true] {
            let queue = try WorkQueueTests.makeQueue(client, tag: TestRedis.uniqueTag("batch-queue"))
            try await queue.ensureGroup()
            for index in 0..<6 { try await queue.enqueue([("n", "\(index)")]) }
            let atOnce = Mutex<[String]>([])
            let oneByOne = Seen()
            let consumer = Task {
                try await queue.run(
                    batchHandler: { entries in
                        if failing { throw DeliberateFailure() }
                        let (odd, even) = (entries.filter { Int($0["n"]!)! % 2 == 1 }, entries.filter { Int($0["n"]!)! % 2 == 0 })
                        atOnce.withLock { $0 += even.compactMap { $0["n"] } }
                        return odd
                    },
                    handler: { entry in oneByOne.append(entry) })
            }
            #expect(
                try await WorkQueueTests.waitUntil {
                    let pending = try await WorkQueueTests.pendingCount(queue)
                    return atOnce.withLock { $0.count } + oneByOne.count >= 6 && pending == 0
                })
            consumer.cancel()
            _ = try? await consumer.value
            let handledOneByOne = oneByOne.entries.withLock { $0.compactMap { $0["n"] } }.sorted()
            if failing {
                #expect(atOnce.withLock { $0 }.isEmpty)
                #expect(handledOneByOne == ["0", "1", "2", "3", "4", "5"])
            } else {
                #expect(atOnce.withLock { $0 }.sorted() == ["0", "2", "4"])
                #expect(handledOneByOne == ["1", "3", "5"])
            }
            #expect(try await WorkQueueTests.pendingCount(queue) == 0)
        }
        await client.shutdown()
    }
}
