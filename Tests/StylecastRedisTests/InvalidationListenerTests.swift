import Foundation
import StylecastRedis
import StylecastTestSupport
import Testing

@Suite("RedisInvalidationListener against a real Redis")
struct InvalidationListenerTests {
    /// Events in the order the listener reported them, awaited with a time limit.
    final class Recorder: Sendable {
        let events: AsyncStream<RedisInvalidationListener.Event>
        let continuation: AsyncStream<RedisInvalidationListener.Event>.Continuation

        init() {
            (events, continuation) = AsyncStream.makeStream()
        }

        /// The next event, or `nil` when none comes within `limit` (the stream then ends).
        func next(within limit: Duration) async -> RedisInvalidationListener.Event? {
            await withTaskGroup(of: RedisInvalidationListener.Event?.self) { group in
                group.addTask { [events] in
                    var iterator = events.makeAsyncIterator()
                    return await iterator.next()
                }
                group.addTask {
                    try? await Task.sleep(for: limit)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
        }
    }

    @Test("reports writes, deletes, expiry and flushes under the prefix, loses a frozen or stopped Redis and resubscribes")
    func followsInvalidations() async throws {
        let server = try await TestRedisServer.start()
        defer { server.stop() }
        let configuration = RedisClient.Configuration(
            url: server.url, poolSize: 1, reconnectBackoff: .milliseconds(50), maximumReconnectBackoff: .milliseconds(200))
        let client = RedisClient(configuration: configuration)
        let listener = RedisInvalidationListener(
            configuration: configuration, prefixes: ["near:{"], liveness: .milliseconds(400))
        let recorder = Recorder()
        let following = Task { await listener.run { recorder.continuation.yield($0) } }
        defer { following.cancel() }

        #expect(await recorder.next(within: .seconds(5)) == .subscribed)
        try await client.send("SET", "other:{a}", "1")
        try await client.send("SET", "near:{a}", "1")
        #expect(await recorder.next(within: .seconds(5)) == .invalidated(["near:{a}"]))
        try await client.send("DEL", "near:{a}")
        #expect(await recorder.next(within: .seconds(5)) == .invalidated(["near:{a}"]))
        // Written with a 50 ms lifetime: one invalidation for the write, one when it expires.
        try await client.send("SET", "near:{b}", "1", "PX", "50")
        #expect(await recorder.next(within: .seconds(5)) == .invalidated(["near:{b}"]))
        #expect(await recorder.next(within: .seconds(5)) == .invalidated(["near:{b}"]))
        try await client.send("FLUSHALL")
        #expect(await recorder.next(within: .seconds(5)) == .flushedAll)

        // Frozen: no reply to the ping within the liveness, so the subscription is lost; it
        // comes back once Redis continues.
        await server.send(signal: SIGSTOP)
        let frozen = ContinuousClock.now
        let lost = await recorder.next(within: .seconds(5))
        #expect(ContinuousClock.now - frozen < .seconds(2))
        guard case .lost(let reason) = lost else {
            Issue.record("expected lost, got \(String(describing: lost))")
            await server.send(signal: SIGCONT)
            return
        }
        #expect(reason.contains("PING"), "\(reason)")
        await server.send(signal: SIGCONT)
        var event = await recorder.next(within: .seconds(5))
        while case .lost = event { event = await recorder.next(within: .seconds(5)) }
        #expect(event == .subscribed)
        try await client.send("SET", "near:{c}", "1")
        #expect(await recorder.next(within: .seconds(5)) == .invalidated(["near:{c}"]))

        // Stopped: the closed connection is reported at once.
        await server.send(signal: SIGTERM)
        guard case .lost = await recorder.next(within: .seconds(2)) else {
            Issue.record("no lost event after Redis stopped")
            return
        }
        following.cancel()
        await following.value
        await client.shutdown()
    }
}
