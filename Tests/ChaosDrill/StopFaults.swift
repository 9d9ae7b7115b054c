import Foundation
import StylecastRedis

/// (g) A graceful stop (SIGTERM) of each worker in the middle of its backlog, and (h) Redis out
/// of memory for a while under a backlog. Both must cost nothing: no entry left pending in the
/// stopped consumer's name, no dead letter, every count exact at the end (``Verification``).
extension Faults {
    /// (g) Once the worker's group has read `share` of `total`, pauses the worker (SIGSTOP) until
    /// at least 64 more entries wait for it (at most 10 s), lets it go on (SIGCONT) so that it
    /// is in the middle of a batch, then SIGTERMs it: it must exit 0 with no entry pending in its
    /// consumer name on any stream; then it is restarted.
    func terminateWorker(_ tag: String, _ name: String, stream: String, total: Int, share: Double) async {
        let threshold = max(1, Int(Double(total) * share))
        guard await waitUntilRead(stream, group: name, position: threshold) != nil else {
            report.check("(\(tag)) \(name) read \(threshold) entries of \(Keys.short(stream)) before its stop", false, "not in time")
            return
        }
        stack.pause(name, true)
        let backlogDeadline = ContinuousClock.now + .seconds(10)
        var waiting = 0
        while ContinuousClock.now < backlogDeadline {
            waiting = await backlog(of: name)
            if waiting >= 64 { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        stack.pause(name, false)
        try? await Task.sleep(for: .milliseconds(200))
        let consumer = stack.consumerName(name)
        let held = await pending(of: consumer, group: name)
        let stopping = ContinuousClock.now
        let status = await stack.terminate(name)
        let took = ContinuousClock.now - stopping
        let left = await pending(of: consumer, group: name)
        report.check("(\(tag)) \(name) exits 0 on SIGTERM in the middle of its backlog", status == 0, "status \(String(describing: status))")
        report.check(
            "(\(tag)) \(name) leaves no entry pending in its name (\(consumer))", left == 0,
            "\(left) entries pending after the stop (\(held) held at the SIGTERM)")
        do {
            try stack.start(name)
        } catch {
            report.check("(\(tag)) \(name) restarts", false, "\(error)")
            return
        }
        let serving = await stack.waitFor(name, "SERVING", timeout: .seconds(180))
        report.check(
            "(\(tag)) \(name) SERVING again after its restart", serving != nil,
            serving == nil ? await stack.whyNotServing(name) : "")
        report.note(
            "faults",
            "(\(tag)) \(name) SIGTERM with \(DrillReport.grouped(waiting)) entries waiting for it and \(held) in its hands: exit \(status.map(String.init) ?? "?") after \(took.formattedSeconds), \(left) left pending in its name; restarted, SERVING after \(serving.map(\.formattedSeconds) ?? "never")")
        report.log("fault \(tag): \(name) stopped with \(held) entries in hand, \(left) left pending")
    }

    /// Entries waiting for (unread by, or pending in) the worker's groups.
    private func backlog(of group: String) async -> Int {
        guard let groups = try? await stack.probe.groups() else { return 0 }
        return groups.filter { $0.group == group }.reduce(0) { total, state in
            total + state.pending + max(0, state.length - (state.read ?? state.length))
        }
    }

    /// Entries pending in one consumer's name in `group`, over every stream.
    private func pending(of consumer: String, group: String) async -> Int {
        var total = 0
        for stream in Keys.streams {
            guard let reply = try? await stack.redis.send("XINFO", "CONSUMERS", RedisArgument(stream), RedisArgument(group))
            else { continue }
            for fields in (reply.array ?? []).compactMap(\.fieldMap) where fields["name"]?.string == consumer {
                total += Int(fields["pending"]?.integer ?? 0)
            }
        }
        return total
    }

    /// (h) Once the feeder is done and some group has a backlog, sets Redis's `maxmemory` below
    /// what it holds (`noeviction`): every write is refused with OOM for `plan.outOfMemory`,
    /// while the workers keep meeting their backlog; then lifts the limit. The workers must pause
    /// without spending deliveries: no dead letter, and the final counts exact.
    func outOfMemory(fed: Gate) async {
        await fed.wait()
        let inFlight = await waitForFlow()
        let backlogAtStart = (try? await stack.probe.groups())?.filter { !$0.drained }.count ?? 0
        do {
            let info = try await stack.redis.send("INFO", "memory").string ?? ""
            let used = info.split(separator: "\r\n").first { $0.hasPrefix("used_memory:") }
                .flatMap { Int($0.dropFirst("used_memory:".count)) } ?? 0
            try await stack.redis.send("CONFIG", "SET", "maxmemory-policy", "noeviction")
            try await stack.redis.send("CONFIG", "SET", "maxmemory", RedisArgument(max(1 << 20, used / 2)))
        } catch {
            report.check("(h) Redis's maxmemory set below its data", false, "\(error)")
            return
        }
        let started = ContinuousClock.now
        report.log("fault h: Redis out of memory for \(plan.outOfMemory)")
        var refused = false
        do {
            try await stack.redis.send("SET", "chaos:oom-probe", "x")
        } catch {
            refused = error.serverErrorCode == "OOM"
        }
        report.check("(h) Redis refuses writes with OOM", refused)
        var deadLetters = 0
        var readDuring = 0
        let before = (try? await stack.probe.groups()) ?? []
        while ContinuousClock.now - started < plan.outOfMemory {
            try? await Task.sleep(for: .seconds(1))
            for stream in Keys.streams {
                deadLetters = max(deadLetters, (try? await stack.probe.integer("XLEN", .init(Keys.dead(stream)))) ?? 0)
            }
        }
        let during = (try? await stack.probe.groups()) ?? []
        for state in during {
            if let old = before.first(where: { $0.label == state.label }), let was = old.read, let now = state.read {
                readDuring += max(0, now - was)
            }
        }
        do {
            try await stack.redis.send("CONFIG", "SET", "maxmemory", "0")
        } catch {
            report.check("(h) Redis's memory limit lifted", false, "\(error)")
            return
        }
        let lifted = ContinuousClock.now
        let serving = await stack.waitForAll("SERVING", timeout: .seconds(30))
        checkAll(serving, { "(h) \($0) SERVING after Redis had memory again" }, limit: "30 s")
        report.check("(h) no dead letter while Redis refused writes", deadLetters == 0, "\(deadLetters) dead letters")
        if !plan.quick {
            report.check("(h) Redis was out of memory under a backlog", backlogAtStart > 0, inFlight)
        }
        report.note(
            "faults",
            "(h) Redis out of memory (maxmemory below its data, noeviction) for \((lifted - started).formattedSeconds) with \(inFlight) in flight: writes refused with OOM \(refused ? "yes" : "no"); entries read meanwhile \(readDuring) (a consumer reads one batch, then pauses on its first write); dead letters meanwhile \(deadLetters)")
        report.log("fault h: Redis has memory again")
    }
}
