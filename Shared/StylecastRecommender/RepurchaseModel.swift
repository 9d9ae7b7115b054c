/// Repurchase candidates: the items a user already bought, scored by how recently and how
/// often (H&M customers re-buy a fifth of what they buy in a week).
///
/// Rule: an item of the history is a repurchase candidate when it was bought within `window`
/// before `now`, or at least `minimumCount` times in all; its score is
/// `sum over its purchases of weight * decay(now - time)`. Every other item scores 0. The
/// hybrid ranker keeps an already-bought item eligible exactly when it is a candidate.
public struct RepurchaseModel: ItemScorer {
    /// Number of items.
    public let itemCount: Int
    /// Time since the last purchase within which an item is a candidate (caller's unit).
    public let window: Double
    /// Purchases of one item that make it a candidate whatever their age.
    public let minimumCount: Int
    /// Down-weighting of older purchases.
    public let decay: TimeDecay

    /// Creates the rule.
    /// - Parameters:
    ///   - itemCount: Number of items.
    ///   - window: Recency window in the caller's time unit (e.g. 28 days).
    ///   - minimumCount: Purchases that make an item a candidate at any age (default 2).
    ///   - decay: Weight by age of each purchase (default: half-life of `window / 2`).
    /// - Throws: ``RecommenderError/invalidParameter(name:rule:)`` for a negative window or count.
    public init(itemCount: Int, window: Double, minimumCount: Int = 2, decay: TimeDecay? = nil) throws(RecommenderError) {
        guard window >= 0 else { throw .invalidParameter(name: "window", rule: "must be at least 0") }
        guard minimumCount >= 1 else { throw .invalidParameter(name: "minimumCount", rule: "must be at least 1") }
        self.itemCount = itemCount
        self.window = window
        self.minimumCount = minimumCount
        self.decay = decay ?? TimeDecay(halfLife: window > 0 ? window / 2 : nil)
    }

    /// Scores the repurchase candidates of the query's history; every other item gets 0.
    public func score(_ query: RecommendationQuery, into scores: inout [Float]) {
        if scores.count != itemCount {
            scores = [Float](repeating: 0, count: itemCount)
        } else {
            for index in scores.indices { scores[index] = 0 }
        }
        for item in candidates(query) {
            scores[item.item] = item.score
        }
    }

    /// The repurchase candidates of the query's history with their scores, best first.
    /// - Parameter query: The user's history and the time of the request.
    public func candidates(_ query: RecommendationQuery) -> [ScoredItem] {
        var counts: [Int: Int] = [:]
        var latest: [Int: Double] = [:]
        var scores: [Int: Float] = [:]
        for event in query.history where event.item >= 0 && event.item < itemCount && event.time <= query.now {
            counts[event.item, default: 0] += 1
            latest[event.item] = max(latest[event.item] ?? -.infinity, event.time)
            scores[event.item, default: 0] += event.weight * decay.weight(age: query.now - event.time)
        }
        return scores.compactMap { item, score in
            let recent = query.now - latest[item]! <= window
            return recent || counts[item]! >= minimumCount ? ScoredItem(item: item, score: score) : nil
        }
        .sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
    }
}
