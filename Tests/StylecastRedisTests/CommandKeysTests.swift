import Testing

@testable import StylecastRedis

@Suite("Which arguments of a command are keys (routing on Redis Cluster)")
struct CommandKeysTests {
    private func keys(_ command: [RedisArgument]) -> [String] {
        CommandKeys.keys(of: command).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("single-key, multi-key, script, stream and subcommand shapes")
    func shapes() {
        #expect(keys(["GET", "a"]) == ["a"])
        #expect(keys(["HSET", "h", "f", "v"]) == ["h"])
        #expect(keys(["DEL", "a", "b"]) == ["a", "b"])
        #expect(keys(["MSET", "a", "1", "b", "2"]) == ["a", "b"])
        #expect(keys(["EVALSHA", "abc", "2", "k1", "k2", "arg"]) == ["k1", "k2"])
        #expect(keys(["EVAL", "return 1", "0", "arg"]) == [])
        #expect(keys(["XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK", "100", "STREAMS", "s1", "s2", ">", ">"]) == ["s1", "s2"])
        #expect(keys(["XGROUP", "CREATE", "s", "g", "$"]) == ["s"])
        #expect(keys(["XINFO", "GROUPS", "s"]) == ["s"])
        #expect(keys(["MEMORY", "USAGE", "k"]) == ["k"])
        #expect(keys(["BLPOP", "l1", "l2", "5"]) == ["l1", "l2"])
        #expect(keys(["PING"]) == [])
        #expect(keys(["CLUSTER", "SHARDS"]) == [])
    }

    @Test("KEYS goes to the slot of its pattern's hash tag when the tag holds no wildcard")
    func keysPattern() {
        #expect(keys(["KEYS", "app:{trends}:*"]) == ["app:{trends}:*"])
        #expect(keys(["KEYS", "app:{tre*}:x"]) == [])
        #expect(keys(["KEYS", "app:*"]) == [])
    }

    @Test("keys of one command in different slots are refused, naming each key")
    func crossSlot() throws {
        #expect(try CommandKeys.slot(of: ["DEL", "a:{t}", "b:{t}"]) == RedisKey.hashSlot(of: "{t}"))
        #expect(try CommandKeys.slot(of: ["PING"]) == nil)
        #expect(throws: RedisError.crossSlot(command: "DEL", keys: ["a:{t}", "b:{u}"])) {
            try CommandKeys.slot(of: ["DEL", "a:{t}", "b:{u}"])
        }
    }
}
