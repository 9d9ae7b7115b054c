/// Why an item was recommended: the `reason` of a `ScoredItem` on the wire (its text is the
/// raw value), produced by the recommendation service and explained by the client's report.
public enum RecommendationReason: String, CaseIterable, Sendable {
    /// The implicit-ALS factor model scored it highest.
    case als
    /// Time-decayed co-occurrence with the customer's items scored it highest.
    case cooccurrence
    /// Close in description to the customer's items (content kNN, `SimilarItems`).
    case content
    /// Popular in recent weeks (also every answer for a customer without history).
    case popular
    /// The customer bought it before and buys such items again.
    case repurchase
    /// Popular in a category that completes the look (`CompleteTheLook`).
    case complementPopular = "complement-popular"
    /// A new item shown to learn how it does (exploration, off by default).
    case explore

    /// What the reason means, in words for a shop's page.
    public var explanation: String {
        switch self {
        case .als: "people with similar purchases bought it (implicit ALS)"
        case .cooccurrence: "often bought together with what this customer bought"
        case .content: "close in description to what this customer bought"
        case .popular: "popular in recent weeks"
        case .repurchase: "bought again by this customer recently"
        case .complementPopular: "popular in a category that completes the look"
        case .explore: "new in the catalogue, shown to learn what customers make of it"
        }
    }
}
