import StylecastProto

/// H&M's `transactions_train.csv.gz`: one purchase per row.
///
/// Identical rows are genuine repeat purchases (the file has no quantity column), so the
/// row itself is the identity: `interaction_id` is "hm:tx:<line>". `sales_channel_id` has no
/// field in `Interaction` and is not kept.
struct HMTransactionsReader: CheckedRowProducer {
    static let header = ["t_dat", "customer_id", "article_id", "price", "sales_channel_id"]
    static let idPrefix = ""

    let file: CSVFile

    func append(_ row: NamedRow, line: UInt64, repair: String?, to entries: inout [DatasetEntry]) {
        let id = "hm:tx:\(line)"
        do {
            entries.append(.record(.interaction(try Self.purchase(row, id: id)), index: line))
        } catch {
            entries.append(Rejection.entry(index: line, recordID: id, field: error.field, rule: error.rule))
        }
    }

    private static func purchase(_ row: NamedRow, id: String) throws(FieldFailure) -> Stylecast_V1_Interaction {
        var interaction = Stylecast_V1_Interaction()
        interaction.interactionID = id
        interaction.timestamp = try row.date("t_dat").unixTime
        interaction.userID = "hm:" + (try row.required("customer_id"))
        interaction.itemID = "hm:" + (try row.required("article_id"))
        interaction.price = try row.number("price", in: 0...Double.greatestFiniteMagnitude)
        interaction.kind = "purchase"
        interaction.quantity = 1
        interaction.source = "hm"
        return interaction
    }
}
