import StylecastContracts

/// One interaction as the interactions stream holds it, with the fields the recommender uses.
package struct LoggedInteraction: Sendable, Equatable {
    /// The stream entry id (`<ms>-<seq>`), which orders entries and marks what a model has seen.
    package var entryID: String
    /// The interaction's own id (`interaction_id`).
    package var interactionID: String
    /// The customer.
    package var userID: String
    /// The item.
    package var itemID: String
    /// `purchase`, `view`, `review` or `cart`.
    package var kind: String
    /// When it happened, in days since 1970 (the time unit of every model of the service).
    package var day: Double

    /// Creates an interaction.
    package init(entryID: String, interactionID: String, userID: String, itemID: String, kind: String, day: Double) {
        self.entryID = entryID
        self.interactionID = interactionID
        self.userID = userID
        self.itemID = itemID
        self.kind = kind
        self.day = day
    }

    /// Reads a stream entry; `nil` when `user_id` or `item_id` is missing. Without an
    /// `interaction_id` the entry id stands in, without a `kind` it is a purchase.
    /// - Parameters:
    ///   - entryID: The stream entry id.
    ///   - entry: The entry's fields.
    package init?(entryID: String, entry: InteractionEntry) {
        guard !entry[.userID].isEmpty, !entry[.itemID].isEmpty else { return nil }
        self.init(
            entryID: entryID, interactionID: entry[.interactionID].isEmpty ? entryID : entry[.interactionID],
            userID: entry[.userID], itemID: entry[.itemID], kind: entry[.kind].isEmpty ? "purchase" : entry[.kind],
            day: (Double(entry[.timestamp]) ?? 0) / 86_400)
    }

    /// Strength of the event for the models (``weight(of:)``).
    package var weight: Float { Self.weight(of: kind) }

    /// Strength of an event of `kind`: a purchase or review counts 1, a cart 0.5, a view 0.2.
    package static func weight(of kind: String) -> Float {
        switch kind {
        case "cart": 0.5
        case "view": 0.2
        default: 1
        }
    }
}

/// Stream entry ids compare by their two numbers, not as text.
package enum StreamEntryID {
    /// Whether entry id `a` comes after `b` in the stream.
    package static func isAfter(_ a: String, _ b: String) -> Bool {
        parts(a).lexicographicallyPrecedes(parts(b)) == false && parts(a) != parts(b)
    }

    private static func parts(_ id: String) -> [UInt64] {
        let pieces = id.split(separator: "-")
        return [UInt64(pieces.first ?? "0") ?? 0, UInt64(pieces.count > 1 ? pieces[1] : "0") ?? 0]
    }
}

/// Where an interaction sits in the interactions stream, which may be split into partitions
/// (`STYLECAST_STREAM_PARTITIONS`): its entry id, prefixed with `<partition>/` above partition 0,
/// since entry ids repeat across partitions. A model's watermark is the last position it was
/// trained on in each partition: the entry id alone for one partition (as before partitions),
/// else one id per partition joined by commas (`0-0` for a partition with nothing yet).
package enum StreamPosition {
    /// The position of entry `entryID` of `partition`.
    package static func make(entryID: String, partition: Int) -> String {
        partition == 0 ? entryID : "\(partition)/\(entryID)"
    }

    /// The partition and entry id of a position.
    package static func split(_ position: String) -> (partition: Int, entryID: String) {
        guard let slash = position.firstIndex(of: "/"), let partition = Int(position[..<slash]) else { return (0, position) }
        return (partition, String(position[position.index(after: slash)...]))
    }

    /// The watermark of positions read: the last entry id of each partition among them.
    package static func watermark(of positions: some Sequence<String>) -> String {
        var last: [Int: String] = [:]
        for position in positions {
            let (partition, id) = split(position)
            if let current = last[partition], !StreamEntryID.isAfter(id, current) { continue }
            last[partition] = id
        }
        let count = (last.keys.max() ?? 0) + 1
        return (0..<count).map { last[$0] ?? "0-0" }.joined(separator: ",")
    }

    /// Whether `position` comes after what `watermark` covers in its partition.
    package static func isAfter(_ position: String, watermark: String) -> Bool {
        let (partition, id) = split(position)
        let marks = watermark.split(separator: ",", omittingEmptySubsequences: false)
        let mark = partition < marks.count ? String(marks[partition]) : "0-0"
        return StreamEntryID.isAfter(id, mark)
    }
}
