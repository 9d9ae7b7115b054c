import StylecastErrors
import StylecastRedis
import StylecastTestSupport
import Synchronization
import Testing

/// A dependency that is down for now, as a handler reports it.
struct UpstreamDown: StylecastError {
    var failureKind: FailureKind { .unavailable }
    var description: String { "upstream unavailable for the test" }
}

/// How WorkQueue treats failures, holds the entries in hand and stops (issue 19: nothing
/// dead-lettered by a hiccup, nothing claimed while in hand, nothing left pending by a stop).
@Suite("WorkQueue failures, leases and stops against a real Redis", .timeLimit(.minutes(1)))
struct WorkQueueFailureTests {
    static func deadCount(_ queue: WorkQueue) async throws -> Int {
        Int(try await queue.client.send("XLEN", RedisArgument(queue.configuration.deadLetterStream)).integer ?? -1)
    }

    static func cleanUp(_ queue: WorkQueue) async throws {
        try await queue.client.send("DEL", RedisArgument(queue.stream), RedisArgument(queue.configuration.deadLetterStream))
    }

    @Test("an entry at fault (invalid input) goes to the dead-letter stream at once, on its first delivery")
    func invalidInputIsDeadLetteredAtOnce() async throws {
        let client = try await TestRedis.client()
        let queue = try WorkQueueTests.makeQueue(client, tag: TestRedis.uniqueTag("invalid"), maxDeliveries: 5)
        try await queue.enqueue([("payload", "bad")])
        let calls = Seen()
        let consumer = Task {
            try await queue.run { entry in
                calls.append(entry)
                throw InvalidInput(field: "payload", rule: "must be good")
            }
        }
        #expect(try await WorkQueueTests.waitUntil { try await Self.deadCount(queue) == 1 })
        consumer.cancel()
        try await consumer.value
        #expect(calls.count == 1)
        let dead = try await client.send("XRANGE", RedisArgument(queue.configuration.deadLetterStream), "-", "+")
        let fields = dead.array?.first?.array?[1].array?.compactMap(\.string) ?? []
        #expect(fields.contains("payload: must be good") && fields.contains("1"))
        try await Self.cleanUp(queue)
        await client.shutdown()
    }

    @Test("a dead letter replayed goes back to its group only: that group handles it again, another group of the stream acknowledges it unhandled")
    func replayedForOneGroup() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("replay")
        let failing = try WorkQueueTests.makeQueue(client, tag: tag, consumer: "a1", maxDeliveries: 5)
        let other = try WorkQueue(
            client: client, stream: failing.stream, group: "others", consumer: "b1",
            configuration: failing.configuration)
        try await failing.ensureGroup()
        try await other.ensureGroup()
        try await failing.enqueue([("payload", "p1")])
        let fixed = Mutex(false)
        let (seenA, seenB) = (Seen(), Seen())
        let consumers = [
            Task {
                try await failing.run { entry in
                    seenA.append(entry)
                    if !fixed.withLock({ $0 }) { throw InvalidInput(field: "payload", rule: "not yet") }
                }
            },
            Task { try await other.run { entry in seenB.append(entry) } },
        ]
        #expect(try await WorkQueueTests.waitUntil { try await Self.deadCount(failing) == 1 && seenB.count == 1 })
        let deadLetters = DeadLetters(
            client: client, stream: failing.stream, deadLetterStream: failing.configuration.deadLetterStream)
        let letters = try await deadLetters.list()
        #expect(letters.count == 1 && letters[0].group == "workers" && letters[0].reason == "payload: not yet")
        #expect(letters.first?.fields == [.init(name: "payload", value: "p1")])
        fixed.withLock { $0 = true }
        let replayed = try await deadLetters.replay()
        #expect(replayed.count == 1 && replayed[0].deadID == letters[0].id)
        let settled = try await WorkQueueTests.waitUntil {
            let (pendingOther, pendingFailing) = (try await WorkQueueTests.pendingCount(other), try await WorkQueueTests.pendingCount(failing))
            return seenA.count == 2 && pendingOther == 0 && pendingFailing == 0
        }
        #expect(settled)
        // Give the other group time to (wrongly) hand it to its handler.
        try await Task.sleep(for: .milliseconds(300))
        #expect(seenB.count == 1, "the other group handled the replayed entry")
        #expect(seenA.entries.withLock { $0.last?["replay-for"] } == "workers")
        #expect(try await Self.deadCount(failing) == 0)
        for consumer in consumers { consumer.cancel() }
        for consumer in consumers { try await consumer.value }
        try await Self.cleanUp(failing)
        await client.shutdown()
    }

    @Test("temporary failures (Redis out of memory, a dependency down) spend no delivery: the entry is tried again until it succeeds")
    func temporaryFailuresSpendNoDelivery() async throws {
        let client = try await TestRedis.client()
        let queue = try WorkQueueTests.makeQueue(
            client, tag: TestRedis.uniqueTag("hiccup"), maxDeliveries: 1, retryDelay: .milliseconds(20),
            maximumRetryDelay: .milliseconds(80))
        try await queue.ensureGroup()
        let id = try await queue.enqueue([("n", "1")])
        let attempts = Mutex(0)
        let deliveries = Mutex<[Int]>([])
        let consumer = Task {
            try await queue.run { entry in
                let attempt = attempts.withLock { $0 += 1; return $0 }
                deliveries.withLock { $0.append(entry.deliveryCount) }
                switch attempt {
                case 1...4: throw RedisError.server("OOM command not allowed when used memory > 'maxmemory'.")
                case 5...8: throw UpstreamDown()
                default: return
                }
            }
        }
        #expect(try await WorkQueueTests.waitUntil { try await WorkQueueTests.pendingCount(queue) == 0 && attempts.withLock { $0 } >= 9 })
        consumer.cancel()
        try await consumer.value
        #expect(attempts.withLock { $0 } == 9)
        #expect(deliveries.withLock { $0 } == Array(repeating: 1, count: 9))
        #expect(try await Self.deadCount(queue) == 0)
        let pending = try await client.send("XPENDING", RedisArgument(queue.stream), "workers", RedisArgument(id), RedisArgument(id), "1")
        #expect(pending.array?.isEmpty == true)
        try await Self.cleanUp(queue)
        await client.shutdown()
    }

    @Test("a slow batch in hand is renewed: another consumer claims none of it, every entry is handled once")
    func batchInHandIsNotClaimed() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("lease")
        let slow = try WorkQueueTests.makeQueue(client, tag: tag, consumer: "slow", claimIdle: .milliseconds(150))
        let other = try WorkQueueTests.makeQueue(client, tag: tag, consumer: "other", claimIdle: .milliseconds(150))
        try await slow.ensureGroup()
        for index in 0..<8 { try await slow.enqueue([("n", "\(index)")]) }
        let handled = Seen()
        let slowConsumer = Task {
            try await slow.run { entry in
                handled.append(entry)
                try await Task.sleep(for: .milliseconds(120))  // 8 x 120 ms: far beyond the claim time
            }
        }
        // The slow consumer takes the whole batch before the other starts.
        #expect(try await WorkQueueTests.waitUntil { handled.count >= 1 })
        let otherConsumer = Task { try await other.run { entry in handled.append(entry) } }
        #expect(try await WorkQueueTests.waitUntil(timeout: .seconds(15)) { try await WorkQueueTests.pendingCount(slow) == 0 && handled.count >= 8 })
        try await Task.sleep(for: .milliseconds(300))
        slowConsumer.cancel()
        otherConsumer.cancel()
        try await slowConsumer.value
        try await otherConsumer.value
        let seen = handled.entries.withLock { $0 }
        #expect(seen.count == 8, "handled \(seen.map { "\($0["n"] ?? "?")@\($0.deliveryCount)" })")
        #expect(seen.allSatisfy { $0.deliveryCount == 1 })
        try await Self.cleanUp(slow)
        await client.shutdown()
    }

    @Test("claims go on past entries that are not stale: stale entries behind live ones are claimed")
    func claimCursorGoesOn() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("cursor")
        let live = try WorkQueueTests.makeQueue(client, tag: tag, consumer: "live", claimIdle: .milliseconds(300))
        let dead = try WorkQueueTests.makeQueue(client, tag: tag, consumer: "dead", claimIdle: .milliseconds(300))
        let claimer = try WorkQueueTests.makeQueue(client, tag: tag, consumer: "claimer", claimIdle: .milliseconds(300))
        try await live.ensureGroup()
        // The pending list: 100 entries held by a live consumer first (XAUTOCLAIM looks at most at
        // 10 x COUNT = 80 of them per call), then 8 of a dead one.
        for index in 0..<108 { try await live.enqueue([("n", "\(index)")]) }
        let held = try await live.readNew(count: 100)
        let abandoned = try await dead.readNew(count: 8)
        #expect(held.count == 100 && abandoned.count == 8)
        let keepAlive = Task {
            while !Task.isCancelled {
                _ = try? await live.renew(held.map(\.id))
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        try await Task.sleep(for: .milliseconds(400))
        let handled = Seen()
        let consumer = Task { try await claimer.run { entry in handled.append(entry) } }
        #expect(try await WorkQueueTests.waitUntil(timeout: .seconds(5)) { handled.count == 8 })
        consumer.cancel()
        keepAlive.cancel()
        try await consumer.value
        #expect(Set(handled.entries.withLock { $0.map(\.id) }) == Set(abandoned.map(\.id)))
        try await Self.cleanUp(live)
        await client.shutdown()
    }

    @Test("a stop between entries finishes the batch in hand: nothing stays pending in the stopped consumer's name")
    func stopFinishesTheBatch() async throws {
        let client = try await TestRedis.client()
        let queue = try WorkQueueTests.makeQueue(client, tag: TestRedis.uniqueTag("stop"))
        for index in 0..<20 { try await queue.enqueue([("n", "\(index)")]) }
        let stop = Atomic(false)
        let handled = Seen()
        try await queue.run(until: { stop.load(ordering: .relaxed) }) { entry in
            handled.append(entry)
            if handled.count == 3 { stop.store(true, ordering: .relaxed) }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(handled.count == 8)  // the batch of 8 in hand, no more
        #expect(try await WorkQueueTests.pendingCount(queue) == 0)
        #expect(try await client.send("XLEN", RedisArgument(queue.stream)).integer == 20)
        try await Self.cleanUp(queue)
        await client.shutdown()
    }

    @Test("the applier refuses a non-finite or huge increment before writing, and a script failing part way applies its first writes once")
    func applierNeverAppliesTwice() async throws {
        let client = try await TestRedis.client()
        let tag = TestRedis.uniqueTag("partial")
        let applier = IdempotentApplier(client: client, markerPrefix: "test:{\(tag)}:applied:counter:", markerLifetime: .seconds(60))
        let counts = "test:{\(tag)}:counts"
        let text = "test:{\(tag)}:text"
        try await client.send("SET", RedisArgument(text), "not a hash")
        for bad in ["inf", "1e308", "nan", "x"] {
            await #expect(throws: RedisError.self) {
                try await applier.apply(
                    entryID: "bad-\(bad)",
                    writes: [
                        RedisWrite(["HINCRBYFLOAT", .key(counts), "week", 1]),
                        RedisWrite(["HINCRBYFLOAT", .key(counts), "week", .argument(RedisArgument(bad))]),
                    ])
            }
            #expect(try await client.send("EXISTS", RedisArgument(applier.markerKey(for: "bad-\(bad)"))).integer == 0)
        }
        #expect(try await client.send("HGET", RedisArgument(counts), "week").isNull)
        // A write that fails on the server (a hash command on a string) after one that succeeded.
        let writes = [
            RedisWrite(["HINCRBY", .key(counts), "items", 1]),
            RedisWrite(["HINCRBY", .key(text), "items", 1]),
        ]
        for _ in 0..<3 {
            _ = try? await applier.apply(entryID: "7-0", writes: writes)
        }
        #expect(try await client.send("HGET", RedisArgument(counts), "items").string == "1")
        #expect(try await applier.apply(entryID: "7-0", writes: writes) == false)
        try await client.send(
            "DEL", RedisArgument(counts), RedisArgument(text), RedisArgument(applier.markerKey(for: "7-0")))
        await client.shutdown()
    }
}
