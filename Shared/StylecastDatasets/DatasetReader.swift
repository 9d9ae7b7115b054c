#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the canonical records of one dataset file, one ``DatasetEntry`` at a time.
///
/// Files are read in 64 KiB chunks and gunzipped on the fly, so memory stays flat however big
/// the file is (Fashion-MNIST, read through the idx loader, holds one split in memory). Bad
/// records come back as rejected entries and reading goes on. A failure of the file itself
/// part way through (truncated or corrupt gzip, an I/O error) ends the sequence: ``next()``
/// then returns `nil` and ``failure`` says why; ``nextEntry()`` throws it instead.
///
/// ```swift
/// var reader = try DatasetReader(source: .myntra, path: "data/myntra/styles.csv.gz")
/// for entry in reader { ... }   // iterates a copy: check `failure` on a var you call next() on
/// ```
public struct DatasetReader: Sequence, IteratorProtocol {
    /// The source being read.
    public let source: DatasetSource
    /// The file (or, for Fashion-MNIST, directory) being read.
    public let path: String
    /// Why iteration stopped before the end of the file; `nil` while reading and after a
    /// complete read.
    public private(set) var failure: DatasetError?

    private var producer: any EntryProducer
    private var pending: [DatasetEntry] = []
    private var pendingIndex = 0
    private var finished = false

    /// Opens a dataset file and checks what can be checked up front (the file exists, gzip
    /// magic when the name ends in `.gz`, the header line).
    /// - Parameters:
    ///   - source: Which data set the file belongs to.
    ///   - path: The file. A directory is accepted where the data set has one obvious file in it
    ///     (myntra, gtrends, reviews) and for fmnist, whose directory holds the four idx files;
    ///     an empty path for fmnist means ``fashionMNISTDefaultDirectory``.
    /// - Throws: ``DatasetError`` for a missing or unreadable file, a wrong header, a file the
    ///   source does not know, or a file holding no records (H&M customers).
    public init(source: DatasetSource, path: String) throws(DatasetError) {
        self.source = source
        self.path = path
        producer = try Self.producer(source: source, path: path)
    }

    /// The next entry, or `nil` at the end of the file or after a failure (see ``failure``).
    public mutating func next() -> DatasetEntry? {
        do {
            return try nextEntry()
        } catch {
            failure = error
            return nil
        }
    }

    /// The next entry, or `nil` at the end of the file.
    /// - Throws: ``DatasetError`` when the file stops being readable part way through; the
    ///   entries returned before it are valid.
    public mutating func nextEntry() throws(DatasetError) -> DatasetEntry? {
        while pendingIndex == pending.count {
            if finished { return nil }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            do {
                if try !producer.produce(into: &pending) { finished = true }
            } catch {
                finished = true
                throw error
            }
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// File bytes consumed so far (compressed bytes for a gzip file), for a progress bar.
    public var bytesRead: UInt64 { producer.bytesRead }
    /// The file's size in bytes (for Fashion-MNIST, the four files together).
    public var totalBytes: UInt64 { producer.totalBytes }
    /// The largest capacity the read buffer has had, in bytes: stays near 128 KiB plus the
    /// longest record, whatever the file size.
    package var peakBufferCapacity: Int { producer.peakBufferCapacity }

    /// Where `dataset-fashion-mnist` installs Fashion-MNIST.
    public static let fashionMNISTDefaultDirectory = "/usr/share/datasets/fashion-mnist"
}

extension DatasetReader {
    private static func producer(source: DatasetSource, path: String) throws(DatasetError) -> any EntryProducer {
        if source == .fmnist {
            let directory = path.isEmpty ? fashionMNISTDefaultDirectory : path
            guard let kind = fileKind(directory) else { throw .missingFile(path: directory) }
            return try FashionMNISTReader(directory: kind == .directory ? directory : parent(of: directory))
        }
        guard let kind = fileKind(path) else { throw .missingFile(path: path) }
        let defaultFile: [DatasetSource: String] = [
            .myntra: "styles.csv.gz", .gtrends: "covid19_fashion_weekly.csv.gz",
            .reviews: "womens_clothing_reviews.csv.gz",
        ]
        var file = path
        if kind == .directory {
            guard let name = defaultFile[source] else {
                throw .unknownFile(path: path, source: source, expected: expectedFiles(source))
            }
            file = path + "/" + name
        }
        let name = baseName(file)
        switch source {
        case .myntra: return try MyntraReader(path: file)
        case .gtrends: return try GoogleTrendsReader(path: file)
        case .reviews: return try WomensReviewsReader(path: file)
        case .jsonl: return try JSONLinesReader(path: file)
        case .hm:
            if name.hasPrefix("articles") { return try HMArticlesReader(path: file) }
            if name.hasPrefix("transactions") { return try HMTransactionsReader(path: file) }
            if name.hasPrefix("customers") {
                throw .notRecords(path: file, reason: "customers are not items or interactions; read articles or transactions")
            }
        case .visuelle:
            if name == "gtrends" { return try VisuelleTrendsReader(path: file) }
            if name == "train" || name == "test" { return try VisuelleProductsReader(path: file) }
        case .amazon:
            if name.contains("sequences") { return try AmazonSequencesReader(path: file) }
            if file.hasSuffix(".json") || file.hasSuffix(".json.gz") { return try AmazonReviewsReader(path: file) }
        case .fmnist:
            break
        }
        throw .unknownFile(path: file, source: source, expected: expectedFiles(source))
    }

    private static func expectedFiles(_ source: DatasetSource) -> [String] {
        switch source {
        case .myntra: ["styles.csv.gz"]
        case .hm: ["articles*.csv[.gz]", "transactions*.csv[.gz]"]
        case .visuelle: ["train.csv", "test.csv", "gtrends.csv"]
        case .gtrends: ["covid19_fashion_weekly.csv.gz"]
        case .amazon: ["*.json[.gz] (reviews)", "*sequences*.txt[.gz]"]
        case .reviews: ["womens_clothing_reviews.csv.gz"]
        case .fmnist: ["a directory with the four idx .gz files"]
        case .jsonl: ["a .jsonl file"]
        }
    }

    private enum FileKind { case file, directory }

    private static func fileKind(_ path: String) -> FileKind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (status.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }

    /// The file name without its directory and without `.gz` and one further extension.
    static func baseName(_ path: String) -> String {
        var name = String(path.split(separator: "/").last ?? "")
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        return name
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
