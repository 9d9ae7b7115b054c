/// A file read line by line (no quoting), each line checked to be valid UTF-8.
struct LineFile {
    /// One non-blank line.
    enum Line {
        /// The line's text and its 1-based line number.
        case text(line: UInt64, String)
        /// The line's rejection (invalid UTF-8, longer than the bound).
        case rejected(DatasetEntry)
    }

    let framer: RecordFramer

    /// Opens `path`, plain or gzipped.
    init(path: String) throws(DatasetError) {
        framer = RecordFramer(input: try InputFile(path: path), quoting: false)
    }

    /// The next non-blank line, or `nil` at the end of the file.
    /// - Throws: ``DatasetError`` when the file stops being readable.
    func next() throws(DatasetError) -> Line? {
        while true {
            switch try framer.next() {
            case nil:
                return nil
            case .tooLong(let line):
                return .rejected(
                    Rejection.entry(
                        index: line, field: "line", rule: "line longer than \(framer.maximumRecordSize >> 20) MiB"))
            case .record(let line, let range, _):
                let text = framer.storage.withUnsafeBufferPointer {
                    String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
                }
                guard let text else {
                    return .rejected(Rejection.entry(index: line, field: "line", rule: "must be valid UTF-8"))
                }
                if text.allSatisfy(\.isWhitespace) { continue }
                return .text(line: line, text)
            }
        }
    }
}
