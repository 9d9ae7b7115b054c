import StylecastProto

/// Women's E-Commerce Clothing Reviews (`womens_clothing_reviews.csv.gz`): one review
/// interaction per row, preceded by an item the first time each Clothing ID appears.
///
/// Reviewers are anonymous: each row gets its own reviewer id "reviews:row<line>". The file
/// has no dates (timestamp 0). The item's title is "<Department Name> <Class Name>" (just one
/// of them when they are equal or one is empty, "Clothing <id>" when both are), its category
/// the Class Name, its description the first review's title and text (the file has no product
/// text, and without it hundreds of products would read the same and be taken for duplicates);
/// division and department go to `extra`.
struct WomensReviewsReader: CheckedRowProducer {
    static let header = [
        "Clothing ID", "Age", "Title", "Review Text", "Rating", "Recommended IND", "Positive Feedback Count",
        "Division Name", "Department Name", "Class Name",
    ]
    static let idPrefix = "reviews:"

    let file: CSVFile
    private var seenItems: Set<String> = []

    init(file: CSVFile) {
        self.file = file
    }

    mutating func append(_ row: NamedRow, line: UInt64, repair: String?, to entries: inout [DatasetEntry]) {
        let id = "reviews:\(line)"
        let interaction: Stylecast_V1_Interaction
        do {
            interaction = try Self.review(row, id: id, line: line)
        } catch {
            entries.append(Rejection.entry(index: line, recordID: id, field: error.field, rule: error.rule))
            return
        }
        let clothingID = row["Clothing ID"]
        if seenItems.insert(clothingID).inserted {
            entries.append(.record(.item(Self.item(row, clothingID: clothingID)), index: line))
        }
        entries.append(.record(.interaction(interaction), index: line))
    }

    private static func review(_ row: NamedRow, id: String, line: UInt64) throws(FieldFailure) -> Stylecast_V1_Interaction {
        var interaction = Stylecast_V1_Interaction()
        interaction.interactionID = id
        interaction.itemID = "reviews:" + (try row.required("Clothing ID"))
        interaction.userID = "reviews:row\(line)"
        let rating = try row.number("Rating", in: 1...5)
        guard rating == rating.rounded() else { throw FieldFailure(field: "Rating", rule: "must be a whole number 1 to 5") }
        interaction.rating = Float(rating)
        interaction.kind = "review"
        interaction.quantity = 1
        interaction.source = "reviews"
        return interaction
    }

    private static func item(_ row: NamedRow, clothingID: String) -> Stylecast_V1_FashionItem {
        var item = Stylecast_V1_FashionItem()
        item.itemID = "reviews:" + clothingID
        item.source = "reviews"
        item.sourceID = clothingID
        item.category = row["Class Name"]
        let department = row["Department Name"]
        let names = [department, item.category].filter { !$0.isEmpty }
        item.title =
            names.isEmpty
            ? "Clothing \(clothingID)" : department == item.category ? department : names.joined(separator: " ")
        item.description_p = [row["Title"], row["Review Text"]].filter { !$0.isEmpty }.joined(separator: ". ")
        if !row["Division Name"].isEmpty { item.extra["division"] = row["Division Name"] }
        if !department.isEmpty { item.extra["department"] = department }
        return item
    }
}
