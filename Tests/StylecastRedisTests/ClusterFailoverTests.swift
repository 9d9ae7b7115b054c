import Foundation
import StylecastProcess
import StylecastRedis
import StylecastTestSupport
import Testing

/// The client while a real Redis Cluster changes under it: slots resharded by
/// `redis-cli --cluster reshard`, a primary killed and replaced by its replica. Each test has a
/// cluster of its own.
@Suite("RedisClient while a Redis Cluster reshards and fails over", .serialized, .timeLimit(.minutes(3)))
struct ClusterFailoverTests {
    private static func nodeID(_ cluster: TestRedisCluster, port: Int) -> String {
        cluster.cli(port, ["CLUSTER", "MYID"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("A primary whose own map lost a slot every other node routes to it (what Redis 7.0 left after a failover): found, given back with CLUSTER ADDSLOTS, the cluster whole again with the slot's key")
    func droppedSlotRepair() async throws {
        let cluster = try await TestRedisCluster.start()
        defer { cluster.stop() }
        #expect(cluster.slotsDroppedByTheirOwner().isEmpty)
        let key = "test:{dropped-slot}:key"
        let client = RedisClient(url: cluster.url, poolSize: 1)
        try await client.send("SET", RedisArgument(key), "kept")
        let owner = try #require(try cluster.primary(serving: key)).port
        let slot = RedisKey.hashSlot(of: key)
        // The state the drill met: the owner's own map lacks the slot, the others route it there.
        #expect(cluster.cli(owner, ["CLUSTER", "DELSLOTS", String(slot)]).contains("OK"))
        #expect(cluster.cli(owner, ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:16383"))
        #expect(cluster.slotsDroppedByTheirOwner() == [owner: [slot]])
        #expect(cluster.restoreDroppedSlots() == [owner: [slot]])
        try await cluster.waitUntilHealthy(timeout: .seconds(30))
        #expect(cluster.slotsDroppedByTheirOwner().isEmpty)
        #expect(try await client.send("GET", RedisArgument(key)).string == "kept")
        await client.shutdown()
    }

    @Test("Pipelines running while 1,000 slots move to another primary get every reply right, each write applied once")
    func reshardDuringPipelines() async throws {
        let cluster = try await TestRedisCluster.start()
        defer { cluster.stop() }
        let client = RedisClient(url: cluster.url, poolSize: 2)
        let run = TestRedis.uniqueTag("reshard")
        let keys = (0..<2_000).map { "test:{\(run)-\($0)}:n" }
        try await client.pipelineFailingOnError(keys.map { ["SET", RedisArgument($0), "0"] })

        let primaries = try cluster.primaryPorts()
        let from = Self.nodeID(cluster, port: primaries[0])
        let to = Self.nodeID(cluster, port: primaries[1])
        let onTargetBefore = try keys.filter { try cluster.primary(serving: $0)?.port == primaries[1] }.count
        let reshard = try Spawn.start(
            "redis-cli",
            [
                "--cluster", "reshard", "127.0.0.1:\(primaries[0])", "--cluster-from", from, "--cluster-to", to,
                "--cluster-slots", "1000", "--cluster-yes",
            ])
        // Every round increments every key once: a redirected command must run exactly once.
        var rounds = 0
        var status: Int32?
        while status == nil || rounds < 3 {
            let replies = try await client.pipeline(keys.map { ["INCR", RedisArgument($0)] })
            rounds += 1
            #expect(replies.allSatisfy { $0 == .integer(Int64(rounds)) }, "round \(rounds): \(Set(replies).prefix(3))")
            status = status ?? Spawn.poll(reshard)
        }
        #expect(status == 0)
        #expect(rounds > 3, "the reshard finished before the pipelines could overlap it")
        let values = try await client.values(of: keys)
        #expect(values.allSatisfy { $0.map { String(decoding: $0, as: UTF8.self) } == String(rounds) })

        // About 1,000 of the first primary's 5,461 slots, so about 120 of these keys, moved.
        let onTargetAfter = try keys.filter { try cluster.primary(serving: $0)?.port == primaries[1] }.count
        #expect(onTargetAfter >= onTargetBefore + 50, "\(onTargetBefore) keys on the target before, \(onTargetAfter) after")
        await client.shutdown()
    }

    @Test("A primary killed with SIGKILL: its replica takes over; calls meanwhile fail UNAVAILABLE within their window or succeed; no replicated write is lost")
    func failover() async throws {
        let cluster = try await TestRedisCluster.start()
        defer { cluster.stop() }
        let window = Duration.seconds(2)
        let client = RedisClient(configuration: .init(url: cluster.url, poolSize: 2, clusterRetryWindow: window))
        let run = TestRedis.uniqueTag("failover")
        let keys = (0..<600).map { "test:{\(run)-\($0)}:v" }
        try await client.pipelineFailingOnError(keys.map { ["SET", RedisArgument($0), RedisArgument($0)] })
        // Wait until every replica holds its primary's keys, so the kill loses nothing.
        for _ in 0..<100 {
            let sizes = cluster.nodes.map { cluster.cli($0.port, ["DBSIZE"]).trimmingCharacters(in: .whitespacesAndNewlines) }
            if sizes.filter({ $0 != "0" }).count == 6 { break }
            try await Task.sleep(for: .milliseconds(50))
        }

        // Readiness pings every primary: the victim is the one the map names last, so that a ping
        // of the first one alone would miss it.
        #expect(await client.isReachable())
        let lastPrimary = try #require(try await client.dataNodes().last)
        let victim = try #require(cluster.node(port: lastPrimary.port))
        await victim.send(signal: SIGKILL)
        let killedAt = ContinuousClock.now
        #expect(await client.isReachable() == false)
        var failures: [RedisError] = []
        var slowest = Duration.zero
        var recoveredAfter: Duration?
        while recoveredAfter == nil, ContinuousClock.now - killedAt < .seconds(30) {
            let started = ContinuousClock.now
            do {
                let values = try await client.values(of: keys)
                #expect(values.map { $0.map { String(decoding: $0, as: UTF8.self) } } == keys)
                recoveredAfter = ContinuousClock.now - killedAt
            } catch {
                failures.append(error)
                try await Task.sleep(for: .milliseconds(100))
            }
            slowest = max(slowest, ContinuousClock.now - started)
        }
        let recovered = try #require(recoveredAfter, "reads did not recover within 30 s: \(failures.suffix(3))")
        #expect(failures.allSatisfy { $0.isUnavailable }, "\(failures.filter { !$0.isUnavailable }.prefix(3))")
        // A call waits out at most its retry window, plus one connect attempt.
        #expect(slowest < window + .seconds(2), "slowest call \(slowest)")
        #expect(try cluster.primaryPorts().count == 3)
        #expect(await client.isReachable(), "every primary of the new map answers")
        try await client.send("SET", RedisArgument(keys[0]), "after")
        #expect(try await client.send("GET", RedisArgument(keys[0])).string == "after")
        print("failover: reads recovered \(recovered) after the kill; \(failures.count) calls failed meanwhile")
        await client.shutdown()
    }

    @Test("Cache invalidations of keys on every primary reach one follower; a primary killed drops the subscription, which comes back on the new primaries")
    func invalidationsOnEveryPrimary() async throws {
        let cluster = try await TestRedisCluster.start()
        defer { cluster.stop() }
        let client = RedisClient(configuration: .init(url: cluster.url, poolSize: 1, reconnectBackoff: .milliseconds(50)))
        let prefix = "near-\(TestRedis.uniqueTag("inv")):"
        let keys = (0..<30).map { "\(prefix){\($0)}" }
        let primaries = try Set(keys.map { try #require(try cluster.primary(serving: $0)).port })
        #expect(primaries.count == 3)
        let follower = RedisCacheInvalidations(client: client, prefixes: [prefix], liveness: .milliseconds(400))
        let recorder = InvalidationListenerTests.Recorder()
        let following = Task { await follower.run { recorder.continuation.yield($0) } }
        defer { following.cancel() }

        #expect(await recorder.next(within: .seconds(10)) == .subscribed)
        try await client.pipelineFailingOnError(keys.map { ["SET", RedisArgument($0), "1"] })
        var invalidated: Set<String> = []
        while invalidated.count < keys.count, let event = await recorder.next(within: .seconds(5)) {
            if case .invalidated(let names) = event { invalidated.formUnion(names) }
        }
        #expect(invalidated == Set(keys))

        // A primary dies: the subscription is lost at once, then subscribed again on the three
        // primaries after the failover, and invalidations of the moved keys arrive again.
        let victim = try #require(try cluster.primary(serving: keys[0]))
        await victim.send(signal: SIGKILL)
        var events: [RedisInvalidationListener.Event] = []
        while events.last != .subscribed, let event = await recorder.next(within: .seconds(30)) {
            if case .invalidated = event { continue }
            events.append(event)
        }
        #expect(events.first.map { if case .lost = $0 { true } else { false } } == true, "\(events)")
        #expect(events.last == .subscribed, "\(events)")
        try await client.send("SET", RedisArgument(keys[0]), "2")
        var seen = false
        while !seen, let event = await recorder.next(within: .seconds(5)) { seen = event == .invalidated([keys[0]]) }
        #expect(seen)
        await client.shutdown()
    }

    @Test("A call waiting for a slot nobody serves ends at once when cancelled, or when its client shuts down; nothing connects after the shutdown")
    func waitingCallsEndOnCancelAndShutdown() async throws {
        // No replicas: a killed primary's slots stay unserved, so calls to them wait out the window.
        let cluster = try await TestRedisCluster.start(replicasPerPrimary: 0)
        defer { cluster.stop() }
        let window = Duration.seconds(20)
        let client = RedisClient(configuration: .init(url: cluster.url, poolSize: 1, clusterRetryWindow: window))
        let key = "test:{\(TestRedis.uniqueTag("unserved"))}:k"
        try await client.send("SET", RedisArgument(key), "1")
        let victim = try #require(try cluster.primary(serving: key))
        await victim.send(signal: SIGKILL)
        // The pooled connection to the killed node breaks on its next use (whether that command
        // ran is unknown, so it is not resent); later calls find the node refusing connections.
        await #expect(throws: RedisError.self) { try await client.send("GET", RedisArgument(key)) }

        let cancelled = Task { () -> (Duration, RedisError?) in
            let started = ContinuousClock.now
            do {
                _ = try await client.send("GET", RedisArgument(key))
                return (ContinuousClock.now - started, nil)
            } catch {
                return (ContinuousClock.now - started, error as? RedisError)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        cancelled.cancel()
        let (took, error) = await cancelled.value
        #expect(took < .seconds(2), "a cancelled call took \(took) of its \(window) window")
        #expect(error == .cancelled, "\(String(describing: error))")

        let waiting = Task { () -> (Duration, RedisError?) in
            let started = ContinuousClock.now
            do {
                _ = try await client.pipeline([["GET", RedisArgument(key)]])
                return (ContinuousClock.now - started, nil)
            } catch {
                return (ContinuousClock.now - started, error as? RedisError)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        await client.shutdown()
        let (waited, shutDownError) = await waiting.value
        #expect(waited < .seconds(2), "a call waited \(waited) after its client shut down")
        #expect(shutDownError == .clientShutDown, "\(String(describing: shutDownError))")
        await #expect(throws: RedisError.clientShutDown) { try await client.send("GET", RedisArgument(key)) }
    }
}
