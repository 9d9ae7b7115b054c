extension CoOccurrenceModel {
    /// Counts co-occurrences in the users' histories and keeps each item's nearest neighbours.
    ///
    /// Work is the sum over users of (events within `maximumGap` of each event), with one dense
    /// accumulator of `itemCount` floats reused across items.
    /// - Parameters:
    ///   - interactions: Training events; each user's events are ordered by time (ties keep
    ///     their order in the array).
    ///   - itemCount: Number of items.
    ///   - now: Training time for `ageDecay` (the end of the training data).
    ///   - configuration: Decays, gap, neighbours and normalisation.
    /// - Throws: ``RecommenderError/indexOutOfRange(field:index:count:)`` for a negative user or
    ///   an unknown item, ``RecommenderError/invalidParameter(name:rule:)`` for negative neighbours.
    public static func train(
        _ interactions: [Interaction], itemCount: Int, now: Double, configuration: CoOccurrenceConfiguration
    ) throws(RecommenderError) -> CoOccurrenceModel {
        guard configuration.neighbours >= 0 else {
            throw .invalidParameter(name: "neighbours", rule: "must be at least 0")
        }
        var userCount = 0
        for event in interactions {
            guard event.item >= 0, event.item < itemCount else {
                throw .indexOutOfRange(field: "item", index: event.item, count: itemCount)
            }
            guard event.user >= 0 else { throw .indexOutOfRange(field: "user", index: event.user, count: Int.max) }
            userCount = max(userCount, event.user + 1)
        }
        // Events grouped by user, by time within a user.
        let order = interactions.indices.sorted {
            let a = interactions[$0]
            let b = interactions[$1]
            return (a.user, a.time, $0) < (b.user, b.time, $1)
        }
        let events = order.map { interactions[$0] }
        var userStarts = [Int](repeating: 0, count: userCount + 1)
        for event in events { userStarts[event.user + 1] += 1 }
        for user in 0..<userCount { userStarts[user + 1] += userStarts[user] }
        // Occurrences of each item: positions in `events`.
        var itemStarts = [Int](repeating: 0, count: itemCount + 1)
        for event in events { itemStarts[event.item + 1] += 1 }
        for item in 0..<itemCount { itemStarts[item + 1] += itemStarts[item] }
        var next = itemStarts
        var occurrences = [Int](repeating: 0, count: events.count)
        for (position, event) in events.enumerated() {
            occurrences[next[event.item]] = position
            next[event.item] += 1
        }
        var itemWeights = [Float](repeating: 0, count: itemCount)
        for event in events {
            itemWeights[event.item] += event.weight * configuration.ageDecay.weight(age: now - event.time)
        }

        var accumulator = [Float](repeating: 0, count: itemCount)
        var touched = [Int]()
        var starts = [0]
        var neighbourItems = [Int32]()
        var similarities = [Float]()
        let maximumGap = configuration.maximumGap ?? .infinity
        for item in 0..<itemCount {
            for occurrence in occurrences[itemStarts[item]..<itemStarts[item + 1]] {
                let event = events[occurrence]
                let first = userStarts[event.user]
                let end = userStarts[event.user + 1]
                // Walk outwards from the event while the gap allows; the user's events are sorted.
                var other = occurrence - 1
                while other >= first, event.time - events[other].time <= maximumGap {
                    add(event, events[other], now: now, configuration, &accumulator, &touched)
                    other -= 1
                }
                other = occurrence + 1
                while other < end, events[other].time - event.time <= maximumGap {
                    add(event, events[other], now: now, configuration, &accumulator, &touched)
                    other += 1
                }
            }
            var row = [ScoredItem]()
            row.reserveCapacity(touched.count)
            for neighbour in touched {
                let count = accumulator[neighbour]
                accumulator[neighbour] = 0
                let similarity =
                    switch configuration.normalization {
                    case .cosine: count / (itemWeights[item] * itemWeights[neighbour]).squareRoot()
                    case .jaccard: count / (itemWeights[item] + itemWeights[neighbour] - count)
                    case .none: count
                    }
                if similarity > 0, similarity.isFinite { row.append(ScoredItem(item: neighbour, score: similarity)) }
            }
            touched.removeAll(keepingCapacity: true)
            row.sort { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
            if configuration.neighbours > 0, row.count > configuration.neighbours {
                row.removeLast(row.count - configuration.neighbours)
            }
            for entry in row {
                neighbourItems.append(Int32(entry.item))
                similarities.append(entry.score)
            }
            starts.append(neighbourItems.count)
        }
        return try CoOccurrenceModel(
            itemCount: itemCount, configuration: configuration, neighbourStarts: starts,
            neighbourItems: neighbourItems, similarities: similarities)
    }

    @inline(__always)
    private static func add(
        _ event: Interaction, _ other: Interaction, now: Double, _ configuration: CoOccurrenceConfiguration,
        _ accumulator: inout [Float], _ touched: inout [Int]
    ) {
        guard other.item != event.item else { return }
        let weight =
            configuration.pairDecay.weight(age: abs(event.time - other.time))
            * configuration.ageDecay.weight(age: now - max(event.time, other.time))
            * min(event.weight, other.weight)
        if accumulator[other.item] == 0 { touched.append(other.item) }
        accumulator[other.item] += weight
    }
}
