/// One source's reader behind ``DatasetReader``: turns its file into entries.
protocol EntryProducer {
    /// Appends the entries of the next record (or records) of the file to `entries`.
    /// - Returns: `false` at the end of the file, when nothing was appended.
    /// - Throws: ``DatasetError`` when the file stops being readable.
    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool

    /// File bytes consumed so far (compressed bytes for gzip).
    var bytesRead: UInt64 { get }
    /// The size of the file (or files).
    var totalBytes: UInt64 { get }
    /// The largest capacity of the read buffer so far, in bytes.
    var peakBufferCapacity: Int { get }
}

extension CSVFile {
    /// Column name to index.
    var columnIndex: [String: Int] {
        Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A producer reading one file through a ``RecordFramer``.
protocol FramedProducer: EntryProducer {
    var framer: RecordFramer { get }
}

extension FramedProducer {
    var bytesRead: UInt64 { framer.input.bytesRead }
    var totalBytes: UInt64 { framer.input.totalBytes }
    var peakBufferCapacity: Int { framer.peakCapacity }
}

/// A producer over a file read line by line (no quoting): each non-blank line goes to
/// ``append(_:line:to:)``, or is appended as its rejection when it is not valid UTF-8 or is
/// longer than the bound.
protocol LineProducer: FramedProducer {
    init(framer: RecordFramer)
    /// Appends the entries of the non-blank line `text`, the file's line `line`, to `entries`.
    mutating func append(_ text: String, line: UInt64, to entries: inout [DatasetEntry])
}

extension LineProducer {
    /// Opens `path`, plain or gzipped.
    init(path: String) throws(DatasetError) {
        self.init(framer: RecordFramer(input: try InputFile(path: path), quoting: false))
    }

    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool {
        while true {
            switch try framer.next() {
            case nil:
                return false
            case .tooLong(let line):
                entries.append(
                    Rejection.entry(
                        index: line, field: "line", rule: "line longer than \(framer.maximumRecordSize >> 20) MiB"))
            case .record(let line, let range, _):
                let text = framer.storage.withUnsafeBufferPointer {
                    String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
                }
                guard let text else {
                    entries.append(Rejection.entry(index: line, field: "line", rule: "must be valid UTF-8"))
                    return true
                }
                if text.allSatisfy(\.isWhitespace) { continue }
                append(text, line: line, to: &entries)
            }
            return true
        }
    }
}

/// A producer over a ``CSVFile`` with a fixed ``header``: a row that fails
/// ``CSVFile/nextChecked(idColumn:idPrefix:lastColumnAbsorbsCommas:)`` is appended as its
/// rejection, the others go to ``append(_:line:repair:to:)``.
protocol CheckedRowProducer: FramedProducer {
    static var header: [String] { get }
    /// The arguments of `nextChecked`; `idColumn` is 0 and `lastColumnAbsorbsCommas` `false`
    /// by default.
    static var idColumn: Int { get }
    static var idPrefix: String { get }
    static var lastColumnAbsorbsCommas: Bool { get }
    var file: CSVFile { get }
    init(file: CSVFile)
    /// Appends the entries of `row`, which starts on line `line`, to `entries`; `repair` is the
    /// rule applied when the row was repaired.
    mutating func append(_ row: NamedRow, line: UInt64, repair: String?, to entries: inout [DatasetEntry])
}

extension CheckedRowProducer {
    static var idColumn: Int { 0 }
    static var lastColumnAbsorbsCommas: Bool { false }
    var framer: RecordFramer { file.framer }

    /// Opens `path`, plain or gzipped, and checks its header.
    init(path: String) throws(DatasetError) {
        self.init(file: try CSVFile(path: path, expectedHeader: Self.header))
    }

    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool {
        let checked = try file.nextChecked(
            idColumn: Self.idColumn, idPrefix: Self.idPrefix, lastColumnAbsorbsCommas: Self.lastColumnAbsorbsCommas)
        switch checked {
        case nil:
            return false
        case .rejected(let entry):
            entries.append(entry)
        case .row(let line, let row, let repair):
            append(row, line: line, repair: repair, to: &entries)
        }
        return true
    }
}
