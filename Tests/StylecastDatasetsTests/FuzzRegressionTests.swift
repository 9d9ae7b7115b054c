import Foundation
import StylecastFuzzTargets
import Testing

/// Every committed CSV and JSON-lines fuzz input (seed corpus and the inputs that once broke a
/// reader) is read through `DatasetReader` by the fuzz targets: records and rejections that
/// keep the readers' rules, or a typed invalid-input error.
@Suite("Fuzz regressions: CSV and JSON-lines readers")
struct DatasetsFuzzRegressionTests {
    @Test("each CSV fuzz input gives well-formed records and rejections, or is refused as invalid input", arguments: FuzzTargets.committedInputs(of: CSVFuzzTarget.name))
    func csvInput(_ path: String) throws {
        let directory = try DataFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try CSVFuzzTarget(scratchDirectory: directory).run(FuzzTargets.contents(of: path))
    }

    @Test("each JSON-lines fuzz input gives well-formed records and rejections, or is refused as invalid input", arguments: FuzzTargets.committedInputs(of: JSONLinesFuzzTarget.name))
    func jsonLinesInput(_ path: String) throws {
        let directory = try DataFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try JSONLinesFuzzTarget(scratchDirectory: directory).run(FuzzTargets.contents(of: path))
    }

    @Test func theSeedCorpusHoldsAFileEachReaderAccepts() throws {
        let directory = try DataFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = try FuzzTargets.committedInputs(of: CSVFuzzTarget.name).filter { $0.hasPrefix("Corpus/") }.map {
            try CSVFuzzTarget(scratchDirectory: directory).run(FuzzTargets.contents(of: $0))
        }
        let jsonl = try FuzzTargets.committedInputs(of: JSONLinesFuzzTarget.name).filter { $0.hasPrefix("Corpus/") }.map {
            try JSONLinesFuzzTarget(scratchDirectory: directory).run(FuzzTargets.contents(of: $0))
        }
        #expect(csv.count == 8 && csv.allSatisfy(\.isAccepted), "\(csv)")
        #expect(jsonl.count == 4 && jsonl.allSatisfy(\.isAccepted), "\(jsonl)")
    }
}
