import StylecastProto

/// Myntra's `styles.csv.gz`: one item per row.
///
/// 22 rows of the real file have an unquoted comma inside `productDisplayName`, the last
/// column; their extra trailing fields are joined back into the title with "," and the
/// entry says so.
struct MyntraReader: FramedProducer {
    static let header = [
        "id", "gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "year", "usage",
        "productDisplayName",
    ]
    private static let mapped: Set = ["id", "gender", "articleType", "baseColour", "season", "productDisplayName"]

    let file: CSVFile
    var framer: RecordFramer { file.framer }

    init(path: String) throws(DatasetError) {
        file = try CSVFile(path: path, expectedHeader: Self.header)
    }

    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool {
        guard let checked = try file.nextChecked(idColumn: 0, idPrefix: "myntra:", lastColumnAbsorbsCommas: true)
        else { return false }
        switch checked {
        case .rejected(let entry):
            entries.append(entry)
        case .row(let line, let row, let repair):
            guard !row["id"].isEmpty else {
                entries.append(Rejection.entry(index: line, field: "id", rule: "must not be empty"))
                return true
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
        return true
    }
}
