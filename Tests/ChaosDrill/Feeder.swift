import Foundation
import StylecastTestSupport
import Synchronization

/// Opened once by the faults when the Redis restart begins; the feeder streams the plan's gated
/// file only then, so that Redis stops under a streaming client.
final class Gate: Sendable {
    private let isOpen = Mutex(false)

    func open() { isOpen.withLock { $0 = true } }

    func wait() async {
        while !isOpen.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// What the feeder stored, per record kind, for the final comparison.
final class Ledger: Sendable {
    struct Totals: Sendable {
        /// Records the files hold (after `--limit`).
        var records = 0
        /// Accepted according to the summaries of the CLI runs that finished.
        var accepted = 0
        /// Stored by runs that died (found as duplicates by the run that finished).
        var storedByFailedRuns = 0
        /// Rejected according to the summaries.
        var rejected = 0
    }

    private let totals = Mutex<[DataFile.Kind: Totals]>([:])

    func add(_ kind: DataFile.Kind, _ update: (inout Totals) -> Void) {
        totals.withLock { update(&$0[kind, default: Totals()]) }
    }

    func totals(_ kind: DataFile.Kind) -> Totals {
        totals.withLock { $0[kind] ?? Totals() }
    }
}

/// Streams the plan's files with the real `stylecast ingest` client, one after the other. A run
/// that fails (its ingest service was killed, or Redis went away under it) is run again once
/// ingest is SERVING; the service deduplicates, so the file ends up stored exactly once. For the
/// file marked `killIngestAfter`, it SIGKILLs ingest mid-file and restarts it.
struct Feeder: Sendable {
    let plan: DrillPlan
    let counts: FileCounts
    let stack: ChaosStack
    let report: DrillReport
    let ledger: Ledger
    let gate: Gate
    /// Opened once every file is streamed.
    let fed: Gate

    /// Largest number of runs of one file.
    static let maxAttempts = 6

    func run() async {
        for file in plan.files {
            do {
                try await feed(file)
            } catch {
                report.check("stream \(file.label)", false, "\(error)")
            }
        }
        report.log("feeder: every file streamed")
        fed.open()
    }

    /// How many records of the file's kind are stored (``PipelineProbe/stored(_:)``); retried
    /// while Redis is away.
    func stored(_ kind: DataFile.Kind) async throws -> Int {
        try await retrying("stored \(kind.rawValue)") { try await stack.probe.stored(kind) }
    }

    /// Runs `body` until it succeeds, for up to 90 s (Redis may be restarting or frozen).
    func retrying<Value: Sendable>(_ what: String, _ body: () async throws -> Value) async throws -> Value {
        let deadline = ContinuousClock.now + .seconds(90)
        while true {
            do {
                return try await body()
            } catch {
                if ContinuousClock.now > deadline { throw DrillFailure("\(what): \(error)") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func feed(_ file: DataFile) async throws {
        if file.stopRedisAfter != nil {
            report.log("feeder: \(file.label) waits for the Redis restart")
            await gate.wait()
        }
        let expected = counts.records[file.relativePath] ?? -1
        let base = try await stored(file.kind)
        var killAfter = file.killIngestAfter
        report.log("feeder: streaming \(file.label) (\(DrillReport.grouped(expected)) \(file.kind.rawValue))")
        for attempt in 1...Self.maxAttempts {
            guard await stack.waitFor("ingest", "SERVING", timeout: .seconds(90)) != nil else {
                report.check(
                    "ingest SERVING before streaming \(file.label)", false,
                    "not within 90 s: \(await stack.whyNotServing("ingest"))")
                return
            }
            let before = try await stored(file.kind)
            let started = ContinuousClock.now
            let cli = try ChildProcess(
                BuiltExecutables.path(of: "stylecast"),
                arguments: [
                    "ingest", "--source", file.source, plan.path(file), "--json",
                    "--target", stack.definition("ingest").endpoint.description,
                ] + (file.limit.map { ["--limit", "\($0)"] } ?? []) + (file.batch.map { ["--batch", "\($0)"] } ?? []),
                logFile: stack.workDirectory.appendingPathComponent(
                    "cli-\(file.relativePath.replacingOccurrences(of: "/", with: "-"))-\(attempt).log"))

            if let threshold = killAfter {
                killAfter = nil
                try await killIngestMidFile(file, cli: cli, base: base, threshold: threshold, expected: expected)
                continue
            }

            let status = await cli.waitForExit(timeout: .seconds(1200))
            let took = ContinuousClock.now - started
            if status != 0 {
                let reason = cli.output().split(separator: "\n").last.map(String.init) ?? ""
                report.log("feeder: \(file.label) run \(attempt) failed after \(took.formattedSeconds) (exit \(String(describing: status))): \(reason)")
                report.note("client runs", "\(file.label) run \(attempt): exit \(status.map(String.init) ?? "killed") after \(took.formattedSeconds) (\(reason.prefix(120)))")
                // Let ingest notice the outage first, so that the next run waits for its recovery.
                try await Task.sleep(for: .seconds(1))
                continue
            }
            let line = cli.output().split(separator: "\n").last(where: { $0.hasPrefix("{") }).map(String.init) ?? "{}"
            let summary = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
            let kindCounts = summary[file.kind.rawValue] as? [String: Any] ?? [:]
            func count(_ key: String) -> Int { (kindCounts[key] as? NSNumber)?.intValue ?? -1 }
            let (accepted, rejected, duplicates) = (count("accepted"), count("rejected"), count("duplicates"))
            let after = try await stored(file.kind)
            let earlier = before - base
            report.check(
                "\(file.label): accepted + rejected + duplicates = records in the file",
                accepted + rejected + duplicates == expected,
                "\(accepted) + \(rejected) + \(duplicates) vs \(expected)")
            report.check(
                "\(file.label): what the finishing run accepted is what the id set gained",
                accepted == after - before, "accepted \(accepted), set grew by \(after - before)")
            report.check(
                "\(file.label): its duplicates are exactly what earlier runs of the file stored",
                duplicates == earlier, "duplicates \(duplicates), stored by earlier runs \(earlier)")
            if file.stopRedisAfter != nil {
                report.check(
                    "the client streaming \(file.label) fails when Redis stops under it", attempt > 1,
                    "its first run finished")
            }
            ledger.add(file.kind) {
                $0.records += expected
                $0.accepted += accepted
                $0.rejected += rejected
                $0.storedByFailedRuns += earlier
            }
            report.note(
                "client runs",
                "\(file.label) run \(attempt): exit 0 in \(took.formattedSeconds): accepted \(DrillReport.grouped(accepted)), rejected \(rejected), duplicates \(DrillReport.grouped(duplicates)) (stored by earlier runs \(DrillReport.grouped(earlier)))")
            return
        }
        report.check("\(file.label) streamed within \(Self.maxAttempts) runs", false)
    }

    /// Fault (d): SIGKILL ingest while the client streams, once `threshold` records of the file
    /// are stored; the client must fail; ingest restarts on the same port.
    private func killIngestMidFile(
        _ file: DataFile, cli: ChildProcess, base: Int, threshold: Int, expected: Int
    ) async throws {
        var stored = 0
        while cli.isRunning, stored < threshold {
            try await Task.sleep(for: .milliseconds(5))
            stored = (try? await stack.probe.stored(file.kind) - base) ?? stored
        }
        guard cli.isRunning else {
            let status = await cli.waitForExit(timeout: .seconds(1))
            report.check(
                "ingest SIGKILLed while \(file.label) streams", false,
                "the client finished (status \(String(describing: status))) before \(threshold) records were stored")
            return
        }
        let status = await stack.kill("ingest")
        let atKill = try await self.stored(file.kind) - base
        let cliStatus = await cli.waitForExit(timeout: .seconds(60))
        report.check("ingest exits 137 on SIGKILL", status == 137, "status \(String(describing: status))")
        report.check(
            "the client fails when ingest dies under it", cliStatus != nil && cliStatus != 0,
            "client status \(String(describing: cliStatus)): \(cli.output().suffix(300))")
        report.check(
            "ingest was killed mid-file", atKill > 0 && atKill < expected,
            "\(atKill) of \(expected) records stored at the kill")
        try stack.start("ingest")
        let serving = await stack.waitFor("ingest", "SERVING", timeout: .seconds(60))
        report.check(
            "ingest SERVING again after its restart", serving != nil,
            serving == nil ? await stack.whyNotServing("ingest") : "")
        report.note(
            "faults",
            "(d) ingest SIGKILL while \(file.label) streamed, \(DrillReport.grouped(atKill)) of \(DrillReport.grouped(expected)) records stored: exit \(status.map(String.init) ?? "?"), client exit \(cliStatus.map(String.init) ?? "?"); restarted, SERVING after \(serving.map(\.formattedSeconds) ?? "never")")
        report.log("fault d: ingest killed with \(atKill) of \(expected) records of \(file.label) stored")
    }
}
