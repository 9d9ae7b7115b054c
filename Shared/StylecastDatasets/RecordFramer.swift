/// Splits the plain bytes of an ``InputFile`` into records: lines, or CSV records whose
/// quoted fields may hold newlines (RFC 4180). Keeps the physical line count.
///
/// Memory stays flat: bytes are read 64 KiB at a time and dropped once their record is handed
/// out, so the buffer holds one record plus one chunk. A record longer than
/// ``maximumRecordSize`` (a runaway quoted field, a file without newlines) is dropped as it
/// streams past and reported as ``Framed/tooLong(firstLine:)``; reading resumes after the next
/// newline.
final class RecordFramer {
    /// The longest record kept in memory: 16 MiB.
    static let defaultMaximumRecordSize = 16 << 20

    /// One framed record.
    enum Framed {
        /// The bytes `storage[range]` (terminator and a trailing CR removed), valid until the
        /// next call. `unclosedQuote` is set when the file ended inside a quoted field.
        case record(firstLine: UInt64, range: Range<Int>, unclosedQuote: Bool)
        /// The record was longer than the bound and has been skipped.
        case tooLong(firstLine: UInt64)
    }

    /// Where the scanner is within a CSV record, kept across refills.
    private enum QuoteState {
        case fieldStart, unquoted, quoted, quotedSawQuote
    }

    let input: InputFile
    /// Whether double quotes group fields (CSV) or are ordinary bytes (lines).
    let quoting: Bool
    let maximumRecordSize: Int
    /// The buffered plain bytes; `storage[start...]` is not yet handed out.
    private(set) var storage: [UInt8] = []
    private var start = 0
    /// The line number of `storage[start]`.
    private var line: UInt64 = 1
    /// The largest capacity `storage` has had: the reader's memory high-water mark.
    private(set) var peakCapacity = 0

    /// - Parameters:
    ///   - input: The file.
    ///   - quoting: `true` for CSV, `false` for plain lines.
    ///   - maximumRecordSize: The record bound in bytes.
    init(input: InputFile, quoting: Bool, maximumRecordSize: Int = defaultMaximumRecordSize) {
        self.input = input
        self.quoting = quoting
        self.maximumRecordSize = maximumRecordSize
        storage.reserveCapacity(2 * InputFile.chunkSize)
        peakCapacity = storage.capacity
    }

    /// The next non-blank record, or `nil` at the end of the file.
    /// - Throws: The input's ``DatasetError`` (corrupt or truncated gzip, I/O error).
    func next() throws(DatasetError) -> Framed? {
        while true {
            guard let framed = try nextRecord() else { return nil }
            if case .record(_, let range, let unclosed) = framed, range.isEmpty, !unclosed { continue }
            return framed
        }
    }

    private func nextRecord() throws(DatasetError) -> Framed? {
        var scanned = 0
        var state = QuoteState.fieldStart
        var newlines: UInt64 = 0
        while true {
            if let end = scan(from: start + scanned, state: &state, newlines: &newlines) {
                let firstLine = line
                line += newlines + 1
                let range = start..<trimmingCR(end)
                start = end + 1
                return .record(firstLine: firstLine, range: range, unclosedQuote: false)
            }
            scanned = storage.count - start
            if scanned > maximumRecordSize {
                return .tooLong(firstLine: try skipLongRecord())
            }
            // Reading at least as much as is pending keeps rescans linear for long records.
            if try refill(minimum: max(InputFile.chunkSize, scanned)) == 0 {
                guard storage.count > start else { return nil }
                let firstLine = line
                line += newlines
                let range = start..<trimmingCR(storage.count)
                start = storage.count
                return .record(firstLine: firstLine, range: range, unclosedQuote: state == .quoted)
            }
        }
    }

    /// `end`, moved back over a carriage return that precedes it.
    private func trimmingCR(_ end: Int) -> Int {
        end > start && storage[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
    }

    /// The index of the newline ending the record, scanning from `from`; `nil` when the
    /// buffered bytes end first (state and newline count then describe the bytes scanned).
    private func scan(from: Int, state: inout QuoteState, newlines: inout UInt64) -> Int? {
        storage.withUnsafeBufferPointer { bytes in
            let newline = UInt8(ascii: "\n")
            let quote = UInt8(ascii: "\"")
            let comma = UInt8(ascii: ",")
            var index = from
            let end = bytes.count
            guard quoting else {
                while index < end {
                    if bytes[index] == newline { return index }
                    index += 1
                }
                return nil
            }
            while index < end {
                let byte = bytes[index]
                switch state {
                case .fieldStart, .unquoted, .quotedSawQuote:
                    if state == .quotedSawQuote, byte == quote {
                        state = .quoted
                    } else if byte == newline {
                        return index
                    } else if byte == comma {
                        state = .fieldStart
                    } else if byte == quote, state == .fieldStart {
                        state = .quoted
                    } else {
                        // A quote inside an unquoted field is an ordinary byte (lenient, as
                        // Python's csv module reads `3.5" Pink Short`).
                        state = .unquoted
                    }
                case .quoted:
                    if byte == quote {
                        state = .quotedSawQuote
                    } else if byte == newline {
                        newlines += 1
                    }
                }
                index += 1
            }
            return nil
        }
    }

    /// Drops the record at `start`, which is longer than the bound: everything up to the
    /// first newline after its first ``maximumRecordSize`` bytes, quotes ignored (a runaway
    /// quote would otherwise swallow the rest of the file). Counts the lines dropped.
    /// - Returns: The line the dropped record started on.
    private func skipLongRecord() throws(DatasetError) -> UInt64 {
        let firstLine = line
        var from = start + maximumRecordSize
        while true {
            if from < storage.count, let newline = storage[from...].firstIndex(of: UInt8(ascii: "\n")) {
                line += countNewlines(storage[start...newline])
                // A fresh, small array: the long record's capacity is given back.
                storage = Array(storage[(newline + 1)...])
                start = 0
                return firstLine
            }
            line += countNewlines(storage[start...])
            storage = []
            start = 0
            from = 0
            if try input.read(appendingTo: &storage) == 0 { return firstLine }
        }
    }

    private func countNewlines(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            var count: UInt64 = 0
            for byte in buffer where byte == UInt8(ascii: "\n") { count += 1 }
            return count
        }
    }

    /// Drops handed-out bytes, then appends at least `minimum` bytes unless the file ends.
    /// - Returns: The number of bytes appended.
    private func refill(minimum: Int) throws(DatasetError) -> Int {
        if start > 0 {
            storage.removeSubrange(0..<start)
            start = 0
        }
        var added = 0
        while added < minimum {
            let count = try input.read(appendingTo: &storage)
            if count == 0 { break }
            added += count
        }
        peakCapacity = max(peakCapacity, storage.capacity)
        return added
    }
}
