/// The line readers (`DatasetReader` for generic JSON lines, Amazon reviews and Amazon
/// sequences): line framing, UTF-8 checks, gzip, JSON parsing (Foundation and SwiftProtobuf's
/// proto3 JSON mapping) and the mapping to records.
///
/// The first byte picks the reader (`"0"` jsonl, `"1"` Amazon reviews, `"2"` Amazon
/// sequences); the rest is the file.
public struct JSONLinesFuzzTarget: DatasetFileFuzzTarget {
    public static let name = "jsonl"

    static let readers: [DatasetFileReader] = [
        .init(source: .jsonl, fileName: "items.jsonl"),
        .init(source: .amazon, fileName: "fashion_5core.json"),
        .init(source: .amazon, fileName: "clothing_5core_sequences.txt"),
    ]

    let directory: String

    /// Creates the target.
    /// - Parameter scratchDirectory: An existing directory the target may write its input file to.
    public init(scratchDirectory: String) {
        directory = scratchDirectory
    }

    public func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        try runDatasetFile(input)
    }
}
