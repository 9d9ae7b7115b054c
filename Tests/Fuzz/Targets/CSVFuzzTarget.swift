/// The CSV readers (`DatasetReader` for myntra, hm articles and transactions, visuelle products
/// and trends, gtrends, reviews): the record framer, RFC 4180 fields, UTF-8 checks, gzip, and
/// each source's mapping. Any file either gives records and per-record rejections, or is
/// refused with a typed invalid-input ``StylecastDatasets/DatasetError``.
///
/// The first byte picks the reader: `"0"` myntra, `"1"` hm articles, `"2"` hm transactions,
/// `"3"` visuelle products, `"4"` visuelle trends, `"5"` gtrends, `"6"` reviews; the rest is the
/// file.
public struct CSVFuzzTarget: DatasetFileFuzzTarget {
    public static let name = "csv"

    static let readers: [DatasetFileReader] = [
        .init(source: .myntra, fileName: "styles.csv"),
        .init(source: .hm, fileName: "articles.csv"),
        .init(source: .hm, fileName: "transactions.csv"),
        .init(source: .visuelle, fileName: "train.csv"),
        .init(source: .visuelle, fileName: "gtrends.csv"),
        .init(source: .gtrends, fileName: "covid19_fashion_weekly.csv"),
        .init(source: .reviews, fileName: "womens_clothing_reviews.csv"),
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
