import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastGRPC
import StylecastProto
import StylecastRedis

/// The faults other than ingest's kill (which the feeder does mid-file), in order, each fired by
/// observed progress: (a) SIGKILL text-embedding and (b) trend-aggregation once each has read
/// part of the items, then restarted; (e) Redis restarted while a client streams the gated file;
/// (c) SIGKILL recommendation once it has read part of the interactions, then restarted; (f)
/// Redis frozen (SIGSTOP) for 10 s, a peer that stops answering as in a network partition,
/// while calls with a deadline go to every service; (g1, g2, g3) each worker SIGTERMed in the
/// middle of its backlog and (h) Redis out of memory under a backlog (StopFaults.swift).
struct Faults: Sendable {
    let plan: DrillPlan
    let counts: FileCounts
    let stack: ChaosStack
    let report: DrillReport
    let gate: Gate
    /// Opened by the feeder once every file is streamed.
    let fed: Gate

    func run() async {
        if let cluster = stack.cluster {
            await runOnCluster(cluster)
            return
        }
        let items = plan.recordsBeforeRestart(.items, counts: counts)
        let interactions = plan.files.filter { $0.kind == .interactions }
            .reduce(0) { $0 + (counts.records[$1.relativePath] ?? 0) }
        await killWorker("a", "text-embedding", stream: Keys.ingested, total: items, share: plan.embeddingKillShare)
        await killWorker("b", "trend-aggregation", stream: Keys.embedded, total: items, share: plan.trendKillShare)
        await terminateWorker("g1", "text-embedding", stream: Keys.ingested, total: items, share: plan.embeddingStopShare)
        await terminateWorker("g2", "trend-aggregation", stream: Keys.embedded, total: items, share: plan.trendStopShare)
        await restartRedis()
        await killWorker(
            "c", "recommendation", stream: Keys.interactions, total: interactions, share: plan.recommendationKillShare)
        await terminateWorker(
            "g3", "recommendation", stream: Keys.interactions, total: interactions, share: plan.recommendationStopShare)
        await freezeRedis()
        await outOfMemory(fed: fed)
        report.log("faults: all done")
    }

    // MARK: - Worker kills

    /// SIGKILLs a worker once its group has read `share` of `total`, then restarts it. Progress
    /// is the group's last delivered entry (Redis cannot tell `entries-read` after a restart).
    func killWorker(_ tag: String, _ name: String, stream: String, total: Int, share: Double) async {
        let threshold = max(1, Int(Double(total) * share))
        guard let state = await waitUntilRead(stream, group: name, position: threshold) else {
            report.check("(\(tag)) \(name) read \(threshold) entries of \(Keys.short(stream)) before its kill", false, "not in time")
            return
        }
        let status = await stack.kill(name)
        let killed = ContinuousClock.now
        do {
            try stack.start(name)
        } catch {
            report.check("(\(tag)) \(name) restarts", false, "\(error)")
            return
        }
        let serving = await stack.waitFor(name, "SERVING", timeout: .seconds(180))
        report.check("(\(tag)) \(name) exits 137 on SIGKILL", status == 137, "status \(String(describing: status))")
        report.check(
            "(\(tag)) \(name) SERVING again after its restart", serving != nil,
            serving == nil ? await stack.whyNotServing(name) : "")
        let line =
            "(\(tag)) \(name) SIGKILL after reading \(state.read.map(DrillReport.grouped) ?? "at least \(DrillReport.grouped(threshold))") of \(DrillReport.grouped(total)) entries of \(Keys.short(stream)) (\(state.pending) pending, \(DrillReport.grouped(state.length)) in the stream): exit \(status.map(String.init) ?? "?"); restarted, SERVING after \((ContinuousClock.now - killed).formattedSeconds)"
        report.note("faults", line)
        report.log("fault \(tag): \(name) killed at \(state.progress); SERVING again")
    }

    /// Waits (at most half the run's time limit) until `group` has been delivered the entry at
    /// `position` of `stream` (at `position` / partitions of partition 0, with partitions). Progress is the group's last delivered entry (Redis cannot tell
    /// `entries-read` after a restart).
    /// - Returns: The group's state then, `nil` when it did not get there in time.
    func waitUntilRead(_ stream: String, group: String, position: Int) async -> GroupState? {
        // With partitions, `stream` is partition 0, which holds about its share of the records.
        let position = max(1, position / Keys.partitions.count)
        var target: String?
        let deadline = ContinuousClock.now + plan.timeLimit / 2
        while ContinuousClock.now < deadline {
            if target == nil { target = try? await stack.probe.entryID(stream, position: position) }
            if let target, let current = try? await stack.probe.group(stream, group),
                current.lastDelivered != "-", StreamID.atOrAfter(current.lastDelivered, target)
            {
                return current
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    // MARK: - Redis restart

    /// (e) Lets the feeder stream the gated file and stops Redis with SIGTERM once part of it is
    /// stored (entries in flight everywhere), waits until every service says NOT_SERVING, starts
    /// Redis again on the same port and append-only directory, waits until every service is
    /// SERVING, and checks that nothing stored before the stop is gone.
    private func restartRedis() async {
        guard let file = plan.gatedFile, let threshold = file.stopRedisAfter else {
            gate.open()
            return
        }
        guard let base = await streamGatedFile(file, until: threshold, tag: "e") else { return }
        let inFlight = await waitForFlow()
        let before: PipelineProbe.Snapshot
        do {
            before = try await snapshot()
        } catch {
            report.check("(e) snapshot before the Redis restart", false, "\(error)")
            return
        }
        let atStop = (before.counts[file.kind.idSet] ?? 0) - base
        let expected = counts.records[file.relativePath] ?? 0
        report.check(
            "(e) Redis stopped while \(file.label) streamed", atStop >= threshold && atStop < expected,
            "\(atStop) of \(expected) records stored at the stop")
        let stopping = ContinuousClock.now
        await stack.signalRedis(SIGTERM)
        let exited = ContinuousClock.now
        let notServing = await stack.waitForAll("NOT_SERVING", timeout: .seconds(10))
        checkAll(notServing, { "(e) \($0) NOT_SERVING while Redis is down" }, limit: "10 s")
        let starting = ContinuousClock.now
        do {
            try await stack.startRedis()
        } catch {
            report.check("(e) Redis starts again from its append-only file", false, "\(error)")
            return
        }
        let ready = ContinuousClock.now
        let serving = await stack.waitForAll("SERVING", timeout: .seconds(60))
        checkAll(serving, { "(e) \($0) SERVING again after Redis returned" }, limit: "60 s")
        do {
            let after = try await snapshot()
            compare(before, after, tag: "e", across: "the Redis restart")
        } catch {
            report.check("(e) snapshot after the Redis restart", false, "\(error)")
        }
        report.note(
            "faults",
            "(e) Redis restarted (SIGTERM, then started on the same port and append-only directory) while \(file.label) streamed (\(DrillReport.grouped(atStop)) of \(DrillReport.grouped(expected)) stored) and \(inFlight): exited \((exited - stopping).formattedSeconds) after SIGTERM; services NOT_SERVING after \(Self.timings(notServing)); Redis away \((ready - exited).formattedSeconds) (loading its append-only file \((ready - starting).formattedSeconds)); services SERVING again \(Self.timings(serving)) after it answered")
        report.log("fault e: Redis restarted; services SERVING again")
    }

    /// Opens the gate for the gated file and waits (at most 300 s) until `threshold` more of its
    /// records are stored.
    /// - Returns: How many were stored before the gate opened; `nil` (reported) when that could
    ///   not be read.
    func streamGatedFile(_ file: DataFile, until threshold: Int, tag: String) async -> Int? {
        let base: Int
        do {
            base = try await stack.probe.stored(file.kind)
        } catch {
            report.check("(\(tag)) id set readable before the fault", false, "\(error)")
            gate.open()
            return nil
        }
        gate.open()
        var stored = 0
        let deadline = ContinuousClock.now + .seconds(300)
        while stored < threshold, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
            stored = (try? await stack.probe.stored(file.kind) - base) ?? stored
        }
        return base
    }

    /// A snapshot, retried for up to 20 s: the drill's own idle connections fail once after a
    /// Redis restart (the client never retries a command by itself).
    func snapshot() async throws -> PipelineProbe.Snapshot {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                return try await stack.probe.snapshot()
            } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Waits (at most 60 s) until some group has entries to read or acknowledge.
    /// - Returns: Those groups and their backlog, for the report.
    func waitForFlow() async -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let groups = try? await stack.probe.groups() {
                let busy = groups.filter { !$0.drained }
                if !busy.isEmpty {
                    return busy.map { "\($0.label) \($0.progress)" }
                        .joined(separator: "; ")
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return "nothing (every group had drained)"
    }

    /// Checks that nothing acknowledged before a Redis fault is missing after it.
    /// - Parameters:
    ///   - tag: The fault's letter, for the report.
    ///   - across: The fault, as in "kept across \(across)".
    func compare(_ before: PipelineProbe.Snapshot, _ after: PipelineProbe.Snapshot, tag: String, across: String) {
        for (key, count) in before.counts.sorted(by: { $0.key < $1.key }) {
            let now = after.counts[key] ?? -1
            report.check("(\(tag)) \(key) kept across \(across)", now >= count, "\(count) before, \(now) after")
        }
        for old in before.groups {
            guard let new = after.groups.first(where: { $0.stream == old.stream && $0.group == old.group }) else {
                report.check("(\(tag)) group \(old.label) kept across \(across)", false, "missing after")
                continue
            }
            // Acknowledged before = delivered up to the old position and not pending then; none of
            // those may be pending (or undelivered) after.
            let reopened = (after.pending[new.label] ?? []).filter { id in
                old.lastDelivered != "-" && StreamID.atOrAfter(old.lastDelivered, id) && !(before.pending[old.label] ?? []).contains(id)
            }
            report.check(
                "(\(tag)) \(old.label): position and acknowledgements kept across \(across)",
                (old.lastDelivered == "-" || StreamID.atOrAfter(new.lastDelivered, old.lastDelivered)) && reopened.isEmpty,
                "last delivered \(old.lastDelivered) -> \(new.lastDelivered); acknowledged before but pending after: \(reopened.count)")
        }
        report.check(
            "(\(tag)) trend item counts kept across \(across)", after.trendItems >= before.trendItems,
            "\(before.trendItems) before, \(after.trendItems) after")
        report.note(
            "faults",
            "(\(tag)) kept across \(across): \(before.counts.filter { $0.value > 0 }.count) id sets and streams (e.g. item ids \(DrillReport.grouped(before.counts[Keys.itemIDs] ?? 0)) -> \(DrillReport.grouped(after.counts[Keys.itemIDs] ?? 0)), interactions \(DrillReport.grouped(before.counts[Keys.interactions] ?? 0)) -> \(DrillReport.grouped(after.counts[Keys.interactions] ?? 0))), \(before.groups.count) groups' positions and acknowledgements (\(before.pending.values.reduce(0) { $0 + $1.count }) entries pending before it), trend items \(Int(before.trendItems)) -> \(Int(after.trendItems))")
    }

    // MARK: - Redis frozen

    /// (f) Freezes Redis (SIGSTOP) for `plan.freeze`: every service must turn NOT_SERVING, calls
    /// made meanwhile must end with UNAVAILABLE before their deadline (text-embedding's `Embed`
    /// answers from the model, its cache skipped, and trend-aggregation's latest trends from its
    /// trend view, as documented); after SIGCONT every service
    /// must be SERVING again.
    private func freezeRedis() async {
        let inFlight = await waitForFlow()
        let (itemID, category) = (await someItemID(), await someCategory())
        let frozen = ContinuousClock.now
        await stack.signalRedis(SIGSTOP)
        report.log("fault f: Redis frozen")
        async let notServing = stack.waitForAll("NOT_SERVING", timeout: plan.freeze - .seconds(1))
        async let early = outageCalls(at: frozen + .seconds(1), itemID: itemID, category: category)
        async let late = outageCalls(at: frozen + .seconds(6), itemID: itemID, category: category)
        let (health, firstCalls, secondCalls) = await (notServing, early, late)
        let rest = frozen + plan.freeze - ContinuousClock.now
        if rest > .zero { try? await Task.sleep(for: rest) }
        await stack.signalRedis(SIGCONT)
        let thawed = ContinuousClock.now
        let serving = await stack.waitForAll("SERVING", timeout: .seconds(60))
        report.log("fault f: Redis continued after \((thawed - frozen).formattedSeconds)")

        checkAll(health, { "(f) \($0) NOT_SERVING while Redis is frozen" }, limit: "\(plan.freeze - .seconds(1))")
        checkAll(serving, { "(f) \($0) SERVING again after Redis continued" }, limit: "60 s")
        for (round, calls) in [("1 s", firstCalls), ("6 s", secondCalls)] {
            for call in calls {
                let inTime = call.elapsed < plan.callDeadline
                report.check(
                    "(f) \(call.name) \(round) into the freeze ends with \(call.expected) before its \(plan.callDeadline) deadline",
                    call.expected.components(separatedBy: " or ").contains(call.code) && inTime, "\(call.code) after \(call.elapsed.formattedSeconds): \(call.message.prefix(200))")
            }
            report.note(
                "faults",
                "(f) calls \(round) into the freeze (deadline \(plan.callDeadline)): "
                    + calls.map { "\($0.name) \($0.code) in \($0.elapsed.formattedSeconds)" }.joined(separator: ", "))
        }
        report.note(
            "faults",
            "(f) Redis frozen (SIGSTOP) for \((thawed - frozen).formattedSeconds) with \(inFlight) in flight: NOT_SERVING after \(Self.timings(health)); SERVING again \(Self.timings(serving)) after SIGCONT")
    }

    /// A stored item's id for the outage calls.
    func someItemID() async -> String {
        (try? await stack.redis.send("SRANDMEMBER", RedisArgument(Keys.itemIDs)).string) ?? "visuelle:1"
    }

    /// A category with a launches series, for the outage calls.
    func someCategory() async -> String {
        let replies = (try? await stack.redis.pipeline(Keys.trendTopics.map { ["SMEMBERS", RedisArgument($0)] })) ?? []
        let topics = replies.flatMap { $0.array ?? [] }
        return topics.compactMap(\.string).compactMap { member -> String? in
            let parts = member.split(separator: "|", maxSplits: 4).map(String.init)
            return parts.count == 5 && parts[0] == "launches" && parts[3] == "category" ? parts[4] : nil
        }.sorted().first ?? "dress"
    }

    /// One call made while Redis was frozen.
    struct OutageCall: Sendable {
        var name: String
        var expected: String
        var code: String
        var elapsed: Duration
        var message: String
    }

    /// Calls every service at `instant`, concurrently, each with the plan's deadline.
    func outageCalls(at instant: ContinuousClock.Instant, itemID: String, category: String) async -> [OutageCall] {
        let wait = instant - ContinuousClock.now
        if wait > .zero { try? await Task.sleep(for: wait) }
        let options = { var options = CallOptions.defaults; options.timeout = plan.callDeadline; return options }()
        let probe = UUID().uuidString.prefix(8).lowercased()
        let calls: [(String, String, String, @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Void)] = [
            ("ingest", "ingest GetItem", "UNAVAILABLE", { client in
                _ = try await Stylecast_V1_Ingest.Client(wrapping: client).getItem(
                    .with { $0.itemID = itemID }, options: options)
            }),
            // The latest trends come from the in-memory trend view (docs/trends.md): OK from the
            // last build, or UNAVAILABLE when a read after an idle pause must ask Redis first.
            ("trend-aggregation", "trend-aggregation ListTrends", "OK or UNAVAILABLE", { client in
                _ = try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listTrends(
                    .with { $0.kind = "category"; $0.limit = 5 }, options: options)
            }),
            ("trend-aggregation", "trend-aggregation GetSeries", "OK or UNAVAILABLE", { client in
                _ = try await Stylecast_V1_TrendAggregation.Client(wrapping: client).getSeries(
                    .with { $0.kind = "category"; $0.value = category; $0.measure = "launches" }, options: options)
            }),
            ("recommendation", "recommendation Recommend (unknown user)", "UNAVAILABLE", { client in
                _ = try await Stylecast_V1_Recommendation.Client(wrapping: client).recommend(
                    .with { $0.userID = "chaos:\(probe)"; $0.k = 5 }, options: options)
            }),
            // Embed needs no Redis: a cache failure only skips the cache (docs/operations.md).
            ("text-embedding", "text-embedding Embed (new text)", "OK", { client in
                _ = try await Stylecast_V1_TextEmbedding.Client(wrapping: client).embed(
                    .with { $0.texts = ["chaos drill \(probe): a red striped linen dress"] }, options: options)
            }),
        ]
        return await withTaskGroup(of: OutageCall.self) { group in
            for (service, name, expected, body) in calls {
                let endpoint = stack.definition(service).endpoint
                group.addTask {
                    let start = ContinuousClock.now
                    var (code, message) = ("OK", "")
                    do {
                        try await withStylecastConnection(to: endpoint) { client in try await body(client) }
                    } catch let error as RPCError {
                        (code, message) = (Self.name(of: error.code), error.message)
                    } catch {
                        (code, message) = ("\(type(of: error))", "\(error)")
                    }
                    return OutageCall(name: name, expected: expected, code: code, elapsed: ContinuousClock.now - start, message: message)
                }
            }
            var results: [OutageCall] = []
            for await result in group { results.append(result) }
            return calls.compactMap { call in results.first { $0.name == call.1 } }
        }
    }

    static func name(of code: RPCError.Code) -> String {
        let names: [RPCError.Code: String] = [
            .cancelled: "CANCELLED", .unknown: "UNKNOWN", .invalidArgument: "INVALID_ARGUMENT",
            .deadlineExceeded: "DEADLINE_EXCEEDED", .notFound: "NOT_FOUND", .alreadyExists: "ALREADY_EXISTS",
            .permissionDenied: "PERMISSION_DENIED", .resourceExhausted: "RESOURCE_EXHAUSTED",
            .failedPrecondition: "FAILED_PRECONDITION", .aborted: "ABORTED", .outOfRange: "OUT_OF_RANGE",
            .unimplemented: "UNIMPLEMENTED", .internalError: "INTERNAL", .unavailable: "UNAVAILABLE",
            .dataLoss: "DATA_LOSS", .unauthenticated: "UNAUTHENTICATED",
        ]
        return names[code] ?? "\(code)"
    }

    /// Checks, per service of ``ChaosStack/waitForAll(_:timeout:)``'s results, that it got there.
    func checkAll(_ results: [(name: String, took: Duration?)], _ check: (String) -> String, limit: String) {
        for (name, took) in results { report.check(check(name), took != nil, "not within \(limit)") }
    }

    static func timings(_ results: [(name: String, took: Duration?)]) -> String {
        results.map { "\($0.name) \($0.took.map(\.formattedSeconds) ?? "never")" }.joined(separator: ", ")
    }
}
