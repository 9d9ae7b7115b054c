/// One entry of an answer: an item, its score and the component or rule behind it.
public struct RankedItem: Sendable, Equatable {
    /// The item's id.
    public var itemID: String
    /// Its score (blended and normalised for Recommend, a similarity for the item RPCs).
    public var score: Double
    /// `als`, `cooccurrence`, `popular`, `repurchase`, `content` or `complement-popular`.
    public var reason: String

    /// Creates an entry.
    public init(itemID: String, score: Double, reason: String) {
        self.itemID = itemID
        self.score = score
        self.reason = reason
    }
}
