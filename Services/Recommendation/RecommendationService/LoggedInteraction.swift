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

    /// Strength of the event for the models: a purchase or review counts 1, a cart 0.5, a view 0.2.
    package var weight: Float {
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
