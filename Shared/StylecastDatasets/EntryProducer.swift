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
