import StylecastContracts

/// One entry of an answer: an item, its score and the component or rule behind it.
package struct RankedItem: Sendable, Equatable {
    /// The item's id.
    package var itemID: String
    /// Its score (blended and normalised for Recommend, a similarity for the item RPCs).
    package var score: Double
    /// Which component or rule put it there.
    package var reason: RecommendationReason
}
