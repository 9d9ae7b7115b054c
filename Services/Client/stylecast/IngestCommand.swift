import ArgumentParser
import Foundation
import StylecastClient
import StylecastDatasets
import StylecastGRPC
import StylecastProto
import Synchronization

extension DatasetSource: ExpressibleByArgument {}

/// `stylecast ingest --source SOURCE PATH`: streams a dataset file to the ingest service.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Stream a dataset file to the ingest service and print what it accepted.",
        discussion: """
            Reads the file as it goes (memory stays flat), sends items on one IngestItems \
            stream and interactions and search-interest series in batches, and shows a \
            progress bar with rate and ETA on a terminal (plain lines every 5 s otherwise), \
            on standard error. Prints the summary: accepted, rejected (each with its line, \
            field and rule), duplicates (already stored: same id or same content) and rows \
            the reader repaired. Exits 0 even when records were rejected, unless --strict.

            Examples:
              stylecast ingest --source myntra ../shared/data/myntra/styles.csv.gz
              stylecast ingest --source hm ../shared/data/hm/transactions_train.csv.gz --json
              stylecast ingest --source fmnist /usr/share/datasets/fashion-mnist --limit 1000
              stylecast ingest --source jsonl my-shop.jsonl --strict

            Sources and their files are described in docs/ingest-formats.md.
            """)

    @Option(help: "The dataset: \(DatasetSource.allCases.map(\.rawValue).joined(separator: ", ")).")
    var source: DatasetSource

    @Argument(help: "The file (or, for fmnist, the folder of idx files).")
    var path: String

    @Option(help: "host:port of the ingest service.")
    var target = Endpoint.defaultEndpoint(of: .ingest)

    @Flag(help: "Print the summary as one JSON object (accepted, rejected, duplicates, repaired, errors).")
    var json = false

    @Flag(help: "Exit 1 when any record was rejected.")
    var strict = false

    @Option(help: "Read at most this many records.")
    var limit: Int?

    @Option(help: "Interactions or series sent per call.")
    var batch = 2000

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard (1...50_000).contains(batch) else { throw ValidationError("--batch must be 1-50000, got \(batch)") }
    }

    func run() async throws {
        // Open once here so that a missing or unreadable file fails before any connection.
        let probe = try DatasetReader(source: source, path: path)
        let run = IngestRun(source: source, path: path, totalBytes: probe.totalBytes, limit: limit, batch: batch)
        let started = Date()
        try await withStylecastConnection(to: target) { client in
            try await run.send(with: Stylecast_V1_Ingest.Client(wrapping: client))
        }
        var report = run.report
        report.seconds = Date().timeIntervalSince(started)
        print(json ? try report.json(file: path) : report.text(file: path))
        if let failure = run.failure {
            FileHandle.standardError.write(Data("stylecast ingest: \(failure)\n".utf8))
            throw ExitCode(1)
        }
        if strict, report.rejected > 0 { throw ExitCode(1) }
    }
}

/// One ingest run: reads the file inside the items stream's producer and sends each record to
/// its RPC; the report is shared with the caller once the call is over.
final class IngestRun: Sendable {
    private let source: DatasetSource
    private let path: String
    private let totalBytes: UInt64
    private let limit: Int?
    private let batch: Int
    private let state = Mutex<(report: IngestReport, failure: DatasetError?)>((IngestReport(), nil))

    init(source: DatasetSource, path: String, totalBytes: UInt64, limit: Int?, batch: Int) {
        self.source = source
        self.path = path
        self.totalBytes = totalBytes
        self.limit = limit
        self.batch = batch
    }

    /// The report so far.
    var report: IngestReport { state.withLock { $0.report } }
    /// The file-level failure that stopped reading early, if any.
    var failure: DatasetError? { state.withLock { $0.failure } }

    /// Reads the whole file and sends it.
    func send<Transport>(with ingest: Stylecast_V1_Ingest.Client<Transport>) async throws {
        let itemLines = Mutex<[UInt64]>([])
        let summary = try await ingest.ingestItems(requestProducer: { writer in
            var reader = try DatasetReader(source: self.source, path: self.path)
            let progress = ProgressReporter(label: (self.path as NSString).lastPathComponent, totalBytes: self.totalBytes)
            var interactions: [(line: UInt64, record: Stylecast_V1_Interaction)] = []
            var signals: [(line: UInt64, record: Stylecast_V1_SearchInterestSeries)] = []
            var records = 0
            let sendInteractions = { (batch: [Stylecast_V1_Interaction]) in
                try await ingest.ingestInteractions(.with { $0.interactions = batch })
            }
            let sendSignals = { (batch: [Stylecast_V1_SearchInterestSeries]) in
                try await ingest.ingestSignals(requestProducer: { writer in try await writer.write(contentsOf: batch) })
            }
            while records < (self.limit ?? Int.max), let entry = reader.next() {
                records += 1
                switch entry.outcome {
                case .rejected(let error):
                    self.state.withLock { $0.report.rejectedByReader(error, kind: \.items) }
                case .record(let record, let repair):
                    if let repair {
                        self.state.withLock {
                            $0.report.repaired += 1
                            if $0.report.repairs.count < 10 { $0.report.repairs.append("line \(entry.index): \(repair)") }
                        }
                    }
                    switch record {
                    case .item(let item):
                        itemLines.withLock { $0.append(entry.index) }
                        try await writer.write(item)
                    case .interaction(let interaction):
                        interactions.append((entry.index, interaction))
                        if interactions.count >= self.batch {
                            try await self.flush(&interactions, kind: \.interactions, send: sendInteractions)
                        }
                    case .signal(let series):
                        signals.append((entry.index, series))
                        if signals.count >= min(self.batch, 64) {
                            try await self.flush(&signals, kind: \.signals, send: sendSignals)
                        }
                    }
                }
                progress.update(bytes: reader.bytesRead, records: records)
            }
            try await self.flush(&interactions, kind: \.interactions, send: sendInteractions)
            try await self.flush(&signals, kind: \.signals, send: sendSignals)
            progress.finish(bytes: reader.bytesRead, records: records)
            let failure = reader.failure
            self.state.withLock {
                $0.report.lines = UInt64(records)
                $0.failure = failure
            }
        })
        let lines = itemLines.withLock { $0 }
        state.withLock { $0.report.add(summary, kind: \.items, lines: lines) }
    }

    /// Sends the pending records of one kind with `send` and counts what the service says.
    private func flush<Record>(
        _ pending: inout [(line: UInt64, record: Record)], kind: WritableKeyPath<IngestReport, IngestReport.Counts>,
        send: ([Record]) async throws -> Stylecast_V1_IngestSummary
    ) async throws {
        guard !pending.isEmpty else { return }
        let summary = try await send(pending.map(\.record))
        let lines = pending.map(\.line)
        state.withLock { $0.report.add(summary, kind: kind, lines: lines) }
        pending.removeAll(keepingCapacity: true)
    }
}
