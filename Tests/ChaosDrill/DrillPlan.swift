import Foundation
import StylecastContracts
import StylecastTestSupport

/// One data file the drill streams with `stylecast ingest`.
struct DataFile: Sendable {
    /// What the file yields (one kind per file in the drill's data).
    enum Kind: String, Sendable {
        case items, interactions, signals

        /// The set of stored ids of this kind (partition 0's: ``PipelineProbe/counts()`` sums
        /// every partition's under this name).
        var idSet: String {
            switch self {
            case .items: Keys.itemIDs
            case .interactions: Keys.interactionIDs
            case .signals: Keys.signalIDs
            }
        }
    }

    var source: String
    /// Path relative to the data folder.
    var relativePath: String
    var kind: Kind
    /// `--limit` for the CLI.
    var limit: Int?
    /// `--batch` for the CLI (interactions and series per call).
    var batch: Int?
    /// SIGKILL ingest while this file streams, once this many of its records are stored.
    var killIngestAfter: Int?
    /// Streamed only when the Redis restart begins (``Gate``), which stops Redis once this many
    /// of its records are stored.
    var stopRedisAfter: Int?

    var label: String {
        relativePath + (limit.map { " (first \(DrillReport.grouped($0)))" } ?? "")
    }
}

/// What a run streams and when its faults fire; `--quick` is the bounded form CI runs.
struct DrillPlan: Sendable {
    var quick: Bool
    var dataDirectory: String
    /// In the order the feeder streams them.
    var files: [DataFile]
    /// Fire the worker kills once the group has read this share of what it can read by then:
    /// text-embedding and trend-aggregation of the items streamed before the Redis restart,
    /// recommendation of the interactions.
    var embeddingKillShare = 0.25
    var trendKillShare = 0.35
    var recommendationKillShare = 0.4
    /// Gracefully stop each worker once its group has read this share (text-embedding and
    /// trend-aggregation of the items, recommendation of the interactions).
    var embeddingStopShare = 0.5
    var trendStopShare = 0.6
    var recommendationStopShare = 0.75
    /// How long Redis stays out of memory (writes refused) under a backlog.
    var outOfMemory = Duration.seconds(180)
    /// How long Redis stays frozen, and the deadline of the calls made meanwhile.
    var freeze = Duration.seconds(10)
    var callDeadline = Duration.seconds(3)
    /// The whole run must finish within this.
    var timeLimit: Duration

    static func make(quick: Bool, dataDirectory: String, timeLimit: Duration?) -> DrillPlan {
        let files: [DataFile]
        if quick {
            files = [
                DataFile(source: "visuelle", relativePath: "visuelle/test.csv", kind: .items, killIngestAfter: 100),
                DataFile(source: "visuelle", relativePath: "visuelle/gtrends.csv", kind: .signals),
                DataFile(
                    source: "hm", relativePath: "hm/transactions_train.csv.gz", kind: .interactions, limit: 6000,
                    batch: 200, stopRedisAfter: 1200),
            ]
        } else {
            files = [
                DataFile(source: "visuelle", relativePath: "visuelle/train.csv", kind: .items, killIngestAfter: 1500),
                DataFile(source: "visuelle", relativePath: "visuelle/gtrends.csv", kind: .signals),
                DataFile(
                    source: "hm", relativePath: "hm/transactions_train.csv.gz", kind: .interactions, batch: 500,
                    stopRedisAfter: 6000),
                DataFile(source: "visuelle", relativePath: "visuelle/test.csv", kind: .items),
            ]
        }
        return DrillPlan(
            quick: quick, dataDirectory: dataDirectory, files: files,
            outOfMemory: quick ? .seconds(15) : .seconds(180),
            timeLimit: timeLimit ?? (quick ? .seconds(480) : .seconds(1800)))
    }

    func path(_ file: DataFile) -> String { dataDirectory + "/" + file.relativePath }

    /// The file streamed when the Redis restart begins.
    var gatedFile: DataFile? { files.first { $0.stopRedisAfter != nil } }

    /// Records of one kind in the files streamed before the Redis restart.
    func recordsBeforeRestart(_ kind: DataFile.Kind, counts: FileCounts) -> Int {
        var total = 0
        for file in files {
            if file.stopRedisAfter != nil { break }
            if file.kind == kind { total += counts.records[file.relativePath] ?? 0 }
        }
        return total
    }

    /// The VISUELLE product files (their weekly counts are checked).
    var visuelleProductFiles: [DataFile] {
        files.filter { $0.source == "visuelle" && $0.kind == .items }
    }
}

/// Counts made from the files by independent Python scripts (scripts/fixtures/).
struct FileCounts: Sendable {
    /// Records per file (after `--limit`), by the file's relative path.
    var records: [String: Int]
    /// Week (Monday) -> (items released, sales in units) over the VISUELLE product files.
    var weekly: [String: (items: Double, sales: Double)]

    static func make(plan: DrillPlan, root: String) async throws -> FileCounts {
        var records: [String: Int] = [:]
        for file in plan.files {
            let output = try await python(
                root + "/scripts/fixtures/count_dataset_records.py", [file.source, plan.path(file)])
            guard let counts = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Int],
                let count = counts[file.kind.rawValue]
            else { throw DrillFailure("count_dataset_records.py printed \(output)") }
            records[file.relativePath] = min(count, file.limit ?? Int.max)
        }
        let output = try await python(
            root + "/scripts/fixtures/visuelle_weekly_counts.py", plan.visuelleProductFiles.map(plan.path))
        guard let weeks = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Double]] else {
            throw DrillFailure("visuelle_weekly_counts.py printed \(output.prefix(200))")
        }
        return FileCounts(
            records: records, weekly: weeks.mapValues { ($0["items"] ?? 0, $0["sales"] ?? 0) })
    }

    private static func python(_ script: String, _ arguments: [String]) async throws -> String {
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", script] + arguments)
        let status = await child.waitForExit(timeout: .seconds(180))
        defer { try? FileManager.default.removeItem(at: child.logFile) }
        guard status == 0 else { throw DrillFailure("\(script) failed (\(String(describing: status))): \(child.output())") }
        return child.output()
    }
}

/// An error that ends the run early (setup failures); checks are recorded in the report instead.
struct DrillFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
