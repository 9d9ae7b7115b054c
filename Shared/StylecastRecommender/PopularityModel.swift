/// Item popularity over recent time: the decayed count of events in a window before a
/// reference time, the same for every user.
///
/// `score(i) = sum over events of i with now - window <= time <= now of weight * decay(now - time)`.
public struct PopularityModel: ItemScorer {
    /// Number of items.
    public let itemCount: Int
    /// The score of every item.
    public let itemScores: [Float]

    /// Counts recent events.
    /// - Parameters:
    ///   - interactions: Training events; `user` is ignored.
    ///   - itemCount: Number of items.
    ///   - now: Reference time (the end of training); events after it are ignored. Pass
    ///     `.infinity` with no window and no decay to count all events (data without time).
    ///   - window: Length of the counting window in the events' time unit, or `nil` for all time.
    ///   - decay: Down-weighting by age within the window (default none).
    /// - Throws: ``RecommenderError/indexOutOfRange(field:index:count:)`` for an unknown item.
    public init(
        interactions: [Interaction], itemCount: Int, now: Double, window: Double? = nil, decay: TimeDecay = .none
    ) throws(RecommenderError) {
        var scores = [Float](repeating: 0, count: itemCount)
        for event in interactions {
            guard event.item >= 0, event.item < itemCount else {
                throw .indexOutOfRange(field: "item", index: event.item, count: itemCount)
            }
            let age = now - event.time
            guard age >= 0 else { continue }
            if let window, age > window { continue }
            scores[event.item] += event.weight * decay.weight(age: age)
        }
        self.itemCount = itemCount
        self.itemScores = scores
    }

    /// Copies the item scores; the query is not used.
    public func score(_ query: RecommendationQuery, into scores: inout [Float]) {
        scores = itemScores
    }
}
