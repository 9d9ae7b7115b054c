import Foundation
import StylecastRecommender
import Testing

@Suite("Popularity, repurchase, content kNN, hybrid, top-k and metrics")
struct RankingTests {
    @Test("popularity counts only the window before now, with decay by age")
    func popularityWindow() throws {
        let events = [
            Interaction(user: 0, item: 0, time: 1), Interaction(user: 1, item: 0, time: 2),
            Interaction(user: 0, item: 1, time: 9), Interaction(user: 2, item: 2, time: 12),
        ]
        let lastWeek = try PopularityModel(interactions: events, itemCount: 3, now: 10, window: 7)
        #expect(lastWeek.itemScores == [0, 1, 0])
        let allTime = try PopularityModel(interactions: events, itemCount: 3, now: 10)
        #expect(allTime.itemScores == [2, 1, 0])
        let decayed = try PopularityModel(interactions: events, itemCount: 3, now: 10, decay: TimeDecay(halfLife: 1))
        #expect(decayed.itemScores[1...] == [0.5, 0])
        #expect(abs(decayed.itemScores[0] - Float(0.001953125 + 0.00390625)) < 1e-7)
    }

    @Test("repurchase candidates are recent or repeated purchases; the hybrid keeps only those of the seen items")
    func repurchaseRule() throws {
        let repurchase = try RepurchaseModel(itemCount: 5, window: 7, minimumCount: 2)
        let history = [
            HistoryEvent(item: 0, time: 95), HistoryEvent(item: 1, time: 10), HistoryEvent(item: 2, time: 20),
            HistoryEvent(item: 2, time: 30),
        ]
        let query = RecommendationQuery(user: nil, history: history, now: 100)
        #expect(Set(repurchase.candidates(query).map(\.item)) == [0, 2])
        let popularity = try PopularityModel(
            interactions: (0..<5).map { Interaction(user: 0, item: $0, time: 0, weight: Float(5 - $0)) }, itemCount: 5,
            now: 100)
        let excluding = try HybridRanker(components: [.init(name: "popularity", model: popularity, weight: 1)])
        #expect(excluding.recommend(query, count: 5).map(\.item) == [3, 4])
        let keeping = try HybridRanker(
            components: [.init(name: "popularity", model: popularity, weight: 1)], repurchase: repurchase)
        #expect(keeping.recommend(query, count: 5).map(\.item) == [0, 2, 3, 4])
    }

    @Test("the blend weights normalised scores, and the trend boost is off by default and reorders when on")
    func blendAndBoost() throws {
        let a = try PopularityModel(
            interactions: [Interaction(user: 0, item: 0), Interaction(user: 0, item: 0), Interaction(user: 0, item: 1)],
            itemCount: 3, now: 1)
        let b = try PopularityModel(interactions: [Interaction(user: 0, item: 2)], itemCount: 3, now: 1)
        var ranker = try HybridRanker(components: [.init(name: "a", model: a, weight: 1), .init(name: "b", model: b, weight: 0.8)])
        let query = RecommendationQuery(user: nil, history: [], now: 1)
        // a: [1, 0.5, 0]; b: [0, 0, 1] -> [1, 0.5, 0.8].
        #expect(ranker.recommend(query, count: 3) == [
            ScoredItem(item: 0, score: 1), ScoredItem(item: 2, score: 0.8), ScoredItem(item: 1, score: 0.5),
        ])
        #expect(ranker.boost == .off)
        ranker.boost = ItemBoost(signals: [0, 1, 0], strength: 1)
        #expect(ranker.recommend(query, count: 3).map(\.item) == [0, 1, 2])
    }

    @Test("content kNN ranks by cosine and leaves the item itself and items without vectors out")
    func contentKNN() throws {
        let model = try ContentKNNModel(
            embeddings: [0: [1, 0], 1: [2, 0.2], 2: [0, 3], 3: [-1, 0]], itemCount: 5)
        let similar = model.similarItems(to: 0, count: 5)
        #expect(similar.map(\.item) == [1, 2, 4, 3])
        #expect(abs(similar[0].score - 2 / (4.04 as Float).squareRoot()) < 1e-6)
        let query = RecommendationQuery(user: nil, history: [HistoryEvent(item: 2)], now: 0)
        #expect(model.recommend(query, count: 1).map(\.item) == [1])
        #expect(!model.hasEmbedding(4))
    }

    @Test("top-k keeps the best finite scores, ties by lower index, never excluded items")
    func topK() {
        let scores: [Float] = [0.5, .nan, 2, -.infinity, 2, 1, -3]
        #expect(TopKSelection.top(3, of: scores).map(\.item) == [2, 4, 5])
        #expect(TopKSelection.top(10, of: scores).map(\.item) == [2, 4, 5, 0, 6])
        #expect(TopKSelection.top(0, of: scores).isEmpty)
    }

    @Test("MAP@12 as the H&M competition computes it, on a hand-computed example")
    func averagePrecision() {
        // Hits at ranks 2 and 4, three relevant items: (1/2 + 2/4) / 3.
        #expect(abs(RankingMetrics.averagePrecision(ranked: [1, 2, 3, 4], relevant: [2, 4, 9], cutoff: 12) - 1.0 / 3) < 1e-12)
        // A repeated prediction is not a second hit; 13 relevant items: the denominator is 12.
        #expect(abs(RankingMetrics.averagePrecision(ranked: [7, 7], relevant: Set(0..<13), cutoff: 12) - 1.0 / 12) < 1e-12)
        #expect(abs(RankingMetrics.averagePrecision(ranked: [7, 7, 1], relevant: [1, 7], cutoff: 12) - (1 + 2.0 / 3) / 2) < 1e-12)
        // Beyond the cutoff nothing counts.
        #expect(RankingMetrics.averagePrecision(ranked: Array(100..<112) + [5], relevant: [5], cutoff: 12) == 0)
        let map = RankingMetrics.meanAveragePrecision(rankings: [[1], [2], [3]], relevant: [[1], [], [4]], cutoff: 12)
        #expect(map == 0.5)
    }

    @Test("HR@10 and NDCG@10 on a hand-computed example")
    func hitRateAndNDCG() {
        #expect(RankingMetrics.hitRate(ranked: [5, 1], relevant: [1], cutoff: 10) == 1)
        #expect(RankingMetrics.hitRate(ranked: [5, 1], relevant: [1], cutoff: 1) == 0)
        #expect(abs(RankingMetrics.ndcg(ranked: [5, 1], relevant: [1], cutoff: 10) - 1 / log2(3.0)) < 1e-12)
        #expect(RankingMetrics.ndcg(ranked: [1, 5], relevant: [1], cutoff: 10) == 1)
        let two = (1 / log2(3.0) + 1 / log2(4.0)) / (1 + 1 / log2(3.0))
        #expect(abs(RankingMetrics.ndcg(ranked: [9, 1, 2], relevant: [1, 2], cutoff: 10) - two) < 1e-12)
    }
}
