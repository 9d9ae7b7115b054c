/// Item-item similarities from the co-occurrence of items in users' histories (baskets and
/// sequences), with exponential time decay, and the score of an item for a user as the decayed
/// sum of its similarities to the user's history:
///
///     C_ij  = sum over users, over pairs of events (i at t, j at t') with |t - t'| <= maximumGap,
///             of pairDecay(|t - t'|) * ageDecay(now - max(t, t'))
///     n_i   = sum over events of i of ageDecay(now - t)
///     s_ij  = normalisation of C_ij by n_i and n_j (cosine by default), top `neighbours` kept
///     score(j | history) = sum over history events (i, t) of weight * historyDecay(now - t) * s_ij
public struct CoOccurrenceModel: ItemScorer {
    /// Number of items.
    public let itemCount: Int
    /// The configuration it was built with.
    public let configuration: CoOccurrenceConfiguration
    /// Item `i`'s neighbours are entries `neighbourStarts[i]..<neighbourStarts[i + 1]`.
    public let neighbourStarts: [Int]
    /// Neighbour item of each entry, most similar first within an item.
    public let neighbourItems: [Int32]
    /// Similarity of each entry.
    public let similarities: [Float]

    /// Wraps computed or loaded neighbour lists.
    /// - Parameters:
    ///   - itemCount: Number of items.
    ///   - configuration: The configuration (scoring uses its `historyDecay`).
    ///   - neighbourStarts: `itemCount + 1` non-decreasing offsets starting at 0.
    ///   - neighbourItems: Neighbour of each entry.
    ///   - similarities: Similarity of each entry.
    /// - Throws: ``RecommenderError/dimensionMismatch(field:expected:actual:)`` or
    ///   ``RecommenderError/indexOutOfRange(field:index:count:)`` for inconsistent lists.
    public init(
        itemCount: Int, configuration: CoOccurrenceConfiguration, neighbourStarts: [Int], neighbourItems: [Int32],
        similarities: [Float]
    ) throws(RecommenderError) {
        guard neighbourStarts.count == itemCount + 1 else {
            throw .dimensionMismatch(field: "neighbourStarts", expected: itemCount + 1, actual: neighbourStarts.count)
        }
        guard neighbourItems.count == similarities.count else {
            throw .dimensionMismatch(field: "similarities", expected: neighbourItems.count, actual: similarities.count)
        }
        guard neighbourStarts.first == 0, neighbourStarts.last == neighbourItems.count,
            zip(neighbourStarts, neighbourStarts.dropFirst()).allSatisfy({ $0 <= $1 })
        else {
            throw .invalidParameter(name: "neighbourStarts", rule: "must rise from 0 to the number of entries")
        }
        if let bad = neighbourItems.first(where: { $0 < 0 || Int($0) >= itemCount }) {
            throw .indexOutOfRange(field: "neighbour item", index: Int(bad), count: itemCount)
        }
        self.itemCount = itemCount
        self.configuration = configuration
        self.neighbourStarts = neighbourStarts
        self.neighbourItems = neighbourItems
        self.similarities = similarities
    }

    /// The neighbours of one item, most similar first.
    /// - Parameter item: Item index, `0..<itemCount`.
    public func neighbours(of item: Int) -> [ScoredItem] {
        (neighbourStarts[item]..<neighbourStarts[item + 1]).map {
            ScoredItem(item: Int(neighbourItems[$0]), score: similarities[$0])
        }
    }

    /// Sums the similarities of every item to the query's history, each history event weighted
    /// by its weight and `historyDecay(now - time)`.
    public func score(_ query: RecommendationQuery, into scores: inout [Float]) {
        if scores.count != itemCount {
            scores = [Float](repeating: 0, count: itemCount)
        } else {
            for index in scores.indices { scores[index] = 0 }
        }
        scores.withUnsafeMutableBufferPointer { out in
            neighbourItems.withUnsafeBufferPointer { items in
                similarities.withUnsafeBufferPointer { values in
                    for event in query.history where event.item >= 0 && event.item < itemCount {
                        let weight = event.weight * configuration.historyDecay.weight(age: query.now - event.time)
                        for entry in neighbourStarts[event.item]..<neighbourStarts[event.item + 1] {
                            out[Int(items[entry])] += weight * values[entry]
                        }
                    }
                }
            }
        }
    }
}
