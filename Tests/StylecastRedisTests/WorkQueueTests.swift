import StylecastRedis
import StylecastTestSupport
import Synchronization
import Testing

/// An error a handler throws on purpose.
struct DeliberateFailure: Error, CustomStringConvertible {
    var description: String { "deliberate failure for the test" }
}

/// Entries a handler has seen, shared with the test.
final class Seen: Sendable {
    let entries = Mutex<[WorkQueue.Entry]>([])
    var count: Int { entries.withLock { $0.count } }
    func append(_ entry: WorkQueue.Entry) { entries.withLock { $0.append(entry) } }
}

@Suite("WorkQueue against a real Redis", .timeLimit(.minutes(1)))
struct WorkQueueTests {
    /// A queue on fresh keys sharing one hash tag.
    static func makeQueue(
        _ client: RedisClient, tag: String, consumer: String = "c1",
        claimIdle: Duration = .milliseconds(100), maxDeliveries: Int = 3,
        retryDelay: Duration = .milliseconds(250), maximumRetryDelay: Duration = .seconds(5), concurrency: Int = 1
    ) throws -> WorkQueue {
        try WorkQueue(
            client: client, stream: "test:{\(tag)}:stream", group: "workers", consumer: consumer,
            configuration: .init(
                claimIdleTime: claimIdle, maxDeliveries: maxDeliveries,
                deadLetterStream: "test:{\(tag)}:dead", blockTime: .milliseconds(100), batchSize: 8,
                retryDelay: retryDelay, maximumRetryDelay: maximumRetryDelay, concurrency: concurrency))
    }

    static func pendingCount(_ queue: WorkQueue) async throws -> Int64 {
        let summary = try await queue.client.send("XPENDING", RedisArgument(queue.stream), RedisArgument(queue.group))
        return summary.array?.first?.integer ?? -1
    }

    static func waitUntil(
        timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("Entries are acknowledged only after the handler returned")
    func acknowledgeAfterHandling() async throws {
        let client = try await TestRedis.client()
        let queue = try Self.makeQueue(client, tag: TestRedis.uniqueTag("ack"))
        try await queue.ensureGroup()
        try await queue.ensureGroup()  // BUSYGROUP is ignored
        for index in 0..<3 { try await queue.enqueue([("n", "\(index)")]) }

        // Read but not yet handled: pending.
        let taken = try await queue.readNew(count: 2)
        #expect(taken.map { $0["n"] } == ["0", "1"])
        #expect(taken.allSatisfy { $0.deliveryCount == 1 })
        #expect(try await Self.pendingCount(queue) == 2)
        #expect(try await queue.acknowledge(taken.map(\.id)) == 2)
        #expect(try await Self.pendingCount(queue) == 0)

        // The run loop: the handler sees the entry while it is still pending.
        let seen = Seen()
        let pendingDuringHandler = Mutex<Int64>(-1)
        let consumer = Task {
            try await queue.run { entry in
                let pending = try await Self.pendingCount(queue)
                pendingDuringHandler.withLock { $0 = pending }
                seen.append(entry)
            }
        }
        #expect(try await Self.waitUntil { seen.count == 1 })
        #expect(try await Self.waitUntil { try await Self.pendingCount(queue) == 0 })
        consumer.cancel()
        try await consumer.value
        #expect(pendingDuringHandler.withLock { $0 } == 1)
        #expect(seen.entries.withLock { $0.map { $0["n"] } } == ["2"])
        try await client.send("DEL", RedisArgument(queue.stream))
        await client.shutdown()
    }

    @Test("concurrency 4: four handlers of a batch run at once, never more; every entry is acknowledged after its own handler, and a failing one stays pending")
    func concurrentHandlers() async throws {
        let client = try await TestRedis.client()
        let queue = try Self.makeQueue(client, tag: TestRedis.uniqueTag("concurrent"), claimIdle: .seconds(30), concurrency: 4)
        try await queue.ensureGroup()
        for index in 0..<24 { try await queue.enqueue([("n", "\(index)")]) }
        let running = Mutex<(now: Int, most: Int)>((0, 0))
        let seen = Seen()
        let consumer = Task {
            try await queue.run { entry in
                running.withLock { $0 = ($0.now + 1, max($0.most, $0.now + 1)) }
                defer { running.withLock { $0.now -= 1 } }
                // Long enough for the others of the batch to start meanwhile.
                try await Task.sleep(for: .milliseconds(50))
                seen.append(entry)
                if entry["n"] == "5" { throw DeliberateFailure() }
            }
        }
        #expect(try await Self.waitUntil { seen.count == 24 })
        #expect(try await Self.waitUntil { try await Self.pendingCount(queue) == 1 })
        consumer.cancel()
        try await consumer.value
        #expect(running.withLock { $0.most } == 4, "\(running.withLock { $0 })")
        #expect(Set(seen.entries.withLock { $0.compactMap { $0["n"] } }) == Set((0..<24).map(String.init)))
        // The one left pending is the failing entry: the others were each acknowledged.
        let pending = try await client.send("XPENDING", RedisArgument(queue.stream), "workers", "-", "+", "10")
        let pendingIDs = (pending.array ?? []).compactMap { $0.array?.first?.string }
        let failed = seen.entries.withLock { $0.first { $0["n"] == "5" }?.id }
        #expect(pendingIDs == [failed].compactMap { $0 })
        try await client.send("DEL", RedisArgument(queue.stream))
        await client.shutdown()
    }

    @Test("An unacknowledged entry is redelivered to another consumer by claiming it")
    func redeliveryByClaim() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("claim")
        let first = try Self.makeQueue(client, tag: tag, consumer: "first", claimIdle: .milliseconds(200))
        let second = try Self.makeQueue(client, tag: tag, consumer: "second", claimIdle: .milliseconds(200))
        try await first.ensureGroup()
        let id = try await first.enqueue(fields: ["item": "42", "kind": "dress"])

        let taken = try await first.readNew()
        #expect(taken.map(\.id) == [id])
        // Too early: not idle long enough to be claimed.
        #expect(try await second.claimStale().isEmpty)
        try await Task.sleep(for: .milliseconds(250))

        let claimed = try await second.claimStale()
        #expect(claimed.count == 1)
        #expect(claimed.first?.id == id)
        #expect(claimed.first?.deliveryCount == 2)
        #expect(claimed.first?.fields == [.init(name: "item", value: "42"), .init(name: "kind", value: "dress")])
        let owner = try await client.send(
            "XPENDING", RedisArgument(second.stream), "workers", RedisArgument(id), RedisArgument(id), "1")
        #expect(owner.array?.first?.array?[1].string == "second")
        #expect(try await second.acknowledge([id]) == 1)
        #expect(try await first.acknowledge([id]) == 0)
        #expect(try await Self.pendingCount(first) == 0)
        try await client.send("DEL", RedisArgument(first.stream))
        await client.shutdown()
    }

    @Test("An entry failing on every delivery goes to the dead-letter stream after maxDeliveries, with the reason")
    func deadLetterAfterMaxDeliveries() async throws {
        let client = try await TestRedis.client()
        let queue = try Self.makeQueue(client, tag: TestRedis.uniqueTag("dead"), maxDeliveries: 3)
        let id = try await queue.enqueue([("payload", "bad"), ("attempt", "x")])
        let calls = Seen()
        let consumer = Task {
            try await queue.run { entry in
                calls.append(entry)
                throw DeliberateFailure()
            }
        }
        let moved = try await Self.waitUntil {
            try await client.send("XLEN", RedisArgument(queue.configuration.deadLetterStream)).integer == 1
        }
        consumer.cancel()
        try await consumer.value
        #expect(moved)
        #expect(calls.entries.withLock { $0.map(\.deliveryCount) } == [1, 2, 3])

        let dead = try await client.send("XRANGE", RedisArgument(queue.configuration.deadLetterStream), "-", "+")
        let map = dead.array?.first?.array?[1].fieldMap?.compactMapValues(\.string) ?? [:]
        #expect(map["original-id"] == id)
        #expect(map["original-stream"] == queue.stream)
        #expect(map["reason"] == "deliberate failure for the test")
        #expect(map["delivery-count"] == "3")
        #expect(map["field:payload"] == "bad")
        #expect(map["field:attempt"] == "x")
        #expect(try await Self.pendingCount(queue) == 0)
        try await client.send("DEL", RedisArgument(queue.stream), RedisArgument(queue.configuration.deadLetterStream))
        await client.shutdown()
    }

    @Test("A dead-letter stream in another hash slot is refused")
    func deadLetterMustShareHashTag() async throws {
        let client = try await TestRedis.client()
        #expect(throws: RedisError.self) {
            try WorkQueue(
                client: client, stream: "a:{one}", group: "g", consumer: "c",
                configuration: .init(deadLetterStream: "a:{two}:dead"))
        }
        await client.shutdown()
    }

    @Test("Applying the same entry twice changes nothing the second time")
    func idempotentApplyTwice() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("apply")
        let applier = IdempotentApplier(client: client, markerPrefix: "test:{\(tag)}:applied:counter:", markerLifetime: .seconds(60))
        let counts = "test:{\(tag)}:counts"
        let list = "test:{\(tag)}:log"
        let writes = [
            RedisWrite(["HINCRBY", .key(counts), "red", 1]),
            RedisWrite(["RPUSH", .key(list), .argument(RedisArgument([0, 255, 1]))]),
        ]
        #expect(try await applier.apply(entryID: "1-0", writes: writes))
        #expect(try await applier.apply(entryID: "1-0", writes: writes) == false)
        #expect(try await applier.apply(entryID: "2-0", writes: writes))
        #expect(try await client.send("HGET", RedisArgument(counts), "red").integer == 2)
        #expect(try await client.send("LLEN", RedisArgument(list)).integer == 2)
        #expect(try await client.send("LINDEX", RedisArgument(list), 0).bytes == [0, 255, 1])
        let ttl = try await client.send("PTTL", RedisArgument(applier.markerKey(for: "1-0"))).integer ?? -1
        #expect(ttl > 0 && ttl <= 60_000)

        await #expect(throws: RedisError.self) {
            try await applier.apply(entryID: "3-0", writes: [RedisWrite(["INCR", .key("untagged")])])
        }
        try await client.send(
            "DEL", RedisArgument(counts), RedisArgument(list), RedisArgument(applier.markerKey(for: "1-0")),
            RedisArgument(applier.markerKey(for: "2-0")))
        await client.shutdown()
    }

    @Test("writes over three hash tags apply once per tag, the leading tag first, and a cut-off unit finishes the rest")
    func tagGroupedApply() async throws {
        let client = try await TestRedis.client()
        let tags = ["b", "a", "c"].map { TestRedis.uniqueTag("grouped-\($0)") }
        let applier = TagGroupedApplier(client: client, leading: tags[0], markerLifetime: .seconds(60)) {
            "test:{\($0)}:applied:grouped:"
        }
        let writes = tags.flatMap { tag in
            [RedisWrite(["HINCRBY", .key("test:{\(tag)}:counts"), "n", 1]), RedisWrite(["RPUSH", .key("test:{\(tag)}:log"), "x"])]
        }
        let groups = try applier.groups(writes)
        #expect(groups.map(\.tag) == [tags[0]] + tags.dropFirst().sorted())
        #expect(groups.allSatisfy { $0.writes.count == 2 })
        // A unit cut off after its leading group: applied again, it runs only the others.
        #expect(try await applier.apply(entryID: "1-0", group: groups[0]))
        #expect(try await applier.apply(entryID: "1-0", writes: writes))
        #expect(try await applier.apply(entryID: "1-0", writes: writes) == false)
        for tag in tags {
            #expect(try await client.send("HGET", RedisArgument("test:{\(tag)}:counts"), "n").integer == 1, "\(tag)")
            #expect(try await client.send("LLEN", RedisArgument("test:{\(tag)}:log")).integer == 1, "\(tag)")
            let marker = applier.markerKey(for: "1-0", tag: tag)
            #expect(marker == "test:{\(tag)}:applied:grouped:1-0")
            #expect(try await client.send("EXISTS", RedisArgument(marker)).integer == 1)
        }
        #expect(try await applier.apply(entryID: "2-0", writes: writes))
        #expect(try await client.send("HGET", RedisArgument("test:{\(tags[2])}:counts"), "n").integer == 2)

        // One write whose keys carry two tags, or none, is refused before anything runs.
        for bad in [
            RedisWrite(["SMOVE", .key("test:{\(tags[0])}:s"), .key("test:{\(tags[1])}:s"), "m"]), RedisWrite(["PING"]),
        ] {
            #expect(throws: RedisError.self) { try applier.groups([bad]) }
            await #expect(throws: RedisError.self) { try await applier.apply(entryID: "3-0", writes: writes + [bad]) }
        }
        #expect(try await client.send("EXISTS", RedisArgument(applier.markerKey(for: "3-0", tag: tags[0]))).integer == 0)
        // An increment the script would refuse, in the last group: refused before the first runs.
        let huge = RedisWrite(["HINCRBYFLOAT", .key("test:{\(tags[2])}:counts"), "n", "1e16"])
        #expect(throws: RedisError.self) { try applier.groups(writes + [huge]) }
        await #expect(throws: RedisError.self) { try await applier.apply(entryID: "4-0", writes: writes + [huge]) }
        #expect(try await client.send("EXISTS", RedisArgument(applier.markerKey(for: "4-0", tag: tags[0]))).integer == 0)
        #expect(try await client.send("HGET", RedisArgument("test:{\(tags[0])}:counts"), "n").integer == 2)
        for tag in tags {
            try await client.send(
                "DEL", RedisArgument("test:{\(tag)}:counts"), RedisArgument("test:{\(tag)}:log"),
                RedisArgument(applier.markerKey(for: "1-0", tag: tag)), RedisArgument(applier.markerKey(for: "2-0", tag: tag)))
        }
        await client.shutdown()
    }
}
