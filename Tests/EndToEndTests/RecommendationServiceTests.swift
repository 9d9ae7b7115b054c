import Foundation
import FoundationNetworking
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// Ingest (real binary, real H&M data) plus one or more recommendation services on one Redis.
struct RecommendationHarness {
    var ingest: IngestHarness

    static func start(articles: Bool = true, transactionLimit: Int? = nil) async throws -> RecommendationHarness {
        let ingest = try await IngestHarness.start()
        if articles {
            let result = try await ingest.ingestFile(source: "hm", path: SharedDatasets.path("hm/articles_train.csv.gz"))
            try #require(result.status == 0, "articles: \(result.output)")
        }
        let transactions = try await ingest.ingestFile(
            source: "hm", path: SharedDatasets.path("hm/transactions_train.csv.gz"),
            extra: transactionLimit.map { ["--limit", "\($0)"] } ?? [])
        try #require(transactions.status == 0, "transactions: \(transactions.output)")
        return RecommendationHarness(ingest: ingest)
    }

    /// Starts a recommendation service and waits until it is SERVING.
    func startRecommendation(environment: [String: String] = [:]) async throws -> RunningService {
        let service = try IngestHarness.startService(
            "recommendation", redis: ingest.redis.url,
            environment: ["STYLECAST_REC_ALS_ITERATIONS": "5"].merging(environment) { _, new in new })
        try await service.requireServing(timeout: .seconds(120))
        return service
    }

    /// Every purchase in the interactions stream, by user: item ids and days.
    func purchases() async throws -> [String: [(item: String, day: Double)]] {
        var byUser: [String: [(item: String, day: Double)]] = [:]
        let interactions = try await ingest.client.allStreamEntries(WorkStream.interactions.key, chunk: 5000) { entry in
            InteractionEntry(fields: { entry[$0] })
        }
        for interaction in interactions where interaction[.kind] == "purchase" && !interaction[.userID].isEmpty {
            byUser[interaction[.userID], default: []].append(
                (interaction[.itemID], (Double(interaction[.timestamp]) ?? 0) / 86_400))
        }
        return byUser
    }

    func stop(_ services: [RunningService]) async {
        for service in services where service.process.isRunning { await service.stop() }
        await ingest.stop()
    }
}

func recommend(_ service: RunningService, user: String, k: UInt32) async throws -> Stylecast_V1_RecommendResponse {
    try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
        try await rec.recommend(.with {
            $0.userID = user
            $0.k = k
        })
    }
}

func category(of itemID: String, ingest: RunningService) async throws -> String {
    try await ingest.withClient(Stylecast_V1_Ingest.Client.init) { try await $0.getItem(.with { $0.itemID = itemID }).category }
}

@Suite("recommendation over gRPC with the real H&M data", .serialized, .timeLimit(.minutes(20)))
struct RecommendationServiceTests {
    @Test("Refresh trains on every H&M purchase; Recommend excludes purchases (repurchase rule aside), caches, and a new interaction invalidates")
    func recommendCacheAndInvalidation() async throws {
        let harness = try await RecommendationHarness.start()
        let metricsPort = try TestRedisServer.freeLoopbackPort()
        let service = try await harness.startRecommendation(environment: ["STYLECAST_METRICS_PORT": "\(metricsPort)"])
        var running = [service]
        let purchases = try await harness.purchases()
        let refreshed = try await service.withClient(Stylecast_V1_Recommendation.Client.init) { try await $0.refresh(.init()) }
        #expect(refreshed.users == UInt64(purchases.count))
        #expect(refreshed.interactions == UInt64(purchases.values.map(\.count).reduce(0, +)))
        #expect(refreshed.users == 1364)
        #expect(refreshed.interactions == 31_662)
        #expect(refreshed.trainingMs > 0)
        let now = purchases.values.flatMap { $0.map(\.day) }.max() ?? 0

        // The customer with the most purchases among those with none in the last 28 days, so
        // that only items bought twice can come back as repurchases.
        let (user, bought) = try #require(
            purchases.filter { now - ($0.value.map(\.day).max() ?? 0) > 28 }.max { $0.value.count < $1.value.count })
        let first = try await recommend(service, user: user, k: 12)
        #expect(first.items.count == 12)
        #expect(!first.fromCache)
        for item in first.items {
            let days = bought.filter { $0.item == item.itemID }.map(\.day)
            // Bought before: allowed only as a repurchase candidate (within 28 days or twice).
            #expect(days.isEmpty || days.count >= 2 || now - days.max()! <= 28, "\(item.itemID) was bought by \(user)")
        }
        #expect(
            Set(first.items.map(\.reason)).isSubset(
                of: [RecommendationReason.als, .cooccurrence, .popular, .repurchase].map(\.rawValue)))
        let second = try await recommend(service, user: user, k: 12)
        #expect(second.fromCache)
        #expect(second.items == first.items)
        let fewer = try await recommend(service, user: user, k: 5)
        #expect(fewer.fromCache && fewer.items == Array(first.items.prefix(5)))
        // Later hits come from the replica's near cache, once its copy of the entry is made (the
        // fill's own invalidation may void the first read's copy).
        var nearHits = 0.0
        let copied = ContinuousClock.now + .seconds(5)
        while nearHits == 0 && ContinuousClock.now < copied {
            let again = try await recommend(service, user: user, k: 12)
            #expect(again.fromCache && again.items == first.items)
            nearHits = try await cacheLookups(metricsPort: metricsPort)["near"] ?? 0
        }
        #expect(nearHits > 0, "no near-cache hit")
        #expect(try await cacheLookups(metricsPort: metricsPort)["miss"] == 1)

        // A new interaction through ingest invalidates the entry and excludes the item.
        let viewed = try #require(first.items.first { !bought.map(\.item).contains($0.itemID) }).itemID
        _ = try await harness.ingest.ingest.withClient(Stylecast_V1_Ingest.Client.init) { ingest in
            try await ingest.ingestInteractions(.with {
                $0.interactions = [.with {
                    $0.userID = user
                    $0.itemID = viewed
                    $0.kind = "view"
                    $0.timestamp = Int64(now * 86_400)
                    $0.source = "test"
                    $0.interactionID = "test:view:1"
                }]
            })
        }
        var after = try await recommend(service, user: user, k: 12)
        let deadline = ContinuousClock.now + .seconds(10)
        while after.fromCache && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            after = try await recommend(service, user: user, k: 12)
        }
        #expect(!after.fromCache)
        #expect(!after.items.map(\.itemID).contains(viewed))
        #expect(after.items.count == 12)

        // An unknown user gets popular items; bad k names the field.
        let stranger = try await recommend(service, user: "hm:nobody", k: 10)
        #expect(stranger.items.count == 10)
        #expect(stranger.items.allSatisfy { $0.reason == RecommendationReason.popular.rawValue })
        for k: UInt32 in [0, 1001] {
            await expectRPCError(.invalidArgument, prefix: "k:") { try await recommend(service, user: user, k: k) }
        }

        // A second replica loads the stored model; with a 1 s TTL its entries expire.
        let replica = try await harness.startRecommendation(environment: ["STYLECAST_REC_CACHE_TTL_S": "1"])
        running.append(replica)
        let other = try #require(purchases.keys.sorted().first { $0 != user })
        let fromReplica = try await recommend(replica, user: other, k: 8)
        #expect(!fromReplica.fromCache)
        #expect(try await recommend(replica, user: other, k: 8).fromCache)
        #expect(try await recommend(service, user: other, k: 8).items == fromReplica.items)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try await recommend(replica, user: other, k: 8).fromCache == false)
        await harness.stop(running)
    }

    @Test("SimilarItems and CompleteTheLook on real articles: neighbours bought together, complementary categories; unknown item is NOT_FOUND")
    func itemRPCs() async throws {
        let harness = try await RecommendationHarness.start()
        let service = try await harness.startRecommendation()
        let purchases = try await harness.purchases()
        // The most bought pair of trousers.
        var counts: [String: Int] = [:]
        for list in purchases.values { for purchase in list { counts[purchase.item, default: 0] += 1 } }
        var trousers: String?
        for (item, _) in counts.sorted(by: { $0.value > $1.value }).prefix(300) {
            if try await category(of: item, ingest: harness.ingest.ingest) == "trousers" {
                trousers = item
                break
            }
        }
        let item = try #require(trousers)
        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            let similar = try await rec.similarItems(.with {
                $0.itemID = item
                $0.k = 10
            })
            #expect(similar.items.count == 10)
            #expect(similar.items.allSatisfy { $0.reason == RecommendationReason.cooccurrence.rawValue && $0.itemID != item })
            let look = try await rec.completeTheLook(.with {
                $0.itemID = item
                $0.k = 10
            })
            #expect(look.items.count == 10)
            let complements: Set<String> = [
                "top", "t-shirt", "shirt", "blouse", "polo", "sweater", "cardigan", "sweatshirt", "hoodie", "kurta",
                "jacket", "coat", "blazer", "waistcoat", "shoes", "boots", "sneakers", "sandals", "heels", "flats",
                "flip-flops",
            ]
            for entry in look.items {
                let found = try await category(of: entry.itemID, ingest: harness.ingest.ingest)
                #expect(complements.contains(found), "\(entry.itemID) is \(found)")
            }
            #expect(look.items.contains { $0.reason == RecommendationReason.cooccurrence.rawValue })
            await expectRPCError(.notFound) {
                try await rec.similarItems(.with {
                    $0.itemID = "hm:0000000000"
                    $0.k = 5
                })
            }
        }
        await harness.stop([service])
    }

    @Test("request rules on the real H&M data: a category filter still gives k of it, cart items never appear, at most 2 per category, bad rules named")
    func requestRules() async throws {
        let harness = try await RecommendationHarness.start()
        let service = try await harness.startRecommendation()
        let purchases = try await harness.purchases()
        _ = try await service.withClient(Stylecast_V1_Recommendation.Client.init) { try await $0.refresh(.init()) }
        let (user, _) = try #require(purchases.max { $0.value.count < $1.value.count })
        var categories: [String: String] = [:]
        func categoryOf(_ itemID: String) async throws -> String {
            if let known = categories[itemID] { return known }
            // Some purchased articles have no stored record: no category (diversity counts them under "").
            let found: String
            do {
                found = try await category(of: itemID, ingest: harness.ingest.ingest)
            } catch let error as RPCError where error.code == .notFound {
                found = ""
            }
            categories[itemID] = found
            return found
        }
        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            let plain = try await rec.recommend(.with {
                $0.userID = user
                $0.k = 10
            })
            #expect(plain.items.count == 10)
            // A category the plain list does not lead with: the filter must reach past the cut.
            let dresses = try await rec.recommend(.with {
                $0.userID = user
                $0.k = 10
                $0.rules.include = [.with { $0.attribute = "category"; $0.values = ["dress"] }]
            })
            #expect(dresses.items.count == 10)
            for item in dresses.items { #expect(try await categoryOf(item.itemID) == "dress", "\(item.itemID)") }
            // Deeper than the cached list (50): computed over the whole ranking. Its head is the
            // answer above, whether that came from the cached list or not.
            let deepDresses = try await rec.recommend(.with {
                $0.userID = user
                $0.k = 60
                $0.rules.include = [.with { $0.attribute = "category"; $0.values = ["dress"] }]
            })
            #expect(!deepDresses.fromCache)
            #expect(Array(deepDresses.items.prefix(10).map(\.itemID)) == dresses.items.map(\.itemID))

            // A category the cached plain list (50 deep) has too few of: the first call ranks with
            // the filter and keeps that rule list; the next, with another cart, is answered from it.
            var headCategories: [String: Int] = [:]
            for item in try await rec.recommend(.with { $0.userID = user; $0.k = 50 }).items {
                headCategories[try await categoryOf(item.itemID), default: 0] += 1
            }
            let rare = try #require(["trousers", "sweater", "t-shirt", "skirt", "shorts", "blouse", "jacket", "top", "dress"]
                .first { headCategories[$0, default: 0] < 10 })
            func rareList(excluding cart: [String]) async throws -> Stylecast_V1_RecommendResponse {
                try await rec.recommend(.with {
                    $0.userID = user
                    $0.k = 10
                    $0.rules.include = [.with { $0.attribute = "category"; $0.values = [rare] }]
                    $0.rules.excludeItemIds = cart
                })
            }
            let ranked = try await rareList(excluding: [])
            #expect(!ranked.fromCache && ranked.items.count == 10, "\(rare): \(headCategories)")
            let again = try await rareList(excluding: [ranked.items[0].itemID])
            #expect(again.fromCache)
            #expect(Array(again.items.map(\.itemID).prefix(9)) == ranked.items.dropFirst().map(\.itemID))

            // The cart: the plain list's first five, never in the answer.
            let cart = plain.items.prefix(5).map(\.itemID)
            let withCart = try await rec.recommend(.with {
                $0.userID = user
                $0.k = 10
                $0.rules.excludeItemIds = cart
            })
            #expect(withCart.items.count == 10)
            #expect(withCart.fromCache, "45 of the 50 cached items pass the rules")
            #expect(Set(withCart.items.map(\.itemID)).isDisjoint(with: cart))
            #expect(Array(withCart.items.prefix(5).map(\.itemID)) == plain.items.dropFirst(5).map(\.itemID))

            let diverse = try await rec.recommend(.with {
                $0.userID = user
                $0.k = 10
                $0.rules.diversity = .with { $0.attribute = "category"; $0.maxPerValue = 2 }
            })
            #expect(diverse.items.count == 10)
            var perCategory: [String: Int] = [:]
            for item in diverse.items { perCategory[try await categoryOf(item.itemID), default: 0] += 1 }
            #expect(perCategory.values.allSatisfy { $0 <= 2 }, "\(perCategory)")

            // The item RPCs take the same rules.
            let seed = try #require(plain.items.first?.itemID)
            let seedCategory = try await categoryOf(seed)
            let similar = try await rec.similarItems(.with {
                $0.itemID = seed
                $0.k = 10
                $0.rules.exclude = [.with { $0.attribute = "category"; $0.values = [seedCategory] }]
                $0.rules.excludeItemIds = cart
            })
            #expect(similar.items.count == 10)
            for item in similar.items {
                #expect(try await categoryOf(item.itemID) != seedCategory)
                #expect(!cart.contains(item.itemID))
            }
            let look = try await rec.completeTheLook(.with {
                $0.itemID = seed
                $0.k = 6
                $0.rules.diversity = .with { $0.attribute = "category"; $0.maxPerValue = 1 }
            })
            #expect(!look.items.isEmpty)
            var lookCategories: Set<String> = []
            for item in look.items { lookCategories.insert(try await categoryOf(item.itemID)) }
            #expect(lookCategories.count == look.items.count)

            // Bad rules: INVALID_ARGUMENT naming the field.
            let bad: [(String, Stylecast_V1_ListRules)] = [
                ("rules.include[0].attribute", .with { $0.include = [.with { $0.attribute = "size"; $0.values = ["m"] }] }),
                ("rules.max_price", .with { $0.minPrice = 50; $0.maxPrice = 10 }),
                ("rules.exclude_item_ids", .with { $0.excludeItemIds = (0...10_000).map { "hm:\($0)" } }),
                ("rules.diversity.max_per_value", .with { $0.diversity = .with { $0.attribute = "category" } }),
            ]
            for (field, rules) in bad {
                await expectRPCError(.invalidArgument, containing: [field]) {
                    try await rec.recommend(.with {
                        $0.userID = user
                        $0.k = 10
                        $0.rules = rules
                    })
                }
                await expectRPCError(.invalidArgument, containing: [field]) {
                    try await rec.similarItems(.with {
                        $0.itemID = seed
                        $0.k = 10
                        $0.rules = rules
                    })
                }
            }
        }
        await harness.stop([service])
    }

    @Test("item state on the real H&M data: out of stock and hidden leave every list within 2 s, a price band gives k items in it, no-op updates are duplicates")
    func itemState() async throws {
        let harness = try await RecommendationHarness.start()
        let service = try await harness.startRecommendation()
        let purchases = try await harness.purchases()
        _ = try await service.withClient(Stylecast_V1_Recommendation.Client.init) { try await $0.refresh(.init()) }
        let (user, _) = try #require(purchases.max { $0.value.count < $1.value.count })
        func update(_ updates: [Stylecast_V1_ItemUpdate]) async throws -> Stylecast_V1_IngestSummary {
            try await harness.ingest.ingest.withClient(Stylecast_V1_Ingest.Client.init) {
                try await $0.updateItems(.with { $0.updates = updates })
            }
        }
        /// Asks `request` every 50 ms until `holds` is true of the answer; the time it took.
        func waitFor(
            within limit: Duration = .seconds(2), _ request: @escaping () async throws -> Stylecast_V1_RecommendResponse,
            until holds: (Stylecast_V1_RecommendResponse) -> Bool
        ) async throws -> (Duration, Stylecast_V1_RecommendResponse) {
            let started = ContinuousClock.now
            var answer = try await request()
            while !holds(answer), ContinuousClock.now - started < limit + .seconds(3) {
                try await Task.sleep(for: .milliseconds(50))
                answer = try await request()
            }
            return (ContinuousClock.now - started, answer)
        }
        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            let plain = try await rec.recommend(.with { $0.userID = user; $0.k = 10 })
            #expect(plain.items.count == 10)
            #expect(try await rec.recommend(.with { $0.userID = user; $0.k = 10 }).fromCache)
            let outOfStock = plain.items[0].itemID
            let hidden = plain.items[1].itemID
            // An item whose SimilarItems list holds the item going out of stock.
            var neighbour: String?
            for candidate in try await rec.similarItems(.with { $0.itemID = outOfStock; $0.k = 10 }).items {
                let list = try await rec.similarItems(.with { $0.itemID = candidate.itemID; $0.k = 20 })
                if list.items.contains(where: { $0.itemID == outOfStock }) {
                    neighbour = candidate.itemID
                    break
                }
            }
            let similarSeed = try #require(neighbour)

            let marked = try await update([
                .with { $0.itemID = outOfStock; $0.outOfStock = true }, .with { $0.itemID = hidden; $0.hidden = true },
            ])
            #expect(marked.accepted == 2 && marked.duplicates == 0 && marked.rejected == 0, "\(marked)")
            let gone = { (answer: Stylecast_V1_RecommendResponse) in
                !answer.items.contains { $0.itemID == outOfStock || $0.itemID == hidden }
            }
            // The cached list is not served once it holds a withdrawn item.
            let (elapsed, after) = try await waitFor({ try await rec.recommend(.with { $0.userID = user; $0.k = 10 }) }, until: gone)
            #expect(elapsed < .seconds(2), "withdrawn items left the cached list after \(elapsed)")
            #expect(gone(after) && after.items.count == 10)
            #expect(Array(after.items.prefix(8).map(\.itemID)) == plain.items.dropFirst(2).map(\.itemID))
            let similar = try await rec.similarItems(.with { $0.itemID = similarSeed; $0.k = 20 })
            #expect(gone(similar) && similar.items.count == 20)
            let withRules = try await rec.recommend(.with {
                $0.userID = user
                $0.k = 10
                $0.rules.diversity = .with { $0.attribute = "category"; $0.maxPerValue = 10 }
            })
            #expect(gone(withRules) && withRules.items.count == 10)
            let stored = try await harness.ingest.ingest.withClient(Stylecast_V1_Ingest.Client.init) {
                try await $0.getItem(.with { $0.itemID = outOfStock })
            }
            #expect(stored.outOfStock && !stored.hidden)

            // The same updates again change nothing: duplicates. Bad updates are named.
            let again = try await update([
                .with { $0.itemID = outOfStock; $0.outOfStock = true }, .with { $0.itemID = hidden; $0.hidden = true },
            ])
            #expect(again.accepted == 0 && again.duplicates == 2, "\(again)")
            let bad = try await update([
                .with { $0.itemID = "hm:no-such-article"; $0.hidden = true }, .with { $0.itemID = hidden; $0.price = -1 },
                .with { $0.itemID = hidden },
            ])
            #expect(bad.rejected == 3)
            #expect(bad.errors.sorted { $0.index < $1.index }.map(\.field) == ["item_id", "price", "out_of_stock/price/hidden"], "\(bad.errors)")

            // Back in stock: a list computed afresh (deeper than the cached 50) has it again, first;
            // the cached list, recomputed while it was out, gets it back when recomputed again.
            #expect(try await update([.with { $0.itemID = outOfStock; $0.outOfStock = false }]).accepted == 1)
            let (_, restored) = try await waitFor({
                try await rec.recommend(.with { $0.userID = user; $0.k = 60; $0.rules.excludeItemIds = [hidden] })
            }, until: { $0.items.first?.itemID == outOfStock })
            #expect(!restored.fromCache)
            #expect(restored.items.first?.itemID == outOfStock)

            // A price band: H&M articles carry no price, so 60 listed items get one, cycling from 10
            // to 105 (11 of every 20 in [50, 100]); some purchased articles have no stored record.
            let pool = try await rec.recommend(.with { $0.userID = user; $0.k = 61 }).items.map(\.itemID).filter { $0 != hidden }
            let prices = Dictionary(uniqueKeysWithValues: pool.enumerated().map { ($1, 10 + 5 * Double($0 % 20)) })
            let pricing = try await update(pool.map { id in .with { $0.itemID = id; $0.price = prices[id]! } })
            let unstored = Set(pricing.errors.map(\.recordID))
            #expect(pricing.errors.allSatisfy { $0.field == "item_id" } && pricing.accepted + pricing.rejected == UInt64(pool.count))
            #expect(prices.filter { !unstored.contains($0.key) && (50...100).contains($0.value) }.count >= 10)
            let (_, banded) = try await waitFor({
                try await rec.recommend(.with { $0.userID = user; $0.k = 10; $0.rules.minPrice = 50; $0.rules.maxPrice = 100 })
            }, until: { $0.items.count == 10 })
            #expect(banded.items.count == 10)
            for item in banded.items { #expect((50...100).contains(prices[item.itemID] ?? 0), "\(item.itemID)") }
        }
        await harness.stop([service])
    }

    @Test("outcome tracking on the real H&M data: each list has a recommendation_id, impressions count per reason and surface, clicks and purchases sent back with it count under their item's reason; exploration shows new items")
    func outcomeTracking() async throws {
        let harness = try await RecommendationHarness.start()
        let metricsPort = try TestRedisServer.freeLoopbackPort()
        let service = try await harness.startRecommendation(environment: [
            "STYLECAST_METRICS_PORT": "\(metricsPort)", "STYLECAST_REC_EXPLORE_PERCENT": "20",
        ])
        let purchases = try await harness.purchases()
        _ = try await service.withClient(Stylecast_V1_Recommendation.Client.init) { try await $0.refresh(.init()) }
        let (user, _) = try #require(purchases.max { $0.value.count < $1.value.count })
        // New items: stored articles nobody bought (outside the model); a price update makes the
        // replica read them, as text-embedding's embedded-item entries do.
        let bought = Set(purchases.values.flatMap { $0.map(\.item) })
        let stored = try await harness.ingest.client.send("SRANDMEMBER", RedisArgument(StylecastKeys.itemIDs), "400").array ?? []
        let newItems = Array(stored.compactMap(\.string).filter { !bought.contains($0) }.prefix(20))
        try #require(newItems.count == 20)
        let priced = try await harness.ingest.ingest.withClient(Stylecast_V1_Ingest.Client.init) {
            try await $0.updateItems(.with { $0.updates = newItems.map { id in .with { $0.itemID = id; $0.price = 25 } } })
        }
        #expect(priced.accepted == 20)

        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            var list = try await rec.recommend(.with { $0.userID = user; $0.k = 10; $0.surface = "product_page" })
            let deadline = ContinuousClock.now + .seconds(5)
            while !list.items.contains(where: { $0.reason == "explore" }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                list = try await rec.recommend(.with { $0.userID = user; $0.k = 10; $0.surface = "product_page" })
            }
            #expect(list.items.count == 10)
            let explored = list.items.filter { $0.reason == "explore" }
            #expect(explored.count == 2, "20% of 10 slots")
            #expect(explored.allSatisfy { newItems.contains($0.itemID) })
            #expect(!list.recommendationID.isEmpty)
            let other = try await rec.recommend(.with { $0.userID = user; $0.k = 10; $0.surface = "product_page" })
            #expect(other.recommendationID != list.recommendationID)
            let seed = try #require(list.items.first { $0.reason != "explore" })
            let similar = try await rec.similarItems(.with { $0.itemID = seed.itemID; $0.k = 5; $0.surface = "cart" })
            #expect(!similar.recommendationID.isEmpty)
            await expectRPCError(.invalidArgument, containing: ["surface"]) {
                try await rec.recommend(.with { $0.userID = user; $0.k = 10; $0.surface = "Product Page" })
            }

            // A click on a ranked item, a cart and a purchase of an explored one, all from `list`.
            let clicked = try #require(list.items.first { $0.reason != "explore" })
            let explore = explored[0]
            let summary = try await harness.ingest.ingest.withClient(Stylecast_V1_Ingest.Client.init) { ingest in
                try await ingest.ingestInteractions(.with {
                    $0.interactions = [("view", clicked.itemID), ("cart", explore.itemID), ("purchase", explore.itemID)].enumerated()
                        .map { index, action in
                            .with {
                                $0.userID = user
                                $0.itemID = action.1
                                $0.kind = action.0
                                $0.timestamp = 1_600_992_000
                                $0.source = "test"
                                $0.interactionID = "test:attributed:\(index)"
                                $0.recommendationID = list.recommendationID
                            }
                        }
                })
            }
            #expect(summary.accepted == 3, "\(summary)")
            var counts = try await attributed(metricsPort: metricsPort)
            let waitUntil = ContinuousClock.now + .seconds(10)
            while counts["purchase/explore/product_page"] == nil, ContinuousClock.now < waitUntil {
                try await Task.sleep(for: .milliseconds(100))
                counts = try await attributed(metricsPort: metricsPort)
            }
            #expect(counts["click/\(clicked.reason)/product_page"] == 1, "\(counts)")
            #expect(counts["cart/explore/product_page"] == 1, "\(counts)")
            #expect(counts["purchase/explore/product_page"] == 1, "\(counts)")
            let impressions = counts.filter { $0.key.hasPrefix("impression/") && $0.key.hasSuffix("/product_page") }.values.reduce(0, +)
            #expect(impressions >= 20 && Int(impressions) % 10 == 0, "\(counts)")
            #expect(counts.filter { $0.key.hasPrefix("impression/") && $0.key.hasSuffix("/cart") }.values.reduce(0, +) == 5)
        }
        await harness.stop([service])
    }

    /// `stylecast_rec_attributed_total` by `event/reason/surface`.
    private func attributed(metricsPort: Int) async throws -> [String: Double] {
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!)
        var counts: [String: Double] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where line.hasPrefix("stylecast_rec_attributed_total{") {
            var labels: [String: String] = [:]
            let inside = line.drop(while: { $0 != "{" }).dropFirst().prefix(while: { $0 != "}" })
            for pair in inside.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                labels[String(parts[0])] = parts.count == 2 ? String(parts[1].dropFirst().dropLast()) : ""
            }
            counts["\(labels["event"] ?? "")/\(labels["reason"] ?? "")/\(labels["surface"] ?? "")"] =
                line.split(separator: " ").last.flatMap { Double($0) }
        }
        return counts
    }

    @Test("trend_boost on the real H&M data: items of the categories and colours trend-aggregation calls up score 1 + strength x confidence times their plain score; bad strengths named")
    func trendBoost() async throws {
        let harness = try await RecommendationHarness.start()
        let trends = try await TrendCallsTests.startTrends(harness.ingest)
        try await TrendCallsTests.drain(harness.ingest.client, stream: WorkStream.interactions.key)
        // The rising calls, as the service will read them: kind:value -> the strongest confidence.
        var rising: [String: Float] = [:]
        try await trends.withClient(Stylecast_V1_TrendAggregation.Client.init) { client in
            for kind in ["category", "color"] {
                let response = try await client.listTrends(.with {
                    $0.kind = kind
                    $0.stage = "up"
                    $0.limit = 1000
                })
                for trend in response.trends {
                    let key = "\(kind):\(trend.attribute.value.lowercased())"
                    rising[key] = max(rising[key] ?? 0, Float(trend.confidence))
                }
            }
        }
        try #require(!rising.isEmpty, "trend-aggregation called nothing up on the H&M purchases")
        let service = try await harness.startRecommendation(environment: [
            "STYLECAST_TRENDS_TARGET": "127.0.0.1:\(trends.endpoint.port)", "STYLECAST_REC_TRENDS_REFRESH_S": "1",
        ])
        let purchases = try await harness.purchases()
        let (user, _) = try #require(purchases.max { $0.value.count < $1.value.count })
        var signals: [String: Float] = [:]
        func signal(of itemID: String) async throws -> Float {
            if let known = signals[itemID] { return known }
            // Some purchased articles have no stored record: no category or colour, no signal.
            let item: Stylecast_V1_FashionItem
            do {
                item = try await harness.ingest.ingest.withClient(Stylecast_V1_Ingest.Client.init) {
                    try await $0.getItem(.with { $0.itemID = itemID })
                }
            } catch let error as RPCError where error.code == .notFound {
                item = Stylecast_V1_FashionItem()
            }
            let found = max(rising["category:\(item.category.lowercased())"] ?? 0, rising["color:\(item.color.lowercased())"] ?? 0)
            signals[itemID] = found
            return found
        }
        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            // A known user (the blend) and a visitor without history (the popular list).
            for userID in [user, "hm:visitor-without-history"] {
                let plain = try await rec.recommend(.with {
                    $0.userID = userID
                    $0.k = 50
                })
                func boosted(_ strength: Float) async throws -> Stylecast_V1_RecommendResponse {
                    try await rec.recommend(.with {
                        $0.userID = userID
                        $0.k = 50
                        $0.trendBoost = strength
                    })
                }
                // The follower reads the calls at start and every second: wait until the boost shows.
                var full = try await boosted(1)
                let deadline = ContinuousClock.now + .seconds(10)
                while full.items.map(\.score) == plain.items.map(\.score), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    full = try await boosted(1)
                }
                #expect(full.items.count == 50 && !full.fromCache)
                let half = try await boosted(0.5)
                let plainScores = Dictionary(uniqueKeysWithValues: plain.items.map { ($0.itemID, $0.score) })
                var compared = 0
                var raised = 0
                for (strength, list) in [(Float(1), full), (0.5, half)] {
                    for item in list.items {
                        guard let before = plainScores[item.itemID], before > 0 else { continue }
                        let expected = 1 + Double(strength * (try await signal(of: item.itemID)))
                        #expect(abs(item.score / before - expected) < 1e-4, "\(userID) \(item.itemID) at \(strength): \(before) -> \(item.score)")
                        compared += 1
                        if expected > 1 { raised += 1 }
                    }
                }
                #expect(compared >= 20 && raised >= 1, "\(userID): \(compared) items in both lists, \(raised) raised")
                // Rising items gain places: their share of the top 10 does not fall, and the list changes.
                func risingInTop10(_ list: Stylecast_V1_RecommendResponse) async throws -> Int {
                    var count = 0
                    for item in list.items.prefix(10) where try await signal(of: item.itemID) > 0 { count += 1 }
                    return count
                }
                let (risingBefore, risingAfter) = (try await risingInTop10(plain), try await risingInTop10(full))
                #expect(risingAfter > risingBefore || risingBefore == 10, "\(userID): \(risingBefore) -> \(risingAfter) rising in the top 10")
                #expect(full.items.map(\.itemID) != plain.items.map(\.itemID))
            }
            for bad: Float in [1.5, -0.1, .nan] {
                await expectRPCError(.invalidArgument, prefix: "trend_boost:") {
                    try await rec.recommend(.with {
                        $0.userID = user
                        $0.k = 10
                        $0.trendBoost = bad
                    })
                }
            }
        }
        // Exploration with the same calls: new items and items of rising attributes take turns.
        let exploring = try await harness.startRecommendation(environment: [
            "STYLECAST_TRENDS_TARGET": "127.0.0.1:\(trends.endpoint.port)", "STYLECAST_REC_TRENDS_REFRESH_S": "1",
            "STYLECAST_REC_EXPLORE_PERCENT": "20",
        ])
        // The model knows the purchased items: a new item is one nobody bought.
        let bought = Set(purchases[user]?.map(\.item) ?? [])
        let modelItems = Set(purchases.values.flatMap { $0.map(\.item) })
        try await exploring.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            var explored: [Stylecast_V1_ScoredItem] = []
            var risingKnown = 0
            let deadline = ContinuousClock.now + .seconds(10)
            repeat {
                let list = try await rec.recommend(.with {
                    $0.userID = user
                    $0.k = 10
                })
                #expect(list.items.count == 10)
                explored = list.items.filter { $0.reason == RecommendationReason.explore.rawValue }
                risingKnown = 0
                for item in explored where modelItems.contains(item.itemID) {
                    #expect(try await signal(of: item.itemID) > 0, "\(item.itemID): explored, known to the model, not rising")
                    risingKnown += 1
                }
                if risingKnown > 0 { break }
                try await Task.sleep(for: .milliseconds(200))
            } while ContinuousClock.now < deadline
            #expect(explored.count == 2, "\(explored.map(\.itemID))")
            // Every H&M article stored is bought in the sample, so no new item is left to explore:
            // both slots go to items of rising attributes (without the calls, exploration shows nothing).
            #expect(risingKnown >= 1, "no explored item of a rising category or colour: \(explored.map(\.itemID))")
            #expect(explored.allSatisfy { !bought.contains($0.itemID) })
        }
        await trends.stop()
        await harness.stop([service, exploring])
    }

    @Test("an anonymous session of three viewed items gets items bought with them, not only popular ones; bad contexts named")
    func anonymousSession() async throws {
        let harness = try await RecommendationHarness.start()
        let service = try await harness.startRecommendation()
        let purchases = try await harness.purchases()
        _ = try await service.withClient(Stylecast_V1_Recommendation.Client.init) { try await $0.refresh(.init()) }
        // Three items one customer bought, as the session's views.
        let (_, bought) = try #require(purchases.max { $0.value.count < $1.value.count })
        var context: [String] = []
        for purchase in bought where !context.contains(purchase.item) && context.count < 3 { context.append(purchase.item) }
        try await service.withClient(Stylecast_V1_Recommendation.Client.init) { rec in
            let popular = try await rec.recommend(.with {
                $0.userID = "hm:visitor-without-history"
                $0.k = 10
            })
            #expect(popular.items.allSatisfy { $0.reason == RecommendationReason.popular.rawValue })
            let session = try await rec.recommend(.with {
                $0.k = 10
                $0.contextItemIds = context
            })
            #expect(session.items.count == 10)
            #expect(!session.fromCache)
            #expect(Set(session.items.map(\.itemID)).isDisjoint(with: context))
            // Related to the views: co-occurrence leads some items, and the list is not the popular one.
            #expect(session.items.contains { $0.reason == RecommendationReason.cooccurrence.rawValue })
            #expect(session.items.map(\.itemID) != popular.items.map(\.itemID))
            // What it leads with was bought together with the views.
            var neighbours = Set<String>()
            for viewed in context {
                let similar = try await rec.similarItems(.with {
                    $0.itemID = viewed
                    $0.k = 100
                })
                neighbours.formUnion(similar.items.map(\.itemID))
            }
            #expect(session.items.prefix(3).contains { neighbours.contains($0.itemID) })

            // A session with rules: the rules hold.
            let cart = Array(session.items.prefix(2).map(\.itemID))
            let ruled = try await rec.recommend(.with {
                $0.k = 10
                $0.contextItemIds = context
                $0.rules.excludeItemIds = cart
            })
            #expect(ruled.items.count == 10)
            #expect(Set(ruled.items.map(\.itemID)).isDisjoint(with: cart))

            await expectRPCError(.notFound, containing: ["context_item_ids"]) {
                try await rec.recommend(.with {
                    $0.k = 10
                    $0.contextItemIds = ["hm:0000000001", "hm:0000000002"]
                })
            }
            await expectRPCError(.invalidArgument, containing: ["context_item_ids"]) {
                try await rec.recommend(.with {
                    $0.k = 10
                    $0.contextItemIds = (0...100).map { "hm:\($0)" }
                })
            }
            await expectRPCError(.invalidArgument, containing: ["user_id"]) {
                try await rec.recommend(.with { $0.k = 10 })
            }
        }
        await harness.stop([service])
    }

    /// `stylecast_rec_cache_lookups_total` by result, from the service's metrics endpoint.
    private func cacheLookups(metricsPort: Int) async throws -> [String: Double] {
        let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!)
        var counts: [String: Double] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("stylecast_rec_cache_lookups_total{result=\"") {
            let result = line.split(separator: "\"")[1]
            counts[String(result)] = line.split(separator: " ").last.flatMap { Double($0) }
        }
        return counts
    }

    @Test("with Redis stopped, Recommend answers UNAVAILABLE within the call deadline and the service stays up")
    func redisDown() async throws {
        let harness = try await RecommendationHarness.start(articles: false, transactionLimit: 3000)
        let service = try await harness.startRecommendation()
        _ = try await recommend(service, user: "hm:nobody", k: 5)
        harness.ingest.redis.stop()
        let started = ContinuousClock.now
        await expectRPCError(.unavailable) {
            try await service.withClient(Stylecast_V1_Recommendation.Client.init) { client in
                var options = CallOptions.defaults
                options.timeout = .seconds(5)
                _ = try await client.recommend(
                    .with {
                        $0.userID = "hm:nobody"
                        $0.k = 5
                    }, options: options)
            }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        try await Task.sleep(for: .seconds(1))
        #expect(service.process.isRunning)
        await harness.stop([service])
    }
}
