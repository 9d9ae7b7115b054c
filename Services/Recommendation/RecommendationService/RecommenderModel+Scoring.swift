import StylecastContracts
import StylecastRecommender

extension RecommenderModel {
    /// The top `count` items for a user: the hybrid blend over the user's history at training
    /// time plus `recent` (the events logged after ``watermark``), without what the user already
    /// has unless the repurchase rule keeps it.
    ///
    /// A user with no known event gets the most popular items (reason `popular`).
    /// - Parameters:
    ///   - userID: The customer.
    ///   - recent: The user's interactions logged since the model was trained (older ones and
    ///     unknown items are ignored).
    ///   - count: List length.
    package func recommend(userID: String, recent: [LoggedInteraction], count: Int) -> [RankedItem] {
        guard items.count > 0, count > 0 else { return [] }
        let user = users[userID]
        var events = user.map { histories[$0] } ?? []
        var queryNow = now
        for logged in recent where StreamPosition.isAfter(logged.entryID, watermark: watermark) {
            guard let item = items[logged.itemID] else { continue }
            events.append(
                UserEvent(item: Int32(item), day: logged.day, weight: logged.weight, isPurchase: logged.kind == "purchase"))
            queryNow = max(queryNow, logged.day)
        }
        guard !events.isEmpty, let als, let coOccurrence else { return popular(count: count) }
        let query = RecommendationQuery(user: user, history: events.map(\.historyEvent), now: queryNow)
        let purchases = RecommendationQuery(
            user: user, history: events.filter(\.isPurchase).map(\.historyEvent), now: queryNow)
        var components: [(name: RecommendationReason, weight: Float, scores: [Float])] = []
        func add(_ name: RecommendationReason, _ weight: Float, _ model: any ItemScorer, _ query: RecommendationQuery) {
            guard weight != 0 else { return }
            var scores = [Float]()
            model.score(query, into: &scores)
            ScoreNormalization.minMax(&scores)
            components.append((name, weight, scores))
        }
        add(.als, weights.als, als, query)
        add(.cooccurrence, weights.coOccurrence, coOccurrence, query)
        add(.popular, weights.popularity, popularity, query)
        if let repurchase { add(.repurchase, weights.repurchase, repurchase, purchases) }
        var blended = HybridRanker.blend(components.map(\.scores), weights: components.map(\.weight))
        HybridRanker.excludeSeen(&blended, query: query, repurchase: nil)
        if let repurchase {
            // Only purchases make an item a repurchase candidate (a review or a view does not).
            for candidate in repurchase.candidates(purchases) {
                var scores = components.map { $0.weight * $0.scores[candidate.item] }.reduce(0, +)
                if !scores.isFinite { scores = 0 }
                blended[candidate.item] = scores
            }
        }
        return TopKSelection.top(count, of: blended).filter { $0.score.isFinite }.map { scored in
            let reason = components.max { $0.weight * $0.scores[scored.item] < $1.weight * $1.scores[scored.item] }
            return RankedItem(
                itemID: items.identifiers[scored.item], score: Double(scored.score), reason: reason?.name ?? .popular)
        }
    }

    /// The `count` most popular items (recent decayed counts), reason `popular`.
    /// - Parameters:
    ///   - count: List length.
    ///   - where: Which items qualify (default all).
    package func popular(count: Int, where include: (Int) -> Bool = { _ in true }) -> [RankedItem] {
        var scores = popularity.itemScores
        for index in scores.indices where !include(index) { scores[index] = -.infinity }
        return TopKSelection.top(count, of: scores).filter { $0.score.isFinite }.map {
            RankedItem(itemID: items.identifiers[$0.item], score: Double($0.score), reason: .popular)
        }
    }

    /// The co-occurrence neighbours of an item, most similar first (empty without any).
    /// - Parameters:
    ///   - item: Item index.
    ///   - count: List length.
    package func coOccurring(with item: Int, count: Int) -> [RankedItem] {
        guard let coOccurrence else { return [] }
        return coOccurrence.neighbours(of: item).filter { $0.item != item && $0.score > 0 }.prefix(count).map {
            RankedItem(itemID: items.identifiers[$0.item], score: Double($0.score), reason: .cooccurrence)
        }
    }

    /// Items of complementary categories (``ComplementTable``) bought together with `item`,
    /// topped up with the most popular items of those categories.
    /// - Parameters:
    ///   - item: Item index.
    ///   - count: List length.
    package func completeTheLook(for item: Int, count: Int) -> [RankedItem] {
        let own = categories[item]
        let wanted = ComplementTable.complements(of: own)
        func fits(_ index: Int) -> Bool {
            let category = categories[index]
            return index != item && !category.isEmpty && category != own && (wanted.isEmpty || wanted.contains(category))
        }
        var chosen: [RankedItem] = []
        var taken = Set<String>()
        if let coOccurrence {
            for neighbour in coOccurrence.neighbours(of: item) where neighbour.score > 0 && fits(neighbour.item) {
                guard chosen.count < count else { break }
                let id = items.identifiers[neighbour.item]
                chosen.append(RankedItem(itemID: id, score: Double(neighbour.score), reason: .cooccurrence))
                taken.insert(id)
            }
        }
        if chosen.count < count {
            let filler = popular(count: count + chosen.count) { fits($0) }.filter { !taken.contains($0.itemID) }
            chosen += filler.prefix(count - chosen.count).map {
                RankedItem(itemID: $0.itemID, score: 0, reason: .complementPopular)
            }
        }
        return chosen
    }
}
