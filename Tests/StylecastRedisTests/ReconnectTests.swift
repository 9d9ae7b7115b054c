import Foundation
import StylecastErrors
import StylecastRedis
import StylecastTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Reconnecting after Redis restarts", .timeLimit(.minutes(1)))
struct ReconnectTests {
    @Test("Commands fail fast with a typed error while Redis is down and succeed again once it is back")
    func recoversAfterRestart() async throws {
        let server = try await TestRedisServer.start()
        let client = RedisClient(
            configuration: .init(
                url: server.url, poolSize: 3, connectTimeout: .milliseconds(500),
                commandTimeout: .seconds(1), reconnectBackoff: .milliseconds(50),
                maximumReconnectBackoff: .milliseconds(400)))
        let key = "test:{reconnect}:value"
        try await client.send("SET", RedisArgument(key), "before")
        // Warm all connections, so stale idle ones exist when the server dies.
        _ = try await client.pipeline([["PING"], ["PING"]])

        await server.send(signal: SIGTERM)

        let clock = ContinuousClock()
        for attempt in 0..<5 {
            var caught: RedisError?
            let elapsed = await clock.measure {
                do throws(RedisError) {
                    try await client.send("GET", RedisArgument(key))
                } catch {
                    caught = error
                }
            }
            guard let caught else {
                Issue.record("attempt \(attempt): GET succeeded while Redis was down")
                continue
            }
            #expect(caught.isUnavailable, "attempt \(attempt): \(caught)")
            #expect(elapsed < .seconds(1), "attempt \(attempt) took \(elapsed)")
        }
        #expect(await client.isReachable() == false)

        let restarted = try await TestRedisServer.start(port: server.port)
        let recovery = ContinuousClock.now
        var recovered = false
        while !recovered, ContinuousClock.now - recovery < .seconds(5) {
            recovered = await client.isReachable()
            if !recovered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(recovered, "client did not recover within 5 s of the restart")
        #expect(ContinuousClock.now - recovery < .seconds(3))
        // The restarted server is empty (no persistence); writes work again.
        #expect(try await client.send("GET", RedisArgument(key)).isNull)
        try await client.send("SET", RedisArgument(key), "after")
        #expect(try await client.send("GET", RedisArgument(key)).string == "after")

        await client.shutdown()
        restarted.stop()
        server.stop()
    }

    @Test("LOADING, BUSY and OOM replies mean Redis is unavailable for now (UNAVAILABLE); WRONGTYPE does not")
    func transientReplies() {
        for reply in ["LOADING Redis is loading the dataset in memory", "BUSY Redis is busy running a script", "OOM command not allowed"] {
            #expect(RedisError.server(reply).isUnavailable, "\(reply)")
            #expect(RedisError.server(reply).failureKind == .unavailable, "\(reply)")
        }
        #expect(!RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value").isUnavailable)
        #expect(RedisError.server("WRONGTYPE Operation against a key holding the wrong kind of value").failureKind == .bug)
    }

    @Test("A work-queue consumer waits while a restarted Redis loads its append-only file (LOADING), then consumes on")
    func consumerWaitsOutLoading() async throws {
        let folder = try TemporaryDirectory()
        let directory = URL(fileURLWithPath: folder.path("redis"))
        let server = try await TestRedisServer.start(directory: directory, appendOnly: true)
        let client = RedisClient(
            configuration: .init(
                url: server.url, poolSize: 3, connectTimeout: .milliseconds(500), commandTimeout: .seconds(1),
                reconnectBackoff: .milliseconds(20), maximumReconnectBackoff: .milliseconds(100)))
        // Enough data that loading the append-only file takes about a second.
        try await client.send(
            [
                "EVAL", "for i = 1, 400000 do redis.call('SET', KEYS[1] .. i, ARGV[1]) end", "1",
                "test:{loading}:filler:", RedisArgument(String(repeating: "x", count: 48)),
            ], timeout: .seconds(60))
        let queue = try WorkQueue(
            client: client, stream: "test:{loading}:stream", group: "workers", consumer: "c1",
            configuration: .init(
                claimIdleTime: .seconds(30), maxDeliveries: 3, deadLetterStream: "test:{loading}:dead",
                blockTime: .milliseconds(50), retryDelay: .milliseconds(20)))
        try await queue.ensureGroup()
        let seen = Seen()
        let consumer = Task { try await queue.run { seen.append($0) } }
        try await queue.enqueue([("n", "before")])
        #expect(try await WorkQueueTests.waitUntil { seen.count == 1 })

        await server.send(signal: SIGTERM)
        // Watches the restarted server: refused, then LOADING while it reads the file, then PONG.
        let watcher = Task {
            let probe = RedisClient(
                configuration: .init(
                    url: server.url, poolSize: 1, connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(500),
                    reconnectBackoff: .milliseconds(5), maximumReconnectBackoff: .milliseconds(10)))
            var loading = false
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                do {
                    try await probe.ping()
                    break
                } catch {
                    if (error as? RedisError)?.serverErrorCode == "LOADING" { loading = true }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            await probe.shutdown()
            return loading
        }
        let restarted = try await TestRedisServer.start(
            port: server.port, directory: directory, appendOnly: true, readyTimeout: .seconds(30))
        #expect(await watcher.value, "Redis never answered LOADING, so this test exercised nothing")

        try await queue.enqueue([("n", "after")])
        #expect(try await WorkQueueTests.waitUntil { seen.count == 2 }, "the consumer stopped during the restart")
        #expect(seen.entries.withLock { $0.map { $0["n"] } } == ["before", "after"])
        #expect(try await client.send("GET", "test:{loading}:filler:400000").string?.count == 48)

        consumer.cancel()
        try await consumer.value
        await client.shutdown()
        restarted.stop()
        server.stop()
    }
}
