/// A CSV file with a header line, read record by record.
final class CSVFile {
    /// One data record.
    enum Record {
        /// A record and its 1-based first line.
        case row(line: UInt64, CSVRow)
        /// A record that could not be read whole, already turned into a rejection.
        case unreadable(line: UInt64, field: String, rule: String)
    }

    let framer: RecordFramer
    /// The column names from the header line (a UTF-8 byte-order mark removed).
    let header: [String]

    /// Opens `path` and reads its header.
    /// - Parameters:
    ///   - path: The CSV file, plain or gzipped.
    ///   - expectedHeader: When given, the exact column names the file must have.
    /// - Throws: ``DatasetError`` for a file that cannot be read, is empty, has a header that is
    ///   not UTF-8 or has another header than `expectedHeader`.
    init(path: String, expectedHeader: [String]? = nil) throws(DatasetError) {
        framer = RecordFramer(input: try InputFile(path: path), quoting: true)
        guard case .record(_, let range, _) = try framer.next() else { throw .emptyFile(path: path) }
        let row = framer.storage.withUnsafeBufferPointer { CSVRow(UnsafeBufferPointer(rebasing: $0[range])) }
        if let (field, problem) = row.problem {
            throw .invalidHeader(path: path, reason: "column \(field + 1): \(problem.rule)")
        }
        var fields = row.fields
        if let first = fields.first, first.hasPrefix("\u{FEFF}") { fields[0].removeFirst() }
        if let expectedHeader, fields != expectedHeader {
            throw .wrongHeader(path: path, expected: expectedHeader, found: fields)
        }
        header = fields
    }

    /// The path of the file.
    var path: String { framer.input.path }

    /// The next data record, or `nil` at the end of the file.
    /// - Throws: ``DatasetError`` when the file stops being readable (truncated gzip, I/O).
    func next() throws(DatasetError) -> Record? {
        switch try framer.next() {
        case nil:
            return nil
        case .tooLong(let line):
            return .unreadable(
                line: line, field: "record",
                rule: "record longer than \(framer.maximumRecordSize >> 20) MiB (unclosed quote?)")
        case .record(let line, let range, let unclosedQuote):
            if unclosedQuote {
                return .unreadable(line: line, field: "record", rule: "quoted field must be closed before the end of the file")
            }
            let row = framer.storage.withUnsafeBufferPointer { CSVRow(UnsafeBufferPointer(rebasing: $0[range])) }
            return .row(line: line, row)
        }
    }
}
