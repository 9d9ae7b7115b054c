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
    ///   - context: Items viewed in this session, oldest first: views at the latest time known
    ///     (unknown items are ignored). An empty `userID` with a context is an anonymous session.
    ///   - rules: What the list may contain, applied before the cut (``ListRules``).
    ///   - facts: The catalogue the rules read.
    ///   - boost: The trend boost (``TrendSignals``), off by default.
    package func recommend(
        userID: String, recent: [LoggedInteraction], context: [String] = [], count: Int, rules: ListRules = ListRules(),
        facts: (String) -> ItemFacts? = { _ in nil }, boost: ItemBoost = .off
    ) -> [RankedItem] {
        guard items.count > 0, count > 0 else { return [] }
        let user = userID.isEmpty ? nil : users[userID]
        var events = user.map { histories[$0] } ?? []
        var queryNow = now
        for logged in recent where StreamPosition.isAfter(logged.entryID, watermark: watermark) {
            guard let item = items[logged.itemID] else { continue }
            events.append(
                UserEvent(item: Int32(item), day: logged.day, weight: logged.weight, isPurchase: logged.kind == "purchase"))
            queryNow = max(queryNow, logged.day)
        }
        let viewWeight = LoggedInteraction.weight(of: "view")
        for itemID in context {
            guard let item = items[itemID] else { continue }
            events.append(UserEvent(item: Int32(item), day: queryNow, weight: viewWeight, isPurchase: false))
        }
        guard !events.isEmpty, let als, let coOccurrence else {
            return popular(count: count, rules: rules, facts: facts, boost: boost)
        }
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
        // Every eligible item's score, repurchase candidates included, times 1 + strength x signal.
        boost.apply(to: &blended)
        return select(count, of: blended, rules: rules, facts: facts).map { scored in
            let reason = components.max { $0.weight * $0.scores[scored.item] < $1.weight * $1.scores[scored.item] }
            return RankedItem(
                itemID: items.identifiers[scored.item], score: Double(scored.score), reason: reason?.name ?? .popular)
        }
    }

    /// The `count` most popular items (recent decayed counts), reason `popular`.
    /// - Parameters:
    ///   - count: List length.
    ///   - where: Which items qualify (default all).
    ///   - rules: What the list may contain.
    ///   - facts: The catalogue the rules read.
    ///   - boost: The trend boost, off by default.
    package func popular(
        count: Int, where include: (Int) -> Bool = { _ in true }, rules: ListRules = ListRules(),
        facts: (String) -> ItemFacts? = { _ in nil }, boost: ItemBoost = .off
    ) -> [RankedItem] {
        var scores = popularity.itemScores
        boost.apply(to: &scores)
        for index in scores.indices where !include(index) { scores[index] = -.infinity }
        return select(count, of: scores, rules: rules, facts: facts).map {
            RankedItem(itemID: items.identifiers[$0.item], score: Double($0.score), reason: .popular)
        }
    }

    /// The best `count` of `scores` (finite ones, best first) that `rules` allow: items the
    /// rules refuse are scored out before the cut, then the diversity limit walks the ranking.
    func select(_ count: Int, of scores: [Float], rules: ListRules, facts: (String) -> ItemFacts?) -> [ScoredItem] {
        guard !rules.isEmpty else { return TopKSelection.top(count, of: scores).filter { $0.score.isFinite } }
        var scores = scores
        // Refused ids are few: scored out by index. Attribute and price filters read every item.
        for refused in [rules.excludedItems, rules.withdrawn] {
            for id in refused { if let index = items[id] { scores[index] = -.infinity } }
        }
        if rules.readsFacts {
            for index in scores.indices where scores[index].isFinite && !rules.admitsFacts(facts(items.identifiers[index])) {
                scores[index] = -.infinity
            }
        }
        guard rules.diversity != nil else { return TopKSelection.top(count, of: scores).filter { $0.score.isFinite } }
        let ranked = scores.indices.filter { scores[$0].isFinite }.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return rules.diverse(ranked, count: count, itemID: { items.identifiers[$0] }, facts: facts).map {
            ScoredItem(item: $0, score: scores[$0])
        }
    }

    /// The co-occurrence neighbours of an item, most similar first (empty without any).
    /// - Parameters:
    ///   - item: Item index.
    ///   - count: List length.
    ///   - admit: Which items may be in it (default all).
    package func coOccurring(with item: Int, count: Int, where admit: (Int) -> Bool = { _ in true }) -> [RankedItem] {
        guard let coOccurrence else { return [] }
        var chosen: [RankedItem] = []
        for neighbour in coOccurrence.neighbours(of: item) where neighbour.item != item && neighbour.score > 0 {
            guard chosen.count < count else { break }
            guard admit(neighbour.item) else { continue }
            chosen.append(RankedItem(itemID: items.identifiers[neighbour.item], score: Double(neighbour.score), reason: .cooccurrence))
        }
        return chosen
    }

    /// Items of complementary categories (``ComplementTable``) bought together with `item`,
    /// topped up with the most popular items of those categories.
    /// - Parameters:
    ///   - item: Item index.
    ///   - count: List length.
    ///   - rules: What the list may contain.
    ///   - facts: The catalogue the rules read.
    package func completeTheLook(
        for item: Int, count: Int, rules: ListRules = ListRules(), facts: (String) -> ItemFacts? = { _ in nil }
    ) -> [RankedItem] {
        let own = categories[item]
        let wanted = ComplementTable.complements(of: own)
        func fits(_ index: Int) -> Bool {
            let category = categories[index]
            return index != item && !category.isEmpty && category != own && (wanted.isEmpty || wanted.contains(category))
                && rules.admits(items.identifiers[index], facts: facts(items.identifiers[index]))
        }
        var perValue: [String: Int] = [:]
        // Whether the diversity limit leaves room for `index`, counting it in when it does.
        func roomFor(_ index: Int) -> Bool {
            guard let diversity = rules.diversity else { return true }
            let value = facts(items.identifiers[index])?.value(of: diversity.attribute) ?? ""
            guard perValue[value, default: 0] < diversity.maxPerValue else { return false }
            perValue[value, default: 0] += 1
            return true
        }
        var chosen: [RankedItem] = []
        var taken = Set<String>()
        if let coOccurrence {
            for neighbour in coOccurrence.neighbours(of: item) where neighbour.score > 0 && fits(neighbour.item) {
                guard chosen.count < count else { break }
                guard roomFor(neighbour.item) else { continue }
                let id = items.identifiers[neighbour.item]
                chosen.append(RankedItem(itemID: id, score: Double(neighbour.score), reason: .cooccurrence))
                taken.insert(id)
            }
        }
        if chosen.count < count {
            // With a diversity limit any number may be skipped: the whole ranking is the pool.
            let pool = rules.diversity == nil ? count + chosen.count : items.count
            for candidate in popular(count: pool, where: { fits($0) }) where !taken.contains(candidate.itemID) {
                guard chosen.count < count else { break }
                guard let index = items[candidate.itemID], roomFor(index) else { continue }
                chosen.append(RankedItem(itemID: candidate.itemID, score: 0, reason: .complementPopular))
            }
        }
        return chosen
    }
}
