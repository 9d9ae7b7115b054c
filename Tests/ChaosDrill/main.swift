// chaos-drill: real processes (redis-server with append-only persistence, ingest,
// text-embedding, trend-aggregation, recommendation and the `stylecast ingest` client) under
// faults while real data flows through them; then every count is checked against the files.
// scripts/chaos.sh builds and runs it (docs/operations.md, "Chaos drill").

import ArgumentParser
import Dispatch
import Foundation
import Logging
import StylecastTestSupport

/// The command line.
struct ChaosDrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos-drill",
        abstract: "Kill, restart and freeze the pipeline's processes and Redis while real data flows; check every count.",
        discussion: """
            Starts redis-server (append-only, own port and directory) and the ingest, \
            text-embedding, trend-aggregation and recommendation executables built next to this \
            one, streams VISUELLE products, search series and H&M purchases with `stylecast \
            ingest`, and meanwhile: SIGKILLs and restarts each service once (ingest mid-file), \
            restarts Redis, and freezes it for 10 s while calls with a 3 s deadline go to every \
            service. Then it waits until every consumer group is drained and checks the stored \
            ids, streams, embeddings, dead letters, weekly trend counts and recommendations \
            against counts made from the files. Exit 0 when every check passed. With --cluster \
            Redis is a cluster of 3 primaries and 3 replicas, and its faults are a reshard of \
            1,000 slots holding the item streams, a primary SIGKILLed and one frozen for 10 s.
            """)

    @Flag(help: "The bounded form for CI: VISUELLE test products, the search series, 6,000 H&M purchases.")
    var quick = false

    @Flag(help: "Run on a Redis Cluster of 3 primaries and 3 replicas, with cluster faults (reshard, primary killed, primary frozen) in place of the single server's.")
    var cluster = false

    @Option(help: "The repository root (scripts/fixtures, models/).")
    var root = FileManager.default.currentDirectoryPath

    @Option(help: "The shared data folder (default $STYLECAST_DATA_DIR or ROOT/../shared/data).")
    var data: String?

    @Option(help: "The models folder holding all-MiniLM-L6-v2 (default $STYLECAST_MODELS_DIR or ROOT/models).")
    var models: String?

    @Option(help: "Folder for the logs and Redis data (default: a new temporary folder, removed after a run that passed).")
    var workDir: String?

    @Option(help: "Fail when the run takes longer than this many seconds (default 480 quick, 1500 full).")
    var timeLimit: Int?

    func run() async throws {
        // The drill's own Redis clients lose Redis on purpose; their warnings would only be noise.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let environment = ProcessInfo.processInfo.environment
        let plan = DrillPlan.make(
            quick: quick, dataDirectory: data ?? environment["STYLECAST_DATA_DIR"] ?? root + "/../shared/data",
            timeLimit: timeLimit.map { .seconds($0) })
        let modelsDirectory = models ?? environment["STYLECAST_MODELS_DIR"] ?? root + "/models"
        let keepWorkDirectory = workDir != nil
        let work = URL(fileURLWithPath: workDir ?? NSTemporaryDirectory() + "stylecast-chaos-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

        let report = DrillReport()
        let title = "chaos drill (\(quick ? "quick" : "full")\(cluster ? ", Redis Cluster" : ""))"
        let stack = try ChaosStack(workDirectory: work, modelsDirectory: modelsDirectory, cluster: cluster)
        let signals = stopOnSignals(stack: stack)
        let passed = await ChaosDrill(plan: plan, title: title, root: root, stack: stack, report: report).run()
        signals.forEach { $0.cancel() }
        emit(report.text(title: title))
        if passed {
            if !keepWorkDirectory { try? FileManager.default.removeItem(at: work) }
        } else {
            emit("logs and Redis data kept in \(work.path)")
            throw ExitCode(1)
        }
    }

    /// On SIGINT or SIGTERM: stop every process the drill started, then exit 130.
    private func stopOnSignals(stack: ChaosStack) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { (number: Int32) -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                emit("chaos-drill: signal \(number), stopping everything it started")
                Task {
                    await stack.tearDown()
                    Foundation.exit(130)
                }
            }
            source.resume()
            return source
        }
    }
}

/// One run: start, stream and break things, recover, verify, stop.
struct ChaosDrill: Sendable {
    let plan: DrillPlan
    let title: String
    let root: String
    let stack: ChaosStack
    let report: DrillReport

    /// - Returns: Whether every check passed.
    func run() async -> Bool {
        let deadline = ContinuousClock.now + plan.timeLimit
        let watchdog = Task {
            try await Task.sleep(until: deadline, clock: .continuous)
            report.check("the run finished within \(plan.timeLimit)", false, "time limit reached; stopping")
            emit(report.text(title: title))
            await stack.tearDown()
            exit(1)
        }
        defer { watchdog.cancel() }
        do {
            try await body(deadline: deadline)
        } catch {
            report.check("the drill ran to the end", false, "\(error)")
        }
        await stack.tearDown()
        return report.passed
    }

    private func body(deadline: ContinuousClock.Instant) async throws {
        report.log("counting the files with scripts/fixtures (Python)")
        let counts = try await FileCounts.make(plan: plan, root: root)
        report.note(
            "data",
            plan.files.map { "\($0.label): \(DrillReport.grouped(counts.records[$0.relativePath] ?? 0)) \($0.kind.rawValue)" }
                .joined(separator: "; "))

        report.log("starting \(stack.redisDescription) and the four services; logs in \(stack.workDirectory.path)")
        try await stack.startRedis()
        if let cluster = stack.cluster {
            report.note("recovery", try await Faults.arrangeSlots(cluster, report: report))
        }
        for service in stack.services { try stack.start(service.name) }
        let started = await stack.waitForAll("SERVING", timeout: .seconds(180))
        for (name, took) in started where took == nil {
            throw DrillFailure("\(name) did not become SERVING (limit 180 s): \(await stack.whyNotServing(name))")
        }
        report.note("recovery", "start: SERVING after \(Faults.timings(started))")

        let ledger = Ledger()
        let gate = Gate()
        let allFed = Gate()
        let feeder = Feeder(plan: plan, counts: counts, stack: stack, report: report, ledger: ledger, gate: gate, fed: allFed)
        let faults = Faults(plan: plan, counts: counts, stack: stack, report: report, gate: gate, fed: allFed)
        let crashes = Task { await stack.watchForCrashes(report: report) }
        defer { crashes.cancel() }
        async let fed: Void = feeder.run()
        async let broken: Void = faults.run()
        _ = await (fed, broken)
        await Verification(plan: plan, counts: counts, stack: stack, report: report, ledger: ledger).run(deadline: deadline)
        crashes.cancel()
        report.check("every service process ran until the drill stopped it", await stack.exited().isEmpty)

        let statuses = await stack.stopServices()
        for (name, status) in statuses {
            report.check("\(name) exits 0 on SIGTERM at the end", status == 0, "status \(String(describing: status))")
        }
    }
}

extension ChaosDrillCommand {
    /// Parses the command line and runs; top-level code would pick the synchronous `main()`.
    static func start() async {
        await main(nil)
    }
}

await ChaosDrillCommand.start()
