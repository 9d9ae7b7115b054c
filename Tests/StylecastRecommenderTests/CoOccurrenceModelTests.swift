import Foundation
import StylecastRecommender
import Testing

@Suite("Time-decayed co-occurrence")
struct CoOccurrenceModelTests {
    /// User 0 buys 0 and 1 a day apart, and 2 twenty days later; user 1 buys 0 and 2 on one day.
    let interactions = [
        Interaction(user: 0, item: 0, time: 0), Interaction(user: 0, item: 1, time: 1),
        Interaction(user: 0, item: 2, time: 21), Interaction(user: 1, item: 0, time: 30),
        Interaction(user: 1, item: 2, time: 30),
    ]

    @Test("without decay, the item co-bought by two users is the nearest; cosine values exact")
    func noDecay() throws {
        let model = try CoOccurrenceModel.train(interactions, itemCount: 4, now: 31, configuration: .init())
        let neighbours = model.neighbours(of: 0)
        #expect(neighbours.map(\.item) == [2, 1])
        // C_02 = 2, n_0 = n_2 = 2: 2 / 2; C_01 = 1, n_1 = 1: 1 / sqrt(2).
        #expect(abs(neighbours[0].score - 1) < 1e-6)
        #expect(abs(neighbours[1].score - 1 / Float(2).squareRoot()) < 1e-6)
        #expect(model.neighbours(of: 3).isEmpty)
    }

    @Test("a short pair half-life ranks the consecutive purchase above the one 20 days later")
    func pairDecay() throws {
        let configuration = CoOccurrenceConfiguration(pairDecay: TimeDecay(halfLife: 1), normalization: .none)
        let model = try CoOccurrenceModel.train(interactions, itemCount: 4, now: 31, configuration: configuration)
        let fromOne = model.neighbours(of: 1)
        #expect(fromOne.map(\.item) == [0, 2])
        #expect(abs(fromOne[0].score - 0.5) < 1e-6)
        #expect(abs(fromOne[1].score - Float(pow(2.0, -20.0))) < 1e-9)
    }

    @Test("a maximum gap drops far pairs; age decay favours recent pairs")
    func gapAndAge() throws {
        let gapped = try CoOccurrenceModel.train(
            interactions, itemCount: 4, now: 31, configuration: .init(maximumGap: 5, normalization: .none))
        #expect(gapped.neighbours(of: 1).map(\.item) == [0])
        let aged = try CoOccurrenceModel.train(
            interactions, itemCount: 4, now: 31, configuration: .init(ageDecay: TimeDecay(halfLife: 1), normalization: .none))
        // Pair (0, 2) of user 1 at day 30 is 1 day old; pair (0, 1) at day 1 is 30 days old.
        #expect(aged.neighbours(of: 0).map(\.item) == [2, 1])
        #expect(abs(aged.neighbours(of: 0)[0].score - (0.5 + Float(pow(2.0, -10.0)))) < 1e-6)
    }

    @Test("scores sum similarities over the history, recent events weighing more")
    func historyDecay() throws {
        let configuration = CoOccurrenceConfiguration(historyDecay: TimeDecay(halfLife: 1), normalization: .none)
        let model = try CoOccurrenceModel.train(interactions, itemCount: 4, now: 31, configuration: configuration)
        // History: item 1 long ago, item 2 just now: item 0's neighbour 2 dominates.
        let query = RecommendationQuery(
            user: nil, history: [HistoryEvent(item: 1, time: 0), HistoryEvent(item: 2, time: 40)], now: 40)
        var scores = [Float]()
        model.score(query, into: &scores)
        #expect(abs(scores[0] - (2 + Float(pow(2.0, -40.0)))) < 1e-5)
        // Seen items 1 and 2 are excluded; item 3 co-occurs with nothing and scores 0.
        #expect(model.recommend(query, count: 4) == [ScoredItem(item: 0, score: scores[0]), ScoredItem(item: 3, score: 0)])
    }

    @Test("safetensors round trip gives identical neighbour lists and configuration")
    func roundTrip() throws {
        let configuration = CoOccurrenceConfiguration(
            pairDecay: TimeDecay(halfLife: 3), maximumGap: 25, historyDecay: TimeDecay(halfLife: 7), neighbours: 5,
            normalization: .jaccard)
        let model = try CoOccurrenceModel.train(interactions, itemCount: 4, now: 31, configuration: configuration)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("co-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let loaded = try CoOccurrenceModel(contentsOf: path)
        #expect(loaded.configuration == configuration)
        #expect(loaded.neighbourStarts == model.neighbourStarts)
        #expect(loaded.neighbourItems == model.neighbourItems)
        #expect(loaded.similarities == model.similarities)
    }
}
