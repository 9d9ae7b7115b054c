import RecommendationService
import StylecastContracts
import StylecastErrors
import StylecastProto
import Testing

/// A shop of twelve items in three categories and two colours, each bought with the next by
/// several users, and a price on every item but the last.
private func catalogue() -> (model: RecommenderModel, facts: [String: ItemFacts]) {
    var log: [LoggedInteraction] = []
    var sequence = 0
    let categories = ["dress", "top", "shoes"]
    var facts: [String: ItemFacts] = [:]
    for index in 0..<12 {
        facts["i\(index)"] = ItemFacts(.with {
            $0.category = categories[index % 3]
            $0.color = index % 2 == 0 ? "Black" : "red"
            $0.price = index == 11 ? 0 : Double(10 * (index + 1))
        })
    }
    for user in 0..<40 {
        for item in [user % 12, (user + 1) % 12, (user * 5) % 12] {
            sequence += 1
            log.append(
                LoggedInteraction(
                    entryID: "\(1000 + sequence)-0", interactionID: "tx\(sequence)", userID: "u\(user)", itemID: "i\(item)",
                    kind: "purchase", day: 100))
        }
    }
    let model = try! RecommenderTrainer(factors: 4, iterations: 3, repurchaseWindowDays: 28)
        .train(log, categories: facts.mapValues { $0.value(of: .category) }, version: 1)
    return (model, facts)
}

@Suite("request rules: validation, filters before the cut, diversity")
struct ListRulesTests {
    @Test("bad rules are refused naming the field and the limit")
    func validation() {
        func refusal(_ rules: Stylecast_V1_ListRules) -> InvalidInput? {
            do {
                _ = try ListRules(rules)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal(.with { $0.include = [.with { $0.attribute = "size"; $0.values = ["m"] }] })?.field == "rules.include[0].attribute")
        #expect(refusal(.with { $0.exclude = [.with { $0.attribute = "color" }] })?.field == "rules.exclude[0].values")
        #expect(refusal(.with { $0.minPrice = 50; $0.maxPrice = 20 })?.field == "rules.max_price")
        #expect(refusal(.with { $0.minPrice = -1 })?.field == "rules.min_price")
        #expect(refusal(.with { $0.maxPrice = .nan })?.field == "rules.max_price")
        let tooMany = refusal(.with { $0.excludeItemIds = (0...10_000).map { "i\($0)" } })
        #expect(tooMany?.field == "rules.exclude_item_ids")
        #expect(tooMany?.rule.contains("at most 10000") == true)
        #expect(refusal(.with { $0.diversity = .with { $0.attribute = "category" } })?.field == "rules.diversity.max_per_value")
        #expect(refusal(.with { $0.diversity = .with { $0.attribute = "mood"; $0.maxPerValue = 1 } })?.field == "rules.diversity.attribute")
        #expect(throws: Never.self) { try ListRules(.with { $0.excludeItemIds = (1...10_000).map { "i\($0)" } }) }
        #expect((try? ListRules(Stylecast_V1_ListRules()))?.isEmpty == true)
    }

    @Test("filters, price band and exclusions apply before the cut: k items come back whenever k are eligible")
    func filtersBeforeTheCut() throws {
        let (model, facts) = catalogue()
        let lookup: (String) -> ItemFacts? = { facts[$0] }
        let dresses = try ListRules(.with { $0.include = [.with { $0.attribute = "category"; $0.values = ["DRESS"] }] })
        // The filtered list is the full ranking's dresses, cut after the filter.
        let dressesRanked = model.recommend(userID: "u0", recent: [], count: 12).map(\.itemID)
            .filter { facts[$0]?.value(of: .category) == "dress" }
        #expect(dressesRanked.count >= 3)
        let list = model.recommend(userID: "u0", recent: [], count: 3, rules: dresses, facts: lookup)
        #expect(list.map(\.itemID) == Array(dressesRanked.prefix(3)))
        #expect(model.recommend(userID: "u0", recent: [], count: 10, rules: dresses, facts: lookup).map(\.itemID) == dressesRanked)

        let band = try ListRules(.with { $0.minPrice = 30; $0.maxPrice = 80; $0.exclude = [.with { $0.attribute = "color"; $0.values = ["red"] }] })
        let banded = model.popular(count: 12, rules: band, facts: lookup)
        #expect(Set(banded.map(\.itemID)) == ["i2", "i4", "i6"])

        let cart = try ListRules(.with { $0.excludeItemIds = ["i3", "i7"] })
        let plain = model.popular(count: 12)
        let withoutCart = model.popular(count: 12, rules: cart, facts: lookup)
        #expect(withoutCart.map(\.itemID) == plain.map(\.itemID).filter { $0 != "i3" && $0 != "i7" })
        // An item without facts passes no filter and no price bound.
        let unknown = model.popular(count: 12, rules: band, facts: { _ in nil })
        #expect(unknown.isEmpty)
    }

    @Test("diversity keeps at most N per value, the best of each first, in every list kind")
    func diversity() throws {
        let (model, facts) = catalogue()
        let lookup: (String) -> ItemFacts? = { facts[$0] }
        let rules = try ListRules(.with { $0.diversity = .with { $0.attribute = "category"; $0.maxPerValue = 2 } })
        let plain = model.popular(count: 12)
        let diverse = model.popular(count: 6, rules: rules, facts: lookup)
        #expect(diverse.count == 6)
        var perCategory: [String: Int] = [:]
        for item in diverse { perCategory[facts[item.itemID]!.value(of: .category), default: 0] += 1 }
        #expect(perCategory.values.allSatisfy { $0 == 2 })
        // The best two of each category, in the plain ranking's order.
        var expected: [String] = []
        var counts: [String: Int] = [:]
        for item in plain where counts[facts[item.itemID]!.value(of: .category), default: 0] < 2 {
            counts[facts[item.itemID]!.value(of: .category), default: 0] += 1
            expected.append(item.itemID)
        }
        #expect(diverse.map(\.itemID) == expected)
        let user = model.recommend(userID: "u5", recent: [], count: 6, rules: rules, facts: lookup)
        #expect(user.count == 6)
        let look = model.completeTheLook(for: model.items["i0"]!, count: 4, rules: rules, facts: lookup)
        var lookCounts: [String: Int] = [:]
        for item in look { lookCounts[facts[item.itemID]!.value(of: .category), default: 0] += 1 }
        #expect(lookCounts.values.allSatisfy { $0 <= 2 })
        #expect(!look.contains { facts[$0.itemID]!.value(of: .category) == "dress" })
    }
}

@Suite("rule lists: the key of a rule list")
struct RuleListKeyTests {
    @Test("the filter key ignores order and case, exclusions and diversity, and no value reads as two")
    func filterKey() throws {
        func rules(_ change: (inout Stylecast_V1_ListRules) -> Void) throws -> ListRules {
            var message = Stylecast_V1_ListRules()
            change(&message)
            return try ListRules(message)
        }
        let a = try rules {
            $0.include = [.with { $0.attribute = "category"; $0.values = ["Dress", "skirt"] }, .with { $0.attribute = "color"; $0.values = ["red"] }]
            $0.excludeItemIds = ["i1"]
        }
        let b = try rules {
            $0.include = [.with { $0.attribute = "color"; $0.values = ["red"] }, .with { $0.attribute = "category"; $0.values = ["skirt", "dress"] }]
            $0.diversity = .with { $0.attribute = "category"; $0.maxPerValue = 2 }
        }
        #expect(a.filterKey == b.filterKey)
        let joined = try rules { $0.include = [.with { $0.attribute = "category"; $0.values = ["a|b"] }] }
        let split = try rules { $0.include = [.with { $0.attribute = "category"; $0.values = ["a", "b"] }] }
        #expect(joined.filterKey != split.filterKey)
        #expect(try rules { $0.maxPrice = 50 }.filterKey != ListRules().filterKey)
        let filters = a.filtersOnly
        #expect(filters.excludedItems.isEmpty && filters.readsFacts && filters.diversity == nil)
    }
}

@Suite("item state: withdrawn items leave every list; a slow bulk read never overwrites a newer state")
struct ItemStateTests {
    @Test("the catalogue keeps the state of the read that began last, whatever order the reads end in")
    func catalogueStamps() {
        let catalogue = ItemCatalogue()
        let slowBulkRead = catalogue.stamp()
        let followerRead = catalogue.stamp()
        catalogue.merge(["i1": .with { $0.outOfStock = true; $0.price = 20 }], readAt: followerRead)
        // The bulk read began first and ends last: its older body of i1 is not taken.
        catalogue.merge(["i1": .with { $0.price = 10 }, "i2": .with { $0.hidden = true }], readAt: slowBulkRead)
        #expect(catalogue.withdrawn == ["i1", "i2"])
        #expect(catalogue.snapshot.facts["i1"]?.price == 20)
        let generation = catalogue.factsGeneration
        let backInStock = catalogue.stamp()
        catalogue.merge(["i1": .with { $0.price = 20 }], readAt: backInStock)
        #expect(catalogue.withdrawn == ["i2"])
        #expect(catalogue.snapshot.facts["i1"]?.isListed == true)
        // A known item's facts changed: the generation rises; the same facts again or a new item
        // leave it.
        #expect(catalogue.factsGeneration == generation + 1)
        catalogue.merge(["i1": .with { $0.price = 20 }, "i3": .with { $0.price = 5 }], readAt: catalogue.stamp())
        #expect(catalogue.factsGeneration == generation + 1)
    }

    @Test("withdrawn items are scored out before the cut: k items remain, in the order of the full ranking")
    func withdrawnBeforeTheCut() {
        let (model, facts) = catalogue()
        let full = model.recommend(userID: "u3", recent: [], count: 12).map(\.itemID)
        let withdrawn = Set(full.prefix(2))
        var rules = ListRules()
        rules.withdrawn = withdrawn
        #expect(!rules.isEmpty && !rules.readsFacts)
        let listed = model.recommend(userID: "u3", recent: [], count: 4, rules: rules, facts: { facts[$0] }).map(\.itemID)
        #expect(listed == Array(full.filter { !withdrawn.contains($0) }.prefix(4)))
        let popular = model.popular(count: 3, rules: rules).map(\.itemID)
        #expect(popular == Array(model.popular(count: 12).map(\.itemID).filter { !withdrawn.contains($0) }.prefix(3)))
        #expect(model.completeTheLook(for: model.items["i0"]!, count: 6, rules: rules, facts: { facts[$0] })
            .allSatisfy { !withdrawn.contains($0.itemID) })
    }
}
