import RecommendationService
import StylecastProto
import StylecastRecommender
import Testing

@Suite("trend boost: rising categories and colours raise their items")
struct TrendBoostTests {
    @Test("an item's signal is the strongest rising call among its category and colour; strengths stay in 0-1")
    func signals() {
        let signals = TrendSignals(
            [
                RisingAttribute(kind: .category, value: "Dress", strength: 0.4),
                RisingAttribute(kind: .color, value: "red", strength: 0.9),
                RisingAttribute(kind: .category, value: "dress", strength: 0.6),
                RisingAttribute(kind: .color, value: "green", strength: 7),
            ], generation: 1)
        let redDress = ItemFacts(.with { $0.category = "dress"; $0.color = "Red" })
        let blackDress = ItemFacts(.with { $0.category = "dress"; $0.color = "black" })
        let greenTop = ItemFacts(.with { $0.category = "top"; $0.color = "green" })
        let blackTop = ItemFacts(.with { $0.category = "top"; $0.color = "black" })
        #expect(signals.signal(of: redDress) == 0.9)
        #expect(signals.signal(of: blackDress) == 0.6)
        #expect(signals.signal(of: greenTop) == 1)
        #expect(signals.signal(of: blackTop) == 0)
        #expect(signals.signal(of: nil) == 0)
        #expect(TrendSignals.none.isEmpty && !signals.isEmpty)
    }

    @Test("a boost raises items of a rising attribute in the ranking; strength 0 changes nothing")
    func boostedRanking() throws {
        // Two equally popular groups; the users' histories favour neither.
        var log: [LoggedInteraction] = []
        var sequence = 0
        for user in 0..<30 {
            for item in [user % 10, (user + 3) % 10] {
                sequence += 1
                log.append(
                    LoggedInteraction(
                        entryID: "\(1000 + sequence)-0", interactionID: "tx\(sequence)", userID: "u\(user)", itemID: "i\(item)",
                        kind: "purchase", day: 100))
            }
        }
        let facts = Dictionary(uniqueKeysWithValues: (0..<10).map { index in
            ("i\(index)", ItemFacts(.with { $0.category = index < 5 ? "dress" : "trousers" }))
        })
        let model = try RecommenderTrainer(factors: 4, iterations: 3, repurchaseWindowDays: 28)
            .train(log, categories: facts.mapValues { $0.value(of: .category) }, version: 1)
        let signals = TrendSignals([RisingAttribute(kind: .category, value: "trousers", strength: 1)], generation: 1)
            .itemSignals(of: model, facts: { facts[$0] })
        func trousersRank(_ list: [RankedItem]) -> Double {
            let ranks = list.enumerated().filter { facts[$0.element.itemID]?.value(of: .category) == "trousers" }.map(\.offset)
            return Double(ranks.reduce(0, +)) / Double(max(ranks.count, 1))
        }
        // A known user (the blend) and a user without history (popularity) alike.
        for user in ["u4", ""] {
            let plain = model.recommend(userID: user, recent: [], count: 8)
            let off = model.recommend(userID: user, recent: [], count: 8, boost: ItemBoost(signals: signals, strength: 0))
            #expect(off.map(\.itemID) == plain.map(\.itemID))
            let boosted = model.recommend(userID: user, recent: [], count: 8, boost: ItemBoost(signals: signals, strength: 1))
            #expect(trousersRank(boosted) < trousersRank(plain), "\(user): \(plain.map(\.itemID)) -> \(boosted.map(\.itemID))")
        }
    }
}
