import StylecastProto

/// H&M's `articles_train.csv.gz`: one item per article.
struct HMArticlesReader: CheckedRowProducer {
    static let header = [
        "article_id", "product_code", "prod_name", "product_type_no", "product_type_name", "product_group_name",
        "graphical_appearance_no", "graphical_appearance_name", "colour_group_code", "colour_group_name",
        "perceived_colour_value_id", "perceived_colour_value_name", "perceived_colour_master_id",
        "perceived_colour_master_name", "department_no", "department_name", "index_code", "index_name",
        "index_group_no", "index_group_name", "section_no", "section_name", "garment_group_no",
        "garment_group_name", "detail_desc",
    ]
    static let idPrefix = "hm:"
    private static let mapped: Set = [
        "article_id", "prod_name", "product_type_name", "colour_group_name", "detail_desc",
    ]
    /// `index_group_name` to gender; "Divided" (the young line) and "Sport" span genders.
    private static let genders = ["Ladieswear": "Women", "Menswear": "Men", "Baby/Children": "Kids"]

    let file: CSVFile

    func append(_ row: NamedRow, line: UInt64, repair: String?, to entries: inout [DatasetEntry]) {
        guard !row["article_id"].isEmpty else {
            entries.append(Rejection.entry(index: line, field: "article_id", rule: "must not be empty"))
            return
        }
        var item = Stylecast_V1_FashionItem()
        item.itemID = "hm:" + row["article_id"]
        item.source = "hm"
        item.sourceID = row["article_id"]
        item.title = row["prod_name"]
        item.category = row["product_type_name"]
        item.color = row["colour_group_name"]
        item.description_p = row["detail_desc"]
        item.gender = Self.genders[row["index_group_name"]] ?? ""
        item.extra = row.extra(excluding: Self.mapped)
        entries.append(.record(.item(item), index: line))
    }
}
