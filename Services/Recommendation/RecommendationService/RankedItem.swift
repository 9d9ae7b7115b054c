import StylecastContracts

/// One entry of an answer: an item, its score and the component or rule behind it.
public struct RankedItem: Sendable, Equatable {
    /// The item's id.
    public var itemID: String
    /// Its score (blended and normalised for Recommend, a similarity for the item RPCs).
    public var score: Double
    /// Which component or rule put it there.
    public var reason: RecommendationReason

    /// Creates an entry.
    public init(itemID: String, score: Double, reason: RecommendationReason) {
        self.itemID = itemID
        self.score = score
        self.reason = reason
    }
}
