import StylecastProto

/// Myntra's `styles.csv.gz`: one item per row.
///
/// 22 rows of the real file have an unquoted comma inside `productDisplayName`, the last
/// column; their extra trailing fields are joined back into the title with "," and the
/// entry says so.
struct MyntraReader: CheckedRowProducer {
    static let header = [
        "id", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year", "usage",
        "productDisplayName",
    ]
    static let idPrefix = "myntra:"
    static let lastColumnAbsorbsCommas = true
    private static let mapped: Set = ["id", "gender", "articleType", "baseColour", "season", "productDisplayName"]

    let file: CSVFile

    func append(_ row: NamedRow, line: UInt64, repair: String?, to entries: inout [DatasetEntry]) {
        guard !row["id"].isEmpty else {
            entries.append(Rejection.entry(index: line, field: "id", rule: "must not be empty"))
            return
        }
        var item = Stylecast_V1_FashionItem()
        item.itemID = "myntra:" + row["id"]
        item.source = "myntra"
        item.sourceID = row["id"]
        item.title = row["productDisplayName"]
        item.category = row["articleType"]
        item.color = row["baseColour"]
        item.season = row["season"]
        item.gender = row["gender"]
        item.extra = row.extra(excluding: Self.mapped)
        entries.append(.record(.item(item), index: line, repair: repair))
    }
}
