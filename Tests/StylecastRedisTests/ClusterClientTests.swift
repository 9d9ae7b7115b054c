import Foundation
import StylecastRedis
import StylecastTestSupport
import Testing

/// The client against a real Redis Cluster of 3 primaries and 3 replicas (``TestRedisCluster``).
@Suite("RedisClient on a real Redis Cluster", .serialized, .timeLimit(.minutes(3)))
struct ClusterClientTests {
    /// Keys spread over many slots (one tag each), so over every primary.
    private static func spreadKeys(_ name: String, count: Int) -> [String] {
        let run = TestRedis.uniqueTag(name)
        return (0..<count).map { "test:{\(run)-\($0)}:value" }
    }

    @Test("Commands and pipelines reach the primary of each key's slot; replies come back in order")
    func routing() async throws {
        let cluster = try await TestRedisCluster.shared()
        let client = RedisClient(url: cluster.url, poolSize: 2)
        defer { Task { await client.shutdown() } }
        #expect(try await client.isCluster())
        #expect(try await client.dataNodes().count == 3)

        let keys = Self.spreadKeys("routing", count: 300)
        for key in keys.prefix(20) { try await client.send("SET", RedisArgument(key), RedisArgument(key + "!")) }
        let writes = try await client.pipeline(keys.dropFirst(20).map { ["SET", RedisArgument($0), RedisArgument($0 + "!")] })
        #expect(writes.allSatisfy { $0 == .status("OK") })

        // Each key is on the primary serving its slot, asked directly with redis-cli.
        var primariesUsed = Set<Int>()
        for key in keys.prefix(30) {
            let primary = try #require(try cluster.primary(serving: key))
            primariesUsed.insert(primary.port)
            #expect(cluster.cli(primary.port, ["GET", key]).trimmingCharacters(in: .whitespacesAndNewlines) == key + "!")
        }
        #expect(primariesUsed.count == 3)

        // A mixed pipeline: reads, an error reply and a keyless command keep their places.
        var commands: [[RedisArgument]] = keys.map { ["GET", RedisArgument($0)] }
        commands.insert(["HGET", RedisArgument(keys[7]), "field"], at: 150)
        commands.insert(["PING"], at: 0)
        let replies = try await client.pipeline(commands)
        #expect(replies.count == 302)
        #expect(replies[0] == .status("PONG"))
        #expect(replies[1...150].map(\.string) == keys[0..<150].map { $0 + "!" })
        #expect(replies[151].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[152...].map(\.string) == keys[150...].map { $0 + "!" })
        #expect(try await client.values(of: keys).map { $0.map { String(decoding: $0, as: UTF8.self) } } == keys.map { $0 + "!" })
        try await client.pipelineFailingOnError(keys.map { ["DEL", RedisArgument($0)] })
    }

    @Test("A script whose keys share a slot runs; one whose keys span slots is refused before sending, naming them")
    func scriptsAndCrossSlot() async throws {
        let cluster = try await TestRedisCluster.shared()
        let client = RedisClient(url: cluster.url, poolSize: 1)
        defer { Task { await client.shutdown() } }
        let tag = TestRedis.uniqueTag("script")
        let script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 2")
        let same = ["test:{\(tag)}:a", "test:{\(tag)}:b"]
        #expect(try await client.evaluate(script, keys: same.map { RedisArgument($0) }, arguments: ["v"]).integer == 2)
        #expect(try await client.send("GET", RedisArgument(same[1])).string == "v")

        let spanning = ["test:{\(tag)-x}:a", "test:{\(tag)-y}:b"]
        #expect(RedisKey.hashSlot(of: spanning[0]) != RedisKey.hashSlot(of: spanning[1]))
        let error = await #expect(throws: RedisError.self) {
            try await client.evaluate(script, keys: spanning.map { RedisArgument($0) }, arguments: ["v"])
        }
        #expect(error == .crossSlot(command: "EVALSHA", keys: spanning))
        #expect(error?.description.contains("'\(spanning[1])' (slot \(RedisKey.hashSlot(of: spanning[1])))") == true)
        // Nothing was sent: neither key exists on any node.
        #expect(try await client.values(of: spanning) == [nil, nil])
        try await client.pipelineFailingOnError(same.map { ["DEL", RedisArgument($0)] })
    }

    @Test("A slot moved under a running client is followed: ASK during the migration, MOVED after it")
    func redirects() async throws {
        let cluster = try await TestRedisCluster.shared()
        let client = RedisClient(url: cluster.url, poolSize: 1)
        defer { Task { await client.shutdown() } }
        let tag = TestRedis.uniqueTag("redirect")
        let moved = "test:{\(tag)}:moved"
        let staying = "test:{\(tag)}:staying"
        let slot = RedisKey.hashSlot(of: moved)
        try await client.send("SET", RedisArgument(moved), "1")
        try await client.send("SET", RedisArgument(staying), "2")

        let source = try #require(try cluster.primary(serving: moved))
        let targetPort = try #require(try cluster.primaryPorts().first { $0 != source.port })
        let sourceID = cluster.cli(source.port, ["CLUSTER", "MYID"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let targetID = cluster.cli(targetPort, ["CLUSTER", "MYID"]).trimmingCharacters(in: .whitespacesAndNewlines)

        // Mid-migration: one key moved, the other not yet. The source answers ASK for the moved one.
        _ = cluster.cli(targetPort, ["CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID])
        _ = cluster.cli(source.port, ["CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetID])
        _ = cluster.cli(source.port, ["MIGRATE", "127.0.0.1", String(targetPort), moved, "0", "5000"])
        #expect(cluster.cli(source.port, ["GET", moved]).hasPrefix("ASK \(slot)"))
        #expect(try await client.send("GET", RedisArgument(moved)).string == "1")
        #expect(try await client.send("GET", RedisArgument(staying)).string == "2")
        let both = try await client.pipeline([["GET", RedisArgument(moved)], ["GET", RedisArgument(staying)]])
        #expect(both.map(\.string) == ["1", "2"])
        // A multi-key read of the moved key and a key that exists nowhere: the source answers ASK,
        // the target TRYAGAIN (not every key is there), so the call waits out the migration.
        let absent = "test:{\(tag)}:absent"
        let started = ContinuousClock.now
        let waiting = Task { try await client.send("MGET", RedisArgument(moved), RedisArgument(absent)) }
        try await Task.sleep(for: .seconds(1))

        // Finished: the slot belongs to the target; the client still has the old map and gets MOVED.
        _ = cluster.cli(source.port, ["MIGRATE", "127.0.0.1", String(targetPort), staying, "0", "5000"])
        for port in cluster.nodes.map(\.port) {
            _ = cluster.cli(port, ["CLUSTER", "SETSLOT", String(slot), "NODE", targetID])
        }
        #expect(cluster.cli(source.port, ["GET", staying]).hasPrefix("MOVED \(slot)"))
        let late = try await waiting.value
        #expect(late.array?.map(\.string) == ["1", nil], "\(late)")
        #expect(ContinuousClock.now - started > .seconds(1))
        #expect(try await client.send("GET", RedisArgument(staying)).string == "2")
        try await client.send("SET", RedisArgument(staying), "3")
        #expect(cluster.cli(targetPort, ["GET", staying]).trimmingCharacters(in: .whitespacesAndNewlines) == "3")

        // Put the slot back for the other tests.
        _ = cluster.cli(source.port, ["CLUSTER", "SETSLOT", String(slot), "IMPORTING", targetID])
        _ = cluster.cli(targetPort, ["CLUSTER", "SETSLOT", String(slot), "MIGRATING", sourceID])
        _ = cluster.cli(targetPort, ["MIGRATE", "127.0.0.1", String(source.port), "", "0", "5000", "KEYS", moved, staying])
        for port in cluster.nodes.map(\.port) {
            _ = cluster.cli(port, ["CLUSTER", "SETSLOT", String(slot), "NODE", sourceID])
        }
        #expect(try await client.pipeline([["DEL", RedisArgument(moved)], ["DEL", RedisArgument(staying)]]) == [.integer(1), .integer(1)])
        try await cluster.waitUntilHealthy()
    }

    @Test("Bad seeds: an unreachable one is skipped; a server not in cluster mode among cluster seeds, or a database other than 0, is named")
    func badSeeds() async throws {
        let cluster = try await TestRedisCluster.shared()
        let closedPort = try TestRedisServer.freeLoopbackPort()
        var url = cluster.url
        url.moreSeeds = [url.seeds[0]]
        (url.host, url.port) = ("127.0.0.1", closedPort)
        let skipping = RedisClient(url: url, poolSize: 1)
        let key = "test:{\(TestRedis.uniqueTag("seed"))}:k"
        try await skipping.send("SET", RedisArgument(key), "1")
        #expect(try await skipping.isCluster())
        try await skipping.send("DEL", RedisArgument(key))
        await skipping.shutdown()

        let standalone = try await TestRedisServer.start()
        defer { standalone.stop() }
        var mixed = standalone.url
        mixed.moreSeeds = [cluster.url.seeds[0]]
        let mixedClient = RedisClient(url: mixed, poolSize: 1)
        let mixedError = await #expect(throws: RedisError.self) { try await mixedClient.ping() }
        #expect(mixedError?.description.contains("seed node 127.0.0.1:\(standalone.port) is not a Redis Cluster node") == true)
        await mixedClient.shutdown()

        // A server not in cluster mode listed after a cluster node: the cluster's map decides.
        var clusterFirst = cluster.url
        clusterFirst.moreSeeds = [RedisURL.Node(host: "127.0.0.1", port: standalone.port)]
        let clusterFirstClient = RedisClient(url: clusterFirst, poolSize: 1)
        #expect(try await clusterFirstClient.isCluster())
        await clusterFirstClient.shutdown()

        var database = cluster.url
        database.database = 3
        let databaseClient = RedisClient(url: database, poolSize: 1)
        let databaseError = await #expect(throws: RedisError.self) { try await databaseClient.ping() }
        #expect(databaseError?.description.contains("a cluster has only database 0; the URL names database 3") == true)
        await databaseClient.shutdown()

        let nobody = RedisClient(
            url: try RedisURL(parsing: "redis://127.0.0.1:\(closedPort),127.0.0.1:\(closedPort + 1)/0"), poolSize: 1)
        let nobodyError = await #expect(throws: RedisError.self) { try await nobody.ping() }
        #expect(nobodyError?.description.contains("no seed node answered: 127.0.0.1:\(closedPort):") == true)
        #expect(nobodyError?.isUnavailable == true)
        await nobody.shutdown()
    }

    @Test("A user whose ACL refuses INFO still gets the cluster (CLUSTER INFO decides), and every slot's keys")
    func infoRefusedByACL() async throws {
        let cluster = try await TestRedisCluster.shared()
        let user = "stylecast-test-\(TestRedis.uniqueTag("acl"))"
        // ACLs are per node: the user exists on every node, without @dangerous (INFO's category).
        for node in cluster.nodes {
            #expect(cluster.cli(node.port, ["ACL", "SETUSER", user, "on", ">secret", "~*", "+@all", "-@dangerous", "+cluster|info", "+cluster|shards"]).contains("OK"))
        }
        defer { for node in cluster.nodes { _ = cluster.cli(node.port, ["ACL", "DELUSER", user]) } }
        var url = cluster.url
        (url.username, url.password) = (user, "secret")
        let client = RedisClient(url: url, poolSize: 1)
        defer { Task { await client.shutdown() } }
        let keys = Self.spreadKeys("acl", count: 30)
        try await client.pipelineFailingOnError(keys.map { ["SET", RedisArgument($0), "v"] })
        #expect(try await client.isCluster())
        #expect(try await client.pipeline(keys.map { ["GET", RedisArgument($0)] }).allSatisfy { $0.string == "v" })
        try await client.pipelineFailingOnError(keys.map { ["DEL", RedisArgument($0)] })
    }
}
