import Foundation
import StylecastRecommender
import Testing

/// Two blocks: users 0-3 bought items 0-3, users 4-7 bought items 4-7; user 0 lacks item 3 and
/// user 4 lacks item 7.
func blockInteractions() -> [Interaction] {
    var interactions = [Interaction]()
    for user in 0..<8 {
        let items = user < 4 ? Array(0..<4) : Array(4..<8)
        for item in items where !(user == 0 && item == 3) && !(user == 4 && item == 7) {
            interactions.append(Interaction(user: user, item: item))
        }
    }
    return interactions
}

@Suite("Implicit ALS")
struct ALSModelTests {
    let configuration = ALSConfiguration(factors: 4, regularization: 0.01, alpha: 10, iterations: 15)

    func trained() throws -> ALSModel {
        let matrix = try InteractionMatrix(userCount: 8, itemCount: 8, interactions: blockInteractions())
        return try ALSModel.train(matrix, configuration: configuration)
    }

    @Test("recommends the unseen item of the user's block first, never a seen item")
    func blockStructure() throws {
        let model = try trained()
        let history0 = [0, 1, 2].map { HistoryEvent(item: $0) }
        let top0 = model.recommend(RecommendationQuery(user: 0, history: history0, now: 0), count: 2)
        #expect(top0.map(\.item).first == 3)
        #expect(!top0.contains { [0, 1, 2].contains($0.item) })
        let history4 = [4, 5, 6].map { HistoryEvent(item: $0) }
        #expect(model.recommend(RecommendationQuery(user: 4, history: history4, now: 0), count: 1).map(\.item) == [7])
    }

    @Test("fits the observed preferences: seen items near 1, the other block near 0")
    func reconstruction() throws {
        let model = try trained()
        var scores = [Float]()
        model.score(user: 1, into: &scores)
        for item in 0..<4 { #expect(abs(scores[item] - 1) < 0.15) }
        for item in 4..<8 { #expect(abs(scores[item]) < 0.1) }
    }

    @Test("fold-in solves the regularised weighted normal equations; a partial history ranks its block first")
    func foldIn() throws {
        let model = try trained()
        let history = [HistoryEvent(item: 5), HistoryEvent(item: 6)]
        let x = model.foldIn(history).map(Double.init)
        let y = model.itemFactors.scalars.map(Double.init)
        let k = 4
        let confidence = 1 + Double(configuration.alpha)
        // A x = b with A = YtY + sum over the history of (c - 1) y yT + lambda I, b = sum of c y.
        for row in 0..<k {
            var ax = Double(configuration.regularization) * x[row]
            for item in 0..<8 {
                let weight = [5, 6].contains(item) ? confidence : 1
                let projection = (0..<k).reduce(0.0) { $0 + y[item * k + $1] * x[$1] }
                ax += weight * y[item * k + row] * projection
            }
            let b = [5, 6].reduce(0.0) { $0 + confidence * y[$1 * k + row] }
            #expect(abs(ax - b) < 1e-3 * max(1, abs(b)))
        }
        let query = RecommendationQuery(user: nil, history: history, now: 0)
        #expect(model.recommend(query, count: 1).map(\.item) == [4])
    }

    @Test("same seed, same factors; block scoring equals per-user scoring")
    func determinism() throws {
        let first = try trained()
        let second = try trained()
        #expect(first.userFactors.scalars == second.userFactors.scalars)
        #expect(first.itemFactors.scalars == second.itemFactors.scalars)
        var block = [Float]()
        first.score(users: 2..<5, into: &block)
        var single = [Float]()
        first.score(user: 3, into: &single)
        for item in 0..<8 { #expect(abs(block[8 + item] - single[item]) < 1e-6) }
    }

    @Test("safetensors round trip gives identical factors and configuration")
    func roundTrip() throws {
        let model = try trained()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("als-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let loaded = try ALSModel(contentsOf: path)
        #expect(loaded.configuration == model.configuration)
        #expect(loaded.userFactors.shape == [8, 4])
        #expect(loaded.userFactors.scalars == model.userFactors.scalars)
        #expect(loaded.itemFactors.scalars == model.itemFactors.scalars)
    }

    @Test("a file of another kind is refused with the path in the error")
    func wrongKind() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("co-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try CoOccurrenceModel.train(blockInteractions(), itemCount: 8, now: 0, configuration: .init())
        try model.save(to: path)
        #expect(throws: RecommenderError.invalidModelFile(path: path, reason: "kind must be implicit-als")) {
            try ALSModel(contentsOf: path)
        }
    }

    @Test("bad hyper-parameters are refused by name")
    func invalidConfiguration() throws {
        let matrix = try InteractionMatrix(userCount: 1, itemCount: 1, interactions: [])
        #expect(throws: RecommenderError.invalidParameter(name: "factors", rule: "must be at least 1")) {
            try ALSModel.train(matrix, configuration: ALSConfiguration(factors: 0))
        }
    }
}
