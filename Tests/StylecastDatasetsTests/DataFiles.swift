import Foundation
import StylecastDatasets

/// Where the tests find the shared data, and small files they write themselves.
enum DataFiles {
    /// The package root, found from this file's path (Tests/StylecastDatasetsTests/DataFiles.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `STYLECAST_DATA_DIR`, by default `../shared/data` beside the package.
    static var directory: String {
        ProcessInfo.processInfo.environment["STYLECAST_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot + "/../shared/data"
    }

    /// The path of a data file, e.g. `"myntra/styles.csv.gz"`.
    static func path(_ relative: String) -> String { directory + "/" + relative }

    /// Whether Debian's dataset-fashion-mnist is installed.
    static var hasFashionMNIST: Bool {
        FileManager.default.fileExists(atPath: DatasetReader.fashionMNISTDefaultDirectory + "/train-images-idx3-ubyte.gz")
    }

    /// A fresh directory for files a test writes, removed by the caller.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stylecast-datasets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Everything a reader produced, sorted by kind.
struct ReadResult {
    var items: [(UInt64, String?, StylecastProtoItem)] = []
    var interactions: [(UInt64, StylecastProtoInteraction)] = []
    var signals: [(UInt64, String?, StylecastProtoSeries)] = []
    var rejections: [StylecastProtoRecordError] = []
    var failure: DatasetError?
    var peakBufferCapacity = 0
    var bytesRead: UInt64 = 0
    var totalBytes: UInt64 = 0

    init(source: DatasetSource, path: String) throws {
        var reader = try DatasetReader(source: source, path: path)
        while let entry = reader.next() {
            switch entry.outcome {
            case .record(.item(let item), let repair): items.append((entry.index, repair, item))
            case .record(.interaction(let interaction), _): interactions.append((entry.index, interaction))
            case .record(.signal(let series), let repair): signals.append((entry.index, repair, series))
            case .rejected(let error): rejections.append(error)
            }
        }
        failure = reader.failure
        peakBufferCapacity = reader.peakBufferCapacity
        bytesRead = reader.bytesRead
        totalBytes = reader.totalBytes
    }
}
