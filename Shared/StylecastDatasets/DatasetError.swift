import StylecastErrors

/// Why a dataset file cannot be read at all, or stopped being readable part way through.
///
/// Problems with a single record are not errors: they come back as a rejected
/// ``DatasetEntry``. A missing file is ``FailureKind/notFound``, a file the process cannot
/// read is ``FailureKind/unavailable``, anything wrong with the content is
/// ``FailureKind/invalidInput``.
public enum DatasetError: StylecastError, Equatable {
    /// The file or directory does not exist.
    case missingFile(path: String)
    /// The file could not be opened, examined or read (`errno` from the system call).
    case cannotRead(path: String, errno: Int32)
    /// The file name ends in `.gz` but the content does not start with the gzip magic number.
    case notGzip(path: String)
    /// The gzip stream is corrupt or ends before its last member does (truncated file);
    /// `reason` is zlib's message or what was missing.
    case corruptGzip(path: String, reason: String)
    /// The file holds no header line.
    case emptyFile(path: String)
    /// The header line is not the one this source has.
    case wrongHeader(path: String, expected: [String], found: [String])
    /// The header line cannot name the columns: a name that is not valid UTF-8 or over 1 MiB,
    /// or (for a source whose columns are data, such as VISUELLE's search terms) an empty or
    /// repeated name; `reason` says which.
    case invalidHeader(path: String, reason: String)
    /// The file is not one the source knows (e.g. an H&M file other than articles or
    /// transactions); `expected` lists the file names accepted.
    case unknownFile(path: String, source: DatasetSource, expected: [String])
    /// The file is part of the data set but holds neither items, interactions nor signals.
    case notRecords(path: String, reason: String)
    /// The files are there but not what the data set requires (idx magic, dimensions, labels).
    case invalidDataset(path: String, reason: String)

    public var failureKind: FailureKind {
        switch self {
        case .missingFile: .notFound
        case .cannotRead: .unavailable
        default: .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .missingFile(let path): "\(path): no such file or directory"
        case .cannotRead(let path, let errno): "\(path): cannot read (errno \(errno))"
        case .notGzip(let path): "\(path): the name ends in .gz but the content is not gzip"
        case .corruptGzip(let path, let reason): "\(path): gzip data is corrupt: \(reason)"
        case .emptyFile(let path): "\(path): the file is empty (no header line)"
        case .wrongHeader(let path, let expected, let found):
            "\(path): header is \(found.joined(separator: ",")); expected \(expected.joined(separator: ","))"
        case .invalidHeader(let path, let reason): "\(path): header \(reason)"
        case .unknownFile(let path, let source, let expected):
            "\(path): not a \(source.rawValue) file; expected one of \(expected.joined(separator: ", "))"
        case .notRecords(let path, let reason): "\(path): \(reason)"
        case .invalidDataset(let path, let reason): "\(path): \(reason)"
        }
    }
}
