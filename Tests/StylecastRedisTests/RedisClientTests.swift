import StylecastErrors
import StylecastRedis
import StylecastTestSupport
import Testing

@Suite("RedisClient against a real Redis", .timeLimit(.minutes(1)))
struct RedisClientTests {
    @Test("Binary values round-trip byte for byte, NUL and invalid UTF-8 included")
    func binaryRoundTrip() async throws {
        let client = try await TestRedis.client()
        let key = "test:{\(TestRedis.uniqueTag("binary"))}:blob"
        let bytes: [UInt8] = [0, 1, 2, 0xFF, 0xFE, 0, 13, 10] + Array(repeating: 0x80, count: 100_000)
        try await client.send(["SET", RedisArgument(key), RedisArgument(bytes)])
        let reply = try await client.send("GET", RedisArgument(key))
        #expect(reply.bytes == bytes)
        #expect(try await client.send("STRLEN", RedisArgument(key)).integer == Int64(bytes.count))
        #expect(try await client.send("GET", "test:{missing}:nothing").isNull)
        try await client.send("DEL", RedisArgument(key))
        await client.shutdown()
    }

    @Test("An error reply is thrown as a server error with its message")
    func errorReply() async throws {
        let client = try await TestRedis.client()
        let key = "test:{\(TestRedis.uniqueTag("wrongtype"))}:list"
        try await client.send("RPUSH", RedisArgument(key), "a")
        let error = await #expect(throws: RedisError.self) { try await client.send("INCR", RedisArgument(key)) }
        #expect(error?.serverErrorCode == "WRONGTYPE")
        try await client.send("DEL", RedisArgument(key))
        await client.shutdown()
    }

    @Test("A pipeline returns every reply in order, error replies in place")
    func pipelineOrder() async throws {
        let client = try await TestRedis.client()
        let key = "test:{\(TestRedis.uniqueTag("pipeline"))}:counter"
        var commands: [[RedisArgument]] = (1...200).map { _ in ["INCR", RedisArgument(key)] }
        commands.insert(["HGET", RedisArgument(key), "x"], at: 100)
        let replies = try await client.pipeline(commands)
        #expect(replies.count == 201)
        #expect(replies[..<100].map(\.integer) == (1...100).map { Int64($0) })
        #expect(replies[100].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[101...].map(\.integer) == (101...200).map { Int64($0) })
        try await client.send("DEL", RedisArgument(key))
        await client.shutdown()
    }

    @Test("Many concurrent commands share a small pool")
    func concurrentCommands() async throws {
        let client = try await TestRedis.client(poolSize: 3)
        let key = "test:{\(TestRedis.uniqueTag("concurrent"))}:counter"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<500 {
                group.addTask { try await client.send("INCR", RedisArgument(key)) }
            }
            try await group.waitForAll()
        }
        #expect(try await client.send("GET", RedisArgument(key)).integer == 500)
        try await client.ping()
        #expect(await client.isReachable())
        try await client.send("DEL", RedisArgument(key))
        await client.shutdown()
        await #expect(throws: RedisError.clientShutDown) { try await client.ping() }
    }

    /// On one server: each Redis Cluster node caches scripts of its own, so the cluster run of
    /// scripts/test.sh skips this one (the cluster tests run scripts on several nodes).
    @Test("Scripts run by SHA-1, which matches SCRIPT LOAD, and fall back to EVAL after SCRIPT FLUSH")
    func scriptsFallBackAfterFlush() async throws {
        let client = try await TestRedis.client()
        let key = "test:{\(TestRedis.uniqueTag("script"))}:value"
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        #expect(try await client.send("SCRIPT", "LOAD", RedisArgument(script.source)).string == script.sha1)
        #expect(try await client.evaluate(script, keys: [RedisArgument(key)], arguments: [5]).integer == 5)
        try await client.send("SCRIPT", "FLUSH")
        #expect(try await client.send("SCRIPT", "EXISTS", RedisArgument(script.sha1)).array == [.integer(0)])
        #expect(try await client.evaluate(script, keys: [RedisArgument(key)], arguments: [2]).integer == 7)
        #expect(try await client.send("SCRIPT", "EXISTS", RedisArgument(script.sha1)).array == [.integer(1)])
        await #expect(throws: RedisError.self) {
            try await client.evaluate(RedisScript("return redis.call('NOPE')"))
        }
        try await client.send("DEL", RedisArgument(key))
        await client.shutdown()
    }

    @Test("A client with a wrong password fails to connect with a typed error")
    func wrongPassword() async throws {
        var url = try await TestRedis.url()
        url.password = "not-the-password"
        url.username = "nobody"
        let client = RedisClient(url: url, poolSize: 1)
        let error = await #expect(throws: RedisError.self) { try await client.ping() }
        if case .connectionFailed(let reason)? = error {
            #expect(reason.contains("AUTH rejected"))
            #expect(!reason.contains("not-the-password"))
        } else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
        }
        await client.shutdown()
    }
}

@Suite("RedisClient's pool: bounded waits, dedicated connections for blocking reads", .timeLimit(.minutes(1)))
struct ConnectionPoolWaitTests {
    @Test("with every connection busy, a command waits at most poolWaitTimeout, then fails UNAVAILABLE naming the settings; nothing is sent")
    func boundedWait() async throws {
        let client = RedisClient(
            configuration: .init(url: try await TestRedis.url(), poolSize: 1, poolWaitTimeout: .milliseconds(200)))
        let key = "test:{\(TestRedis.uniqueTag("poolwait"))}:list"
        // BLPOP on an empty list holds the only connection for 1.5 s.
        let blocker = Task { try await client.send(["BLPOP", RedisArgument(key), "1.5"], timeout: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        let error = await #expect(throws: RedisError.self, "RPUSH ran although the pool was busy") {
            try await client.send("RPUSH", RedisArgument(key), "late")
        }
        #expect(error == .poolExhausted(size: 1, waitedMilliseconds: 200))
        #expect(error?.failureKind == .unavailable && error?.isUnavailable == true)
        #expect(error?.description.contains("STYLECAST_REDIS_POOL_WAIT_MS") == true)
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(190) && waited < .milliseconds(1000), "waited \(waited)")
        #expect(try await blocker.value.isNull, "BLPOP timed out with nothing pushed: the refused RPUSH was not sent")
        #expect(try await client.send("LLEN", RedisArgument(key)).integer == 0)
        await client.shutdown()
    }

    @Test("three consumers waiting for work on a pool of one leave it free: 50 commands each answer within 100 ms")
    func consumersHoldNoPoolConnection() async throws {
        let client = try await TestRedis.client(poolSize: 1)
        let tag = TestRedis.uniqueTag("idle-consumers")
        let consumers = (1...3).map { n in
            Task {
                let queue = try WorkQueue(
                    client: client, stream: "test:{\(tag)}:stream", group: "workers", consumer: "c\(n)",
                    configuration: .init(deadLetterStream: "test:{\(tag)}:dead", blockTime: .seconds(2)))
                try await queue.run { _ in }
            }
        }
        // Let every consumer create the group and start blocking.
        try await Task.sleep(for: .milliseconds(500))
        var slowest = Duration.zero
        for _ in 0..<50 {
            let start = ContinuousClock.now
            try await client.send("PING")
            slowest = max(slowest, ContinuousClock.now - start)
        }
        #expect(slowest < .milliseconds(100), "slowest PING \(slowest)")
        for consumer in consumers { consumer.cancel() }
        for consumer in consumers { _ = await consumer.result }
        try await client.send("DEL", RedisArgument("test:{\(tag)}:stream"))
        await client.shutdown()
    }
}
