import Dispatch
import Foundation
import StylecastProcess
import StylecastRedis
import StylecastTestSupport

/// The Redis faults of `--cluster`, in place of the single server's restart, freeze and
/// out-of-memory: (r) 1,000 slots holding the item streams and cache keys resharded to another
/// primary with `redis-cli --cluster reshard` while the workers consume them, (k) the primary of
/// the interactions stream SIGKILLed while a client streams the gated file, its replica promoted
/// and the killed node restarted as a replica, (z) a primary frozen (SIGSTOP) for 10 s, which
/// with the cluster's 1 s node timeout also fails it over. Calls made meanwhile must answer
/// before their deadline, OK or UNAVAILABLE; nothing acknowledged may be lost.
extension Faults {
    /// The stream whose slot the reshard moves (with `items.embedded`, 419 slots above it).
    static let reshardedStream = Keys.ingested
    /// How many slots (r) moves.
    static let reshardSlots = 1000

    /// Before any data: `redis-cli --cluster reshard` takes a primary's lowest slots, so moves
    /// slots below the item streams' slot to another primary until that slot is the 501st lowest
    /// of its primary; then (r)'s 1,000 slots hold both item streams.
    /// - Returns: What was moved, for the report.
    static func arrangeSlots(_ cluster: TestRedisCluster, report: DrillReport) async throws -> String {
        let slot = RedisKey.hashSlot(of: reshardedStream)
        guard let owner = try cluster.primary(serving: reshardedStream)?.port else {
            throw DrillFailure("no primary serves \(reshardedStream) (slot \(slot))")
        }
        let slots = cluster.slots(ofPrimary: owner)
        guard let index = slots.firstIndex(of: slot) else { throw DrillFailure("slot \(slot) is not in :\(owner)'s slots") }
        let surplus = index - reshardSlots / 2
        guard surplus > 0 else { return "slots: \(Keys.short(reshardedStream)) (slot \(slot)) already among :\(owner)'s lowest" }
        guard let target = try cluster.primaryPorts().filter({ $0 != owner })
            .min(by: { cluster.slots(ofPrimary: $0).count < cluster.slots(ofPrimary: $1).count })
        else { throw DrillFailure("no second primary") }
        report.log("moving \(surplus) empty slots from :\(owner) to :\(target) so that slot \(slot) is among :\(owner)'s 1,000 lowest")
        _ = try await offCooperativePool { try cluster.reshard(from: owner, to: target, slots: surplus) }
        try await cluster.waitUntilHealthy(timeout: .seconds(60))
        return "slots: \(surplus) empty slots moved from :\(owner) to :\(target) before any data, so that \(Keys.short(reshardedStream)) (slot \(slot)) is the 501st lowest of :\(owner)"
    }

    /// The faults of a cluster run, in order (worker faults as on one server).
    func runOnCluster(_ cluster: TestRedisCluster) async {
        let items = plan.recordsBeforeRestart(.items, counts: counts)
        let interactions = plan.files.filter { $0.kind == .interactions }
            .reduce(0) { $0 + (counts.records[$1.relativePath] ?? 0) }
        await killWorker("a", "text-embedding", stream: Keys.ingested, total: items, share: plan.embeddingKillShare)
        await reshardLiveSlots(cluster)
        await killWorker("b", "trend-aggregation", stream: Keys.embedded, total: items, share: plan.trendKillShare)
        await terminateWorker("g1", "text-embedding", stream: Keys.ingested, total: items, share: plan.embeddingStopShare)
        await terminateWorker("g2", "trend-aggregation", stream: Keys.embedded, total: items, share: plan.trendStopShare)
        await killPrimary(cluster)
        await killWorker(
            "c", "recommendation", stream: Keys.interactions, total: interactions, share: plan.recommendationKillShare)
        await terminateWorker(
            "g3", "recommendation", stream: Keys.interactions, total: interactions, share: plan.recommendationStopShare)
        await freezePrimary(cluster)
        report.log("faults: all done")
    }

    // MARK: - (r) reshard

    /// (r) Moves the 1,000 lowest slots of the primary serving the item streams to the primary
    /// with the fewest slots while the workers consume those streams, then checks that both
    /// streams and the keys counted in those slots moved, and that no stream lost an entry.
    private func reshardLiveSlots(_ cluster: TestRedisCluster) async {
        let inFlight = await waitForFlow()
        guard let source = try? cluster.primary(serving: Self.reshardedStream)?.port,
            let target = try? cluster.primaryPorts().filter({ $0 != source })
                .min(by: { cluster.slots(ofPrimary: $0).count < cluster.slots(ofPrimary: $1).count })
        else {
            report.check("(r) a source and a target primary for the reshard", false, "\((try? cluster.primaryPorts()) ?? [])")
            return
        }
        let moving = Array(cluster.slots(ofPrimary: source).prefix(Self.reshardSlots))
        let streams = [Keys.ingested, Keys.embedded].filter { moving.contains(RedisKey.hashSlot(of: $0)) }
        let before = try? await stack.probe.counts()
        let keys = (try? await offCooperativePool { try Self.keyCount(cluster, port: source, slots: moving) }) ?? -1
        let started = ContinuousClock.now
        report.log("fault r: resharding slots \(moving.first ?? 0)-\(moving.last ?? 0) (\(keys) keys) from :\(source) to :\(target)")
        do {
            _ = try await offCooperativePool { try cluster.reshard(from: source, to: target, slots: Self.reshardSlots) }
        } catch {
            report.check("(r) redis-cli --cluster reshard moves \(Self.reshardSlots) slots", false, "\(error)")
            return
        }
        let took = ContinuousClock.now - started
        // Replicas learn the new owner of each slot from their primaries' heartbeats, not from
        // the reshard; a replica promoted before it has learned them would claim too few slots.
        // Every node agreeing (`redis-cli --cluster check`) ends the reshard, as in operations.
        var agreed = true
        do {
            try await cluster.waitUntilHealthy(timeout: .seconds(30))
        } catch {
            agreed = false
            report.check("(r) every node agrees on the slots after the reshard", false, "\(error)")
        }
        let agreedAfter = ContinuousClock.now - started
        let owned = Set(cluster.slots(ofPrimary: target))
        let movedStreams = streams.filter { (try? cluster.primary(serving: $0)?.port) == target }
        report.check(
            "(r) \(Self.reshardSlots) slots holding \(streams.map(Keys.short).joined(separator: " and ")) and \(keys) keys moved to :\(target)",
            moving.allSatisfy(owned.contains) && streams.count == 2 && movedStreams == streams && keys > streams.count,
            "\(moving.filter(owned.contains).count) of \(moving.count) slots on :\(target); streams there: \(movedStreams.map(Keys.short))")
        if let before, let after = try? await stack.probe.counts() {
            for stream in streams {
                report.check(
                    "(r) \(Keys.short(stream)) kept every entry across the reshard", (after[stream] ?? -1) >= (before[stream] ?? 0),
                    "XLEN \(before[stream] ?? -1) before, \(after[stream] ?? -1) after")
            }
        }
        let serving = await stack.waitForAll("SERVING", timeout: .seconds(60))
        checkAll(serving, { "(r) \($0) SERVING after the reshard" }, limit: "60 s")
        report.note(
            "faults",
            "(r) `redis-cli --cluster reshard` of slots \(moving.first ?? 0)-\(moving.last ?? 0) (\(keys) keys, among them \(streams.map(Keys.short).joined(separator: " and "))) from :\(source) to :\(target) with \(inFlight) in flight: took \(took.formattedSeconds); every node agreed \(agreed ? "after \(agreedAfter.formattedSeconds)" : "never")")
    }

    /// Keys in `slots` on the node at `port` (`CLUSTER COUNTKEYSINSLOT`, one `redis-cli` run).
    private static func keyCount(_ cluster: TestRedisCluster, port: Int, slots: [Int]) throws -> Int {
        let commands = slots.map { "CLUSTER COUNTKEYSINSLOT \($0)" }.joined(separator: "\n")
        let run = try Spawn.run("/bin/sh", ["-c", "printf '%s\\n' \"$1\" | redis-cli -p \"$2\"", "count", commands, String(port)])
        return run.output.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.reduce(0, +)
    }

    // MARK: - (k) primary killed

    /// (k) Lets the feeder stream the gated file, SIGKILLs the primary serving the interactions
    /// stream once part of the file is stored, calls every service half a second later, waits
    /// until the replica serves every slot, restarts the killed node (it rejoins as a replica)
    /// and checks that nothing acknowledged before the kill is gone.
    private func killPrimary(_ cluster: TestRedisCluster) async {
        guard let file = plan.gatedFile, let threshold = file.stopRedisAfter else {
            gate.open()
            return
        }
        guard let base = await streamGatedFile(file, until: threshold, tag: "k") else { return }
        let inFlight = await waitForFlow()
        guard let victim = try? cluster.primary(serving: Keys.interactions) else {
            report.check("(k) a primary serves \(Keys.short(Keys.interactions))", false, "")
            return
        }
        let before: PipelineProbe.Snapshot
        do {
            before = try await snapshot()
        } catch {
            report.check("(k) snapshot before the primary's kill", false, "\(error)")
            return
        }
        let atKill = (before.counts[file.kind.idSet] ?? 0) - base
        let (itemID, category) = (await someItemID(), await someCategory())
        let killed = ContinuousClock.now
        await victim.send(signal: SIGKILL)
        report.log("fault k: primary :\(victim.port) killed")
        async let calls = outageCalls(at: killed + .milliseconds(500), itemID: itemID, category: category)
        let promoted = await cluster.waitUntilEverySlotServed(replacing: victim.port, timeout: .seconds(30))
        let failedOver = ContinuousClock.now
        report.check("(k) a replica serves the killed primary's slots", promoted, "not within 30 s")
        let calledDuring = await calls
        checkCalls(calledDuring, tag: "k", when: "0.5 s after the kill")
        var rejoined = false
        do {
            // Redis 7.0 has been seen to drop the last resharded slot from the promoted replica
            // when the old primary came back within a second of the election (its stale
            // nodes.conf still claims the slots; CLUSTER INFO then says cluster_state:fail on the
            // new primary alone). Let the new configuration settle for a few node timeouts first,
            // as an operator replacing a failed node would.
            try await Task.sleep(for: .seconds(3))
            try await cluster.restart(port: victim.port)
            rejoined = await rejoin(cluster)
        } catch {
            report.check("(k) the killed node rejoins as a replica", false, "\(error)")
        }
        let serving = await stack.waitForAll("SERVING", timeout: .seconds(60))
        checkAll(serving, { "(k) \($0) SERVING after the failover" }, limit: "60 s")
        do {
            compare(before, try await snapshot(), tag: "k", across: "the primary's kill")
        } catch {
            report.check("(k) snapshot after the primary's kill", false, "\(error)")
        }
        report.note(
            "faults",
            "(k) primary :\(victim.port) (serving \(Keys.short(Keys.interactions))) SIGKILLed while \(file.label) streamed (\(DrillReport.grouped(atKill)) stored) and \(inFlight): every slot served again \((failedOver - killed).formattedSeconds) after; restarted, back as a replica \(rejoined ? "yes" : "no"); calls 0.5 s after the kill: \(Self.summary(calledDuring))")
        report.log("fault k: failed over; node back as a replica")
    }

    /// Waits until the cluster is whole again after the killed node restarted. Redis 7.0.15 has
    /// been seen (about one run in five) to leave the promoted replica without a slot that it
    /// received in the reshard while every other node routes that slot to it: that primary then
    /// answers `CLUSTERDOWN` to everything for good. No client can mend that, so the drill does
    /// what docs/operations.md tells an operator to do (`CLUSTER ADDSLOTS` on that primary), says
    /// so in the report, and then requires the cluster whole and every count exact as usual.
    /// - Returns: Whether the cluster became whole.
    private func rejoin(_ cluster: TestRedisCluster) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        var repaired: [Int: [Int]] = [:]
        while ContinuousClock.now < deadline {
            if (try? await cluster.waitUntilHealthy(timeout: .seconds(5))) != nil { break }
            let dropped = (try? await offCooperativePool { cluster.restoreDroppedSlots() }) ?? [:]
            for (port, slots) in dropped {
                repaired[port, default: []] += slots
                report.log("fault k: Redis left :\(port) without slots \(slots) that every other node routes to it; given back with CLUSTER ADDSLOTS")
            }
        }
        do {
            // A repair made near the deadline still gets time to settle.
            try await cluster.waitUntilHealthy(timeout: repaired.isEmpty ? .seconds(1) : .seconds(15))
        } catch {
            report.check("(k) the killed node rejoins as a replica", false, "\(error)")
            return false
        }
        if !repaired.isEmpty {
            report.note(
                "faults",
                "(k) Redis 7.0 left \(repaired.map { ":\($0.key) without slots \($0.value)" }.joined(separator: ", ")) after the killed node rejoined (every other node routed them there); the drill gave them back with CLUSTER ADDSLOTS as docs/operations.md says, and everything below was checked after that")
        }
        return true
    }

    // MARK: - (z) primary frozen

    /// (z) Freezes (SIGSTOP) the primary serving the interactions stream for `plan.freeze`, calls
    /// every service 1 s and 6 s into it, then lets it go on (SIGCONT): with a 1 s node timeout
    /// its replica has taken over meanwhile, and it comes back as a replica.
    private func freezePrimary(_ cluster: TestRedisCluster) async {
        let inFlight = await waitForFlow()
        guard let victim = try? cluster.primary(serving: Keys.interactions) else {
            report.check("(z) a primary serves \(Keys.short(Keys.interactions))", false, "")
            return
        }
        let (itemID, category) = (await someItemID(), await someCategory())
        let frozen = ContinuousClock.now
        await victim.send(signal: SIGSTOP)
        report.log("fault z: primary :\(victim.port) frozen")
        async let early = outageCalls(at: frozen + .seconds(1), itemID: itemID, category: category)
        async let late = outageCalls(at: frozen + .seconds(6), itemID: itemID, category: category)
        let promoted = await cluster.waitUntilEverySlotServed(replacing: victim.port, timeout: plan.freeze)
        let failedOver = ContinuousClock.now
        let (first, second) = await (early, late)
        let rest = frozen + plan.freeze - ContinuousClock.now
        if rest > .zero { try? await Task.sleep(for: rest) }
        await victim.send(signal: SIGCONT)
        let thawed = ContinuousClock.now
        report.check("(z) a replica serves the frozen primary's slots before the freeze ends", promoted, "not within \(plan.freeze)")
        checkCalls(first, tag: "z", when: "1 s into the freeze")
        checkCalls(second, tag: "z", when: "6 s into the freeze")
        // While in trouble the services read the slot map every second (ClusterRouter), so a
        // replica that took over by 4 s serves the 6 s calls.
        if promoted, failedOver - frozen < .seconds(4) {
            let failed = second.filter { $0.code != "OK" }
            report.check(
                "(z) calls 6 s into the freeze answer OK, the replica having taken over \((failedOver - frozen).formattedSeconds) in",
                failed.isEmpty, Self.summary(failed))
        }
        var healthy = true
        do {
            try await cluster.waitUntilHealthy(timeout: .seconds(60))
        } catch {
            healthy = false
            report.check("(z) the cluster is whole again after the freeze", false, "\(error)")
        }
        let serving = await stack.waitForAll("SERVING", timeout: .seconds(60))
        checkAll(serving, { "(z) \($0) SERVING after the frozen primary continued" }, limit: "60 s")
        let now = try? cluster.primary(serving: Keys.interactions)?.port
        report.note(
            "faults",
            "(z) primary :\(victim.port) (serving \(Keys.short(Keys.interactions))) frozen (SIGSTOP) for \((thawed - frozen).formattedSeconds) with \(inFlight) in flight: its replica served its slots \(promoted ? "\((failedOver - frozen).formattedSeconds) in" : "not within the freeze"); \(Keys.short(Keys.interactions)) now on :\(now.map(String.init) ?? "?"); cluster whole again \(healthy ? "yes" : "no"); services SERVING \(Self.timings(serving)) after SIGCONT; calls 1 s in: \(Self.summary(first)); 6 s in: \(Self.summary(second))")
        report.log("fault z: primary continued")
    }

    // MARK: - Helpers

    /// On a cluster a call during a failover may succeed (its keys elsewhere, or the replica
    /// already promoted) or fail UNAVAILABLE; either way before its deadline.
    private func checkCalls(_ calls: [OutageCall], tag: String, when: String) {
        for call in calls {
            report.check(
                "(\(tag)) \(call.name) \(when) ends with OK or UNAVAILABLE before its \(plan.callDeadline) deadline",
                ["OK", "UNAVAILABLE"].contains(call.code) && call.elapsed < plan.callDeadline,
                "\(call.code) after \(call.elapsed.formattedSeconds): \(call.message.prefix(200))")
        }
    }

    static func summary(_ calls: [OutageCall]) -> String {
        calls.map { "\($0.name) \($0.code) in \($0.elapsed.formattedSeconds)" }.joined(separator: ", ")
    }
}

/// Runs blocking work (a `redis-cli` run) on a Dispatch thread, keeping the drill's few
/// cooperative threads free for its probes.
func offCooperativePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
