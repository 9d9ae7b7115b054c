/// A whole CSV file read into memory (plain or gzipped), for the benchmarks and tests that want
/// a table rather than the dataset readers' records: fields split as ``CSVRow`` does (RFC 4180,
/// lenient about stray quotes), records of another width than the header set apart.
public struct CSVTable: Sendable {
    /// The file.
    public let path: String
    /// The header's column names.
    public let header: [String]
    /// Records with exactly as many fields as the header, in file order.
    public let rows: [[String]]
    /// First lines of the records left out: another field count, a field that is not UTF-8 or
    /// too long, an unclosed quote.
    public let malformedLines: [UInt64]

    /// Reads `path`.
    /// - Throws: ``DatasetError`` when the file cannot be read or has no header.
    public init(path: String) throws(DatasetError) {
        let file = try CSVFile(path: path)
        var rows: [[String]] = []
        var malformed: [UInt64] = []
        while let record = try file.next() {
            switch record {
            case .row(let line, let row):
                if row.fields == [""] { continue }
                if row.problem == nil && row.fields.count == file.header.count {
                    rows.append(row.fields)
                } else {
                    malformed.append(line)
                }
            case .unreadable(let line, _, _):
                malformed.append(line)
            }
        }
        self.path = path
        header = file.header
        self.rows = rows
        malformedLines = malformed
    }

    /// The index of column `name`.
    /// - Throws: ``DatasetError/invalidHeader(path:reason:)`` naming the missing column.
    public func column(_ name: String) throws(DatasetError) -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw .invalidHeader(path: path, reason: "has no column \"\(name)\" (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }
}
