import StylecastProto

/// Amazon Clothing 5-core sequences (`clothing_5core_sequences.txt.gz`): each line is
/// `user item1 item2 ...` in time order with renumbered ids and no timestamps. Every item is
/// one review interaction (5-core data are reviews) with `sequence` = its 0-based position,
/// timestamp 0, and all entries of a line carry that line's number.
struct AmazonSequencesReader: LineProducer {
    let framer: RecordFramer

    func append(_ text: String, line: UInt64, to entries: inout [DatasetEntry]) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard tokens.count >= 2 else {
            entries.append(
                Rejection.entry(
                    index: line, recordID: tokens.first.map { "amazon-seq:\($0)" } ?? "", field: "items",
                    rule: "a line must hold a user then at least one item"))
            return
        }
        let user = String(tokens[0])
        for (position, item) in tokens.dropFirst().enumerated() {
            var interaction = Stylecast_V1_Interaction()
            interaction.interactionID = "amazon-seq:\(user):\(position)"
            interaction.userID = "amazon-seq:" + user
            interaction.itemID = "amazon-seq:" + item
            interaction.kind = "review"
            interaction.sequence = Int64(position)
            interaction.quantity = 1
            interaction.source = "amazon"
            entries.append(.record(.interaction(interaction), index: line))
        }
    }
}
