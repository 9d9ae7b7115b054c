import StylecastRedis
import StylecastTestSupport
import Testing

@Suite("Redis Cluster hash slots")
struct HashSlotTests {
    /// Keys with and without tags, empty and unclosed braces, several tags, bytes beyond ASCII.
    static func keys() -> [String] {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab{}:xyz09é漢".unicodeScalars)
        let random = (0..<200).map { _ in
            String(String.UnicodeScalarView((0..<Int.random(in: 0...12, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }))
        }
        return [
            "", "somekey", "123456789", "foo{hash_tag}", "{user1000}.following", "a{}b", "{}", "}{", "x{{y}z",
            "{a}{b}", "queue:{items.ingested}", "item:{myntra:15970}:embedding", "{漢字}", "é",
        ] + random
    }

    @Test("our slot of every key is the one a real cluster node reports (CLUSTER KEYSLOT)")
    func matchesRedis() async throws {
        let server = try await TestRedisServer.start(clusterEnabled: true)
        defer { server.stop() }
        let client = RedisClient(url: server.url)
        let keys = Self.keys()
        var reported: [Int] = []
        for key in keys {
            reported.append(Int(try await client.send("CLUSTER", "KEYSLOT", RedisArgument(key)).integer ?? -1))
        }
        await client.shutdown()
        for (key, slot) in zip(keys, reported) {
            #expect(RedisKey.hashSlot(of: key) == slot, "key \(key.debugDescription)")
        }
    }

    @Test("the slots the cluster specification lists: 123456789 is CRC16 0x31C3, tagged keys hash their tag")
    func knownSlots() {
        #expect(RedisKey.hashSlot(of: "123456789") == 0x31C3)
        #expect(RedisKey.hashSlot(of: "foo{hash_tag}") == RedisKey.hashSlot(of: "bar{hash_tag}"))
        #expect(RedisKey.hashSlot(of: "a{}b") != RedisKey.hashSlot(of: "a{x}b"))
        #expect((0..<RedisKey.slotCount).contains(RedisKey.hashSlot(of: "")))
    }
}
