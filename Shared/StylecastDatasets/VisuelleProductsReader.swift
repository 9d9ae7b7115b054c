import StylecastProto

/// VISUELLE's `train.csv` / `test.csv`: one item per product, market "IT" (Nunalie, the
/// company behind the data set, is an Italian fast-fashion retailer).
///
/// The title is built from the attributes ("<color> <fabric> <category>"); the twelve weekly
/// sales columns `0`..`11` are kept, as in the file (normalised; x1065 = units; a few are
/// negative, returns exceeding sales), joined with
/// "," in `extra["weekly_sales"]`, beside `extra["split"]` (the file name without `.csv`).
struct VisuelleProductsReader: CheckedRowProducer {
    /// The market of every VISUELLE record.
    static let market = "IT"
    static let salesColumns = (0..<12).map(String.init)
    static let header =
        salesColumns + [
            "external_code", "season", "category", "release_date", "day", "week", "month", "year", "image_path",
            "color", "fabric", "extra",
        ]
    private static let mapped = Set(salesColumns + ["external_code", "season", "category", "release_date", "color", "fabric"])
    static let idColumn = 12
    static let idPrefix = "visuelle:"

    let file: CSVFile
    /// The file name without `.csv`: "train" or "test".
    let split: String

    init(file: CSVFile) {
        self.file = file
        split = DatasetReader.baseName(file.path)
    }

    func append(_ row: NamedRow, line: UInt64, repair: String?, to entries: inout [DatasetEntry]) {
        do {
            entries.append(.record(.item(try item(row)), index: line))
        } catch {
            let id = row["external_code"].isEmpty ? "" : "visuelle:" + row["external_code"]
            entries.append(Rejection.entry(index: line, recordID: id, field: error.field, rule: error.rule))
        }
    }

    private func item(_ row: NamedRow) throws(FieldFailure) -> Stylecast_V1_FashionItem {
        var item = Stylecast_V1_FashionItem()
        item.sourceID = try row.required("external_code")
        item.itemID = "visuelle:" + item.sourceID
        item.source = "visuelle"
        item.market = Self.market
        item.category = row["category"]
        item.color = row["color"]
        item.fabric = row["fabric"]
        item.season = row["season"]
        item.releaseDate = try row.date("release_date").iso
        item.title = [item.color, item.fabric, item.category].filter { !$0.isEmpty }.joined(separator: " ")
        for column in Self.salesColumns {
            _ = try row.number(column, in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        }
        var extra = row.extra(excluding: Self.mapped)
        extra["split"] = split
        extra["weekly_sales"] = Self.salesColumns.map { row[$0] }.joined(separator: ",")
        item.extra = extra
        return item
    }
}
