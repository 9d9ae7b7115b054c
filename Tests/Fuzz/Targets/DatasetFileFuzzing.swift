#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StylecastDatasets
import StylecastProto
import SwiftProtobuf

/// The dataset readers take paths, so their targets write each input to a file in a scratch
/// directory and read it back through `DatasetReader`, exactly as `stylecast ingest` does
/// (the same file is overwritten by every run).
///
/// The first input byte picks one of the target's files, so that one target covers several
/// readers; the rest is the file's content (which may be gzip: the readers detect it).
struct DatasetFileFuzzing: Sendable {
    /// A reader and the file name that selects it (`DatasetReader` chooses by name).
    struct Reader: Sendable {
        var source: DatasetSource
        var fileName: String
    }

    /// More entries than this from one small input is a runaway reader.
    static let maximumEntries = 1_000_000

    let target: String
    let directory: String
    let readers: [Reader]

    /// The reader an input's first byte picks: `"0"` the first, `"1"` the second, ... (any
    /// byte picks one, modulo the count).
    func reader(for selector: UInt8) -> Reader {
        readers[Int(selector &- UInt8(ascii: "0")) % readers.count]
    }

    func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        guard let selector = input.first else { return .rejected(reason: "empty input selects no reader") }
        let reader = self.reader(for: selector)
        let path = directory + "/" + reader.fileName
        try write(input.dropFirst(), to: path)

        var datasetReader: DatasetReader
        do {
            datasetReader = try DatasetReader(source: reader.source, path: path)
        } catch {
            return try rejection(error)
        }
        var records = 0
        var rejections = 0
        while let entry = datasetReader.next() {
            guard records + rejections < Self.maximumEntries else {
                throw fail("\(reader.fileName): more than \(Self.maximumEntries) entries from \(input.count) bytes")
            }
            try check(entry, reader: reader)
            if entry.record != nil { records += 1 } else { rejections += 1 }
        }
        let summary = "\(reader.fileName): \(records) records, \(rejections) rejections"
        if let failure = datasetReader.failure {
            guard failure.failureKind == .invalidInput else {
                throw fail("\(reader.fileName) stopped with a \(failure.failureKind) error: \(failure)")
            }
            return .rejected(reason: summary + ", then: \(failure)")
        }
        return .accepted(summary: summary)
    }

    private func check(_ entry: DatasetEntry, reader: Reader) throws(FuzzFailure) {
        guard entry.index >= 1 else { throw fail("\(reader.fileName): entry at line \(entry.index)") }
        switch entry.outcome {
        case .rejected(let error):
            // The message ends with "FIELD: RULE", compared scalar by scalar: a field name that
            // starts with a combining mark joins the space before it into one Character.
            guard !error.field.isEmpty, !error.rule.isEmpty, error.index == entry.index,
                error.message.unicodeScalars.reversed().starts(with: "\(error.field): \(error.rule)".unicodeScalars.reversed())
            else {
                throw fail(
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
                    throw fail("\(reader.fileName): item without id or source: \(item.textFormatString())")
                }
                encoded = Result { try item.serializedBytes() }
            case .interaction(let interaction):
                guard !interaction.source.isEmpty, !makesIDs || (!interaction.itemID.isEmpty && !interaction.userID.isEmpty)
                else {
                    throw fail("\(reader.fileName): interaction without item, user or source: \(interaction.textFormatString())")
                }
                encoded = Result { try interaction.serializedBytes() }
            case .signal(let series):
                guard !series.term.isEmpty, !series.source.isEmpty else {
                    throw fail("\(reader.fileName): series without term or source: \(series.textFormatString())")
                }
                encoded = Result { try series.serializedBytes() }
            }
            if case .failure(let error) = encoded { throw fail("a record does not serialize: \(error)") }
        }
    }

    private func rejection(_ error: DatasetError) throws(FuzzFailure) -> FuzzOutcome {
        guard error.failureKind == .invalidInput else {
            throw fail("refused with a \(error.failureKind) error, not invalidInput: \(error)")
        }
        return .rejected(reason: error.description)
    }

    private func fail(_ reason: String) -> FuzzFailure { FuzzFailure(target: target, reason: reason) }

    /// Replaces the file at `path` with `bytes`.
    private func write(_ bytes: ArraySlice<UInt8>, to path: String) throws(FuzzFailure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fail("cannot create \(path) (errno \(errno))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, $0.count - written) }
            guard count > 0 else {
                if count < 0, errno == EINTR { continue }
                throw fail("cannot write \(path) (errno \(errno))")
            }
            written += count
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
