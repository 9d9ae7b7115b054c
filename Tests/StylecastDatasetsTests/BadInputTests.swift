import Foundation
import StylecastDatasets
import Testing

/// Small hostile files: each defect costs its own record, or ends the file with an error that
/// names it, and nothing else is lost.
@Suite("Bad input")
struct BadInputTests {
    static let myntraHeader = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"

    /// Writes `bytes` to a fresh file named `name`, gzipped when the name ends in `.gz`.
    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = try DataFiles.temporaryDirectory()
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if name.hasSuffix(".gz") {
            let plain = directory + "/plain"
            try FileManager.default.moveItem(atPath: path, toPath: plain)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "gzip -c \"$0\" > \"$1\"", plain, path]
            try process.run()
            process.waitUntilExit()
        }
        return path
    }

    static func myntraRow(_ id: Int, title: String = "Plain Shirt") -> String {
        "\(id),Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,\(title)\n"
    }

    @Test func aRowWithTooFewFieldsIsRejectedNamingTheCount() throws {
        let path = try Self.file("styles.csv.gz", Array((Self.myntraHeader + Self.myntraRow(1) + "2,Men,Apparel,Topwear,Shirts\n" + Self.myntraRow(3)).utf8))
        let result = try ReadResult(source: .myntra, path: path)
        #expect(result.items.map(\.2.itemID) == ["myntra:1", "myntra:3"])
        let rejection = try #require(result.rejections.first)
        #expect(result.rejections.count == 1)
        #expect(rejection.index == 3)
        #expect(rejection.recordID == "myntra:2")
        #expect(rejection.field == "row")
        #expect(rejection.rule == "must have 10 fields, found 5")
        #expect(rejection.message == "line 3 (myntra:2): row: must have 10 fields, found 5")
        #expect(result.items[1].0 == 4)
    }

    @Test func invalidUTF8RejectsTheRecordNamingTheField() throws {
        var bytes = Array((Self.myntraHeader + Self.myntraRow(1)).utf8)
        bytes += Array("2,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Bad ".utf8) + [0xFF, 0xFE] + Array(" Shirt\n".utf8)
        bytes += Array(Self.myntraRow(3).utf8)
        let result = try ReadResult(source: .myntra, path: try Self.file("styles.csv", bytes))
        #expect(result.items.count == 2)
        let rejection = try #require(result.rejections.first)
        #expect(rejection.index == 3)
        #expect(rejection.recordID == "myntra:2")
        #expect(rejection.field == "productDisplayName")
        #expect(rejection.rule == "must be valid UTF-8")
    }

    @Test func aTenMegabyteFieldIsRejectedAndTheNextRowRead() throws {
        let big = String(repeating: "x", count: 10 << 20)
        let text = Self.myntraHeader + Self.myntraRow(1) + Self.myntraRow(2, title: "\"\(big)\"") + Self.myntraRow(3)
        let result = try ReadResult(source: .myntra, path: try Self.file("styles.csv.gz", Array(text.utf8)))
        #expect(result.failure == nil)
        #expect(result.items.map(\.2.itemID) == ["myntra:1", "myntra:3"])
        let rejection = try #require(result.rejections.first)
        #expect(rejection.recordID == "myntra:2")
        #expect(rejection.field == "productDisplayName")
        #expect(rejection.rule == "field longer than 1 MiB")
    }

    @Test func aRunawayQuoteIsCutAtSixteenMegabytesAndReadingResumes() throws {
        // An unclosed quote swallows 20 MB of lines; the record bound stops it.
        let filler = String(repeating: String(repeating: "y", count: 99) + "\n", count: 200_000)
        let text = Self.myntraHeader + Self.myntraRow(1) + Self.myntraRow(2, title: "\"open") + filler + "\n"
            + Self.myntraRow(3) + Self.myntraRow(4)
        let result = try ReadResult(source: .myntra, path: try Self.file("styles.csv.gz", Array(text.utf8)))
        #expect(result.failure == nil)
        #expect(result.items.first?.2.itemID == "myntra:1")
        #expect(result.items.suffix(2).map(\.2.itemID) == ["myntra:3", "myntra:4"])
        #expect(result.items.suffix(2).map(\.0) == [200_005, 200_006])
        let first = try #require(result.rejections.first)
        #expect(first.index == 3)
        #expect(first.rule.contains("longer than 16 MiB"))
        #expect(result.peakBufferCapacity < 64 << 20)
    }

    @Test func aQuotedNewlineStaysInTheFieldAndLinesAreCountedPhysically() throws {
        let text = Self.myntraHeader + Self.myntraRow(1, title: "\"Two\r\nline, \"\"quoted\"\" title\"")
            .replacingOccurrences(of: "\n", with: "\r\n", options: .anchored) + Self.myntraRow(2)
        let result = try ReadResult(source: .myntra, path: try Self.file("styles.csv", Array(text.utf8)))
        #expect(result.rejections.isEmpty)
        #expect(result.items.map(\.2.title) == ["Two\r\nline, \"quoted\" title", "Plain Shirt"])
        #expect(result.items.map(\.0) == [2, 4])
    }

    @Test func aTruncatedGzipFailsNamingTheFileAfterTheRecordsBeforeIt() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: DataFiles.path("myntra/styles.csv.gz")))
        let path = try Self.file("styles.csv", Array(whole.prefix(whole.count / 2)))
        let result = try ReadResult(source: .myntra, path: path)
        #expect(result.items.count > 10_000)
        #expect(result.items.count < 44_446)
        let failure = try #require(result.failure)
        guard case .corruptGzip(let failedPath, _) = failure else {
            Issue.record("expected corruptGzip, got \(failure)")
            return
        }
        #expect(failedPath == path)
        #expect(failure.description.hasPrefix(path))
        var reader = try DatasetReader(source: .myntra, path: path)
        #expect(throws: DatasetError.self) { while try reader.nextEntry() != nil {} }
    }

    @Test func aWrongHeaderOrAFakeGzipIsAFileLevelError() throws {
        let wrong = try Self.file("styles.csv", Array("id,name\n1,x\n".utf8))
        #expect {
            try DatasetReader(source: .myntra, path: wrong)
        } throws: { error in
            guard case DatasetError.wrongHeader(let path, _, let found) = error else { return false }
            return path == wrong && found == ["id", "name"]
        }
        let fake = try Self.file("plain.csv", Array(Self.myntraHeader.utf8))
        let renamed = fake + ".gz"
        try FileManager.default.moveItem(atPath: fake, toPath: renamed)
        #expect(throws: DatasetError.notGzip(path: renamed)) { try DatasetReader(source: .myntra, path: renamed) }
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/styles.csv.gz")) {
            try DatasetReader(source: .myntra, path: "/nonexistent/styles.csv.gz")
        }
    }

    @Test func aHeaderThatCannotNameItsColumnsIsAFileLevelError() throws {
        let notUTF8 = try Self.file("gtrends.csv", Array("date,floral,long".utf8) + [0x9E] + Array(" sleeve\n2016-12-05,1,2\n".utf8))
        #expect(throws: DatasetError.invalidHeader(path: notUTF8, reason: "column 3: must be valid UTF-8")) {
            try DatasetReader(source: .visuelle, path: notUTF8)
        }
        let empty = try Self.file("gtrends.csv", Array("date,floral,,lace\n2016-12-05,1,2,3\n".utf8))
        #expect(throws: DatasetError.invalidHeader(path: empty, reason: "column 3: search term must not be empty")) {
            try DatasetReader(source: .visuelle, path: empty)
        }
        let repeated = try Self.file("gtrends.csv", Array("date,lace,floral,lace\n2016-12-05,1,2,3\n".utf8))
        #expect(throws: DatasetError.invalidHeader(path: repeated, reason: "column 4: search term \"lace\" appears twice")) {
            try DatasetReader(source: .visuelle, path: repeated)
        }
    }

    @Test func concatenatedGzipMembersAreOneFile() throws {
        let first = try Data(contentsOf: URL(fileURLWithPath: try Self.file("a.gz", Array((Self.myntraHeader + Self.myntraRow(1)).utf8))))
        let second = try Data(contentsOf: URL(fileURLWithPath: try Self.file("b.gz", Array(Self.myntraRow(2).utf8))))
        let path = try Self.file("styles.csv", Array(first + second))
        let result = try ReadResult(source: .myntra, path: path)
        #expect(result.failure == nil)
        #expect(result.items.map(\.2.itemID) == ["myntra:1", "myntra:2"])
    }
}
