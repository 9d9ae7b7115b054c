import RecommendationService
import StylecastContracts
import Testing

/// A small shop: two baskets that always go together (skirt + top, trousers + shoes), bought
/// by many users on the same day, and one user with a repeat purchase.
private func shop() -> ([LoggedInteraction], [String: String]) {
    var log: [LoggedInteraction] = []
    var sequence = 0
    func buy(_ user: String, _ item: String, day: Double, kind: String = "purchase") {
        sequence += 1
        log.append(
            LoggedInteraction(
                entryID: "\(1000 + sequence)-0", interactionID: "tx\(sequence)", userID: user, itemID: item, kind: kind,
                day: day))
    }
    for index in 0..<20 {
        buy("u\(index)", "skirt", day: 100)
        buy("u\(index)", "top", day: 100)
    }
    for index in 20..<30 {
        buy("u\(index)", "trousers", day: 101)
        buy("u\(index)", "shoes", day: 101)
        buy("u\(index)", "hat", day: 101)
    }
    buy("loyal", "socks", day: 90)
    buy("loyal", "socks", day: 95)
    buy("loyal", "skirt", day: 60)
    buy("reader", "trousers", day: 101, kind: "review")
    let categories = [
        "skirt": "skirt", "top": "top", "trousers": "trousers", "shoes": "shoes", "hat": "hat", "socks": "socks",
    ]
    return (log, categories)
}

private let trainer = RecommenderTrainer(factors: 8, iterations: 5, repurchaseWindowDays: 28)

@Suite("recommendation core: training, scoring, encoding")
struct TrainingAndScoringTests {
    @Test("a trained model counts users, items and interactions and keeps the last entry id as watermark")
    func trainingCounts() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 7)
        #expect(model.users.count == 32)
        #expect(model.items.count == 6)
        #expect(model.interactionCount == log.count)
        #expect(model.watermark == log.last?.entryID)
        #expect(model.now == 101)
    }

    @Test("Recommend leaves out what the user saw; a new user who viewed the skirt gets the co-bought top first")
    func excludesPurchases() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 1)
        let buyer = try #require(
            LoggedInteraction(
                entryID: "9999-0",
                entry: InteractionEntry(fields: ["user_id": "new", "item_id": "skirt", "timestamp": "8640000", "kind": "view"].get)))
        let items = model.recommend(userID: "new", recent: [buyer], count: 3)
        #expect(items.first?.itemID == "top")
        #expect(!items.map(\.itemID).contains("skirt"))
    }

    @Test("an anonymous session that viewed the trousers gets the shoes and the hat bought with them first, the views left out")
    func anonymousSession() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 1)
        let session = model.recommend(userID: "", recent: [], context: ["trousers", "unknown-item"], count: 3)
        #expect(Set(session.prefix(2).map(\.itemID)) == ["shoes", "hat"])
        #expect(!session.map(\.itemID).contains("trousers"))
        // Without the context the same anonymous call is the popular list, which leads with the skirt and top.
        let popular = model.recommend(userID: "", recent: [], count: 3)
        #expect(popular.allSatisfy { $0.reason == .popular })
        #expect(Set(popular.prefix(2).map(\.itemID)) == ["skirt", "top"])
    }

    @Test("an item bought twice stays eligible (repurchase rule); one bought once long ago or reviewed does not")
    func repurchaseRule() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 1)
        let loyal = model.recommend(userID: "loyal", recent: [], count: 6)
        #expect(loyal.first { $0.itemID == "socks" }?.reason == .repurchase)
        #expect(!loyal.map(\.itemID).contains("skirt"))
        #expect(!model.recommend(userID: "reader", recent: [], count: 6).map(\.itemID).contains("trousers"))
    }

    @Test("an unknown user without events gets the most popular items")
    func unknownUserGetsPopular() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 1)
        let items = model.recommend(userID: "stranger", recent: [], count: 2)
        #expect(items.count == 2)
        #expect(items.allSatisfy { $0.reason == .popular })
        // Day 101's three items were bought 10 times each, a day after day 100's 20 each.
        #expect(Set(items.map(\.itemID)).isSubset(of: ["skirt", "top", "trousers", "shoes", "hat"]))
    }

    @Test("CompleteTheLook of trousers gives shoes (co-bought, complementary), never the hat")
    func completeTheLook() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 1)
        let look = model.completeTheLook(for: try #require(model.items["trousers"]), count: 3)
        #expect(look.first?.itemID == "shoes")
        #expect(look.first?.reason == .cooccurrence)
        #expect(look.allSatisfy { ComplementTable.complements(of: "trousers").contains(categories[$0.itemID] ?? "") })
    }

    @Test("the encoded model decodes to one that answers the same")
    func codecRoundTrip() throws {
        let (log, categories) = shop()
        let model = try trainer.train(log, categories: categories, version: 42)
        let decoded = try ModelCodec.decode(try ModelCodec.encode(model))
        #expect(decoded.version == 42)
        #expect(decoded.watermark == model.watermark)
        #expect(decoded.users == model.users && decoded.items == model.items)
        #expect(decoded.histories == model.histories)
        #expect(decoded.categories == model.categories)
        for user in ["u0", "u25", "loyal", "stranger"] {
            #expect(decoded.recommend(userID: user, recent: [], count: 5) == model.recommend(userID: user, recent: [], count: 5))
        }
        #expect(throws: RecommendationError.self) { try ModelCodec.decode(Array("not a model".utf8)) }
    }

    @Test("stream entry ids compare numerically", arguments: [
        ("2-0", "10-0", false), ("10-0", "2-0", true), ("5-3", "5-12", false), ("5-12", "5-3", true), ("5-3", "5-3", false),
    ])
    func entryOrder(a: String, b: String, after: Bool) {
        #expect(StreamEntryID.isAfter(a, b) == after)
    }
}

extension Dictionary where Key == String, Value == String {
    fileprivate func get(_ key: String) -> String? { self[key] }
}
