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
}
