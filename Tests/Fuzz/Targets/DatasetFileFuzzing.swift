import Foundation
import StylecastDatasets
import StylecastProto
import SwiftProtobuf

/// A reader and the file name that selects it (`DatasetReader` chooses by name).
struct DatasetFileReader: Sendable {
    var source: DatasetSource
    var fileName: String
}

/// The dataset readers take paths, so their targets write each input to a file in a scratch
/// directory and read it back through `DatasetReader`, exactly as `stylecast ingest` does
/// (the same file is overwritten by every run).
///
/// The first input byte picks one of the target's files, so that one target covers several
/// readers; the rest is the file's content (which may be gzip: the readers detect it).
protocol DatasetFileFuzzTarget: FuzzTarget {
    /// The readers the first input byte picks from.
    static var readers: [DatasetFileReader] { get }
    /// An existing directory the target writes its input file to.
    var directory: String { get }
}

/// More entries than this from one small input is a runaway reader.
private let maximumEntries = 1_000_000

extension DatasetFileFuzzTarget {
    /// The reader an input's first byte picks: `"0"` the first, `"1"` the second, ... (any
    /// byte picks one, modulo the count).
    func reader(for selector: UInt8) -> DatasetFileReader {
        Self.readers[Int(selector &- UInt8(ascii: "0")) % Self.readers.count]
    }

    /// ``FuzzTarget/run(_:)`` for a dataset target: writes the input's file and reads it back.
    func runDatasetFile(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        guard let selector = input.first else { return .rejected(reason: "empty input selects no reader") }
        let reader = self.reader(for: selector)
        let path = directory + "/" + reader.fileName
        do {
            try Data(input.dropFirst()).write(to: URL(fileURLWithPath: path))
        } catch {
            throw failure("cannot write \(path): \(error)")
        }

        var datasetReader: DatasetReader
        do {
            datasetReader = try DatasetReader(source: reader.source, path: path)
        } catch {
            return try rejection(error)
        }
        var records = 0
        var rejections = 0
        while let entry = datasetReader.next() {
            guard records + rejections < maximumEntries else {
                throw failure("\(reader.fileName): more than \(maximumEntries) entries from \(input.count) bytes")
            }
            try check(entry, reader: reader)
            if entry.record != nil { records += 1 } else { rejections += 1 }
        }
        let summary = "\(reader.fileName): \(records) records, \(rejections) rejections"
        if let stopped = datasetReader.failure {
            guard stopped.failureKind == .invalidInput else {
                throw failure("\(reader.fileName) stopped with a \(stopped.failureKind) error: \(stopped)")
            }
            return .rejected(reason: summary + ", then: \(stopped)")
        }
        return .accepted(summary: summary)
    }

    private func check(_ entry: DatasetEntry, reader: DatasetFileReader) throws(FuzzFailure) {
        guard entry.index >= 1 else { throw failure("\(reader.fileName): entry at line \(entry.index)") }
        switch entry.outcome {
        case .rejected(let error):
            // The message ends with "FIELD: RULE", compared scalar by scalar: a field name that
            // starts with a combining mark joins the space before it into one Character.
            guard !error.field.isEmpty, !error.rule.isEmpty, error.index == entry.index,
                error.message.unicodeScalars.reversed().starts(with: "\(error.field): \(error.rule)".unicodeScalars.reversed())
            else {
                throw failure(
                    "\(reader.fileName): malformed rejection at line \(entry.index): index \(error.index), "
                        + "field \"\(error.field)\", rule \"\(error.rule)\", message \"\(error.message)\"")
            }
        case .record(let record, _):
            // The dataset readers make the ids; generic JSON lines carry their own, which the
            // ingest service validates.
            let makesIDs = reader.source != .jsonl
            let encoded: Result<[UInt8], any Error>
            switch record {
            case .item(let item):
                guard !item.source.isEmpty, !makesIDs || !item.itemID.isEmpty else {
                    throw failure("\(reader.fileName): item without id or source: \(item.textFormatString())")
                }
                encoded = Result { try item.serializedBytes() }
            case .interaction(let interaction):
                guard !interaction.source.isEmpty, !makesIDs || (!interaction.itemID.isEmpty && !interaction.userID.isEmpty)
                else {
                    throw failure("\(reader.fileName): interaction without item, user or source: \(interaction.textFormatString())")
                }
                encoded = Result { try interaction.serializedBytes() }
            case .signal(let series):
                guard !series.term.isEmpty, !series.source.isEmpty else {
                    throw failure("\(reader.fileName): series without term or source: \(series.textFormatString())")
                }
                encoded = Result { try series.serializedBytes() }
            }
            if case .failure(let error) = encoded { throw failure("a record does not serialize: \(error)") }
        }
    }

}
