import StylecastRedis
import StylecastTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Work queue with real consumer processes", .timeLimit(.minutes(3)))
struct QueueDrillProcessTests {
    @Test(
        "10,000 entries, two consumers, one SIGKILLed mid-way: each counted exactly once, the poison entry dead-lettered",
        .timeLimit(.minutes(2)))
    func killedConsumerLosesNothing() async throws {
        let drill = try BuiltExecutables.path(of: "queue-drill")
        let url = try await TestRedis.url()
        let tag = TestRedis.uniqueTag("drill")
        let stream = "drill:{\(tag)}:stream"
        let dead = "drill:{\(tag)}:dead"
        let result = "drill:{\(tag)}:result"
        let maxDeliveries = 3

        let produced = try await ChildProcess.run(
            drill,
            arguments: [
                "produce", "--redis", url.description, "--stream", stream, "--count", "10000",
                "--fail-marker", "POISON", "--fail-index", "4321",
            ])
        #expect(produced.status == 0, "\(produced.output)")

        func consumer(_ name: String) throws -> ChildProcess {
            try ChildProcess(
                drill,
                arguments: [
                    "consume", "--redis", url.description, "--stream", stream, "--group", "drill",
                    "--consumer", name, "--claim-idle-ms", "500", "--max-deliveries", "\(maxDeliveries)",
                    "--dead-letter", dead, "--result-key", result, "--delay-ms", "1",
                    "--fail-marker", "POISON", "--exit-when-idle-ms", "1500",
                ])
        }
        let victim = try consumer("victim")
        let survivor = try consumer("survivor")

        let client = RedisClient(url: url, poolSize: 1)
        var countedAtKill: Int64 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            countedAtKill = try await client.send("HLEN", RedisArgument(result)).integer ?? 0
            if countedAtKill >= 2500 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        victim.send(signal: SIGKILL)
        let victimStatus = await victim.waitForExit(timeout: .seconds(5))
        #expect(countedAtKill >= 2500 && countedAtKill < 9000, "killed at \(countedAtKill) counted")

        let survivorStatus = await survivor.waitForExit(timeout: .seconds(60))
        #expect(survivorStatus == 0, "survivor output:\n\(survivor.output())")
        #expect(victimStatus != 0)

        let counts = try await client.send("HGETALL", RedisArgument(result)).array ?? []
        #expect(counts.count == 2 * 9_999)
        let values = stride(from: 1, to: counts.count, by: 2).map { counts[$0].string }
        #expect(values.allSatisfy { $0 == "1" }, "some payload was counted more than once")
        #expect(!stride(from: 0, to: counts.count, by: 2).contains { counts[$0].string == "POISON" })

        let deadEntries = try await client.send("XRANGE", RedisArgument(dead), "-", "+").array ?? []
        #expect(deadEntries.count == 1)
        let map = deadEntries.first?.array?[1].fieldMap?.compactMapValues(\.string) ?? [:]
        #expect(map["field:payload"] == "POISON")
        #expect(map["reason"] == "poison payload 'POISON' always fails")
        #expect(map["delivery-count"] == "\(maxDeliveries)")

        let pending = try await client.send("XPENDING", RedisArgument(stream), "drill")
        #expect(pending.array?.first?.integer == 0)

        try await client.send("DEL", RedisArgument(stream), RedisArgument(dead), RedisArgument(result))
        // The consumers' idempotency markers (drill:{tag}:applied:...) go too. The prefix is passed
        // as a key so that on Redis Cluster the script runs on the node that holds the tag's slot.
        let removed = try await client.evaluate(
            RedisScript(
                """
                local keys = redis.call('KEYS', KEYS[1] .. '*')
                for i = 1, #keys, 1000 do redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end
                return #keys
                """), keys: [RedisArgument("drill:{\(tag)}:applied:")])
        #expect(removed.integer == 9_999)
        await client.shutdown()
    }
}
