/// A model that gives every item a score for a query: the common shape of the recommenders
/// that ``HybridRanker`` blends (ALS, co-occurrence, content kNN, popularity, repurchase).
public protocol ItemScorer: Sendable {
    /// Number of items the model scores (`0..<itemCount`).
    var itemCount: Int { get }

    /// Writes one score per item for `query` (higher is better; items the model knows
    /// nothing about get its lowest value, usually 0).
    /// - Parameters:
    ///   - query: The user, history and time of the request.
    ///   - scores: Resized to ``itemCount`` and overwritten.
    func score(_ query: RecommendationQuery, into scores: inout [Float])
}

extension ItemScorer {
    /// The top `count` items for `query`, excluding the items of its history.
    /// - Parameters:
    ///   - query: The user, history and time of the request.
    ///   - count: How many items to return (fewer when fewer items are eligible).
    ///   - excludingHistory: Whether items of the history are left out (default `true`).
    /// - Returns: Items by decreasing score, ties by increasing index.
    public func recommend(_ query: RecommendationQuery, count: Int, excludingHistory: Bool = true) -> [ScoredItem] {
        var scores = [Float]()
        score(query, into: &scores)
        if excludingHistory {
            for event in query.history where event.item >= 0 && event.item < scores.count {
                scores[event.item] = -.infinity
            }
        }
        return TopKSelection.top(count, of: scores)
    }
}
