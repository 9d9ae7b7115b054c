import RecommendationService
import StylecastContracts
import StylecastProto
import Testing

@Suite("RecommendationNearCache: copies kept coherent by invalidations")
struct NearCacheTests {
    private func answer(_ ids: [String]) -> Stylecast_V1_RecommendResponse {
        .with { response in response.items = ids.map { id in .with { $0.itemID = id } } }
    }

    private func entry(_ ids: [String], version: UInt64 = 7, lifetime: Duration = .seconds(60)) -> RecommendationNearCache.Entry {
        .init(version: version, k: ids.count, response: answer(ids), expires: .now + lifetime)
    }

    @Test func storesOnlyWhileLiveAndServesMatchingVersionAndK() throws {
        let cache = RecommendationNearCache(capacity: 10)
        #expect(cache.beginRead(of: "a") == nil)
        cache.apply(.subscribed)
        let ticket = try #require(cache.beginRead(of: "a"))
        cache.endRead(ticket, storing: entry(["x", "y", "z"]))
        #expect(cache.lookup(key: "a", k: 2, version: 7)?.items.map(\.itemID) == ["x", "y"])
        #expect(cache.lookup(key: "a", k: 4, version: 7) == nil)
        #expect(cache.lookup(key: "a", k: 2, version: 8) == nil)
        // A copy of another model's answer is dropped.
        #expect(cache.count == 0)
    }

    @Test func anInvalidationDuringTheReadVoidsItsTicket() throws {
        let cache = RecommendationNearCache(capacity: 10)
        cache.apply(.subscribed)
        let raced = try #require(cache.beginRead(of: "a"))
        cache.apply(.invalidated(["a"]))
        cache.endRead(raced, storing: entry(["old"]))
        #expect(cache.lookup(key: "a", k: 1, version: 7) == nil)
        // Another key's invalidation leaves the read valid; a later invalidation drops the copy.
        let clean = try #require(cache.beginRead(of: "a"))
        cache.apply(.invalidated(["a}:recent", "b"]))
        cache.endRead(clean, storing: entry(["new"]))
        #expect(cache.lookup(key: "a", k: 1, version: 7)?.items.first?.itemID == "new")
        cache.apply(.invalidated(["a"]))
        #expect(cache.lookup(key: "a", k: 1, version: 7) == nil)
    }

    @Test("rule lists: stored under a ticket, served for their filters and model, dropped with the user's entry or recent events")
    func ruleLists() throws {
        let cache = RecommendationNearCache(capacity: 10)
        cache.apply(.subscribed)
        let user = StylecastKeys.Recommendation.cache(userID: "u1")
        let recent = StylecastKeys.Recommendation.recent(userID: "u1")
        func store(_ ids: [String], filters: String = "in:category=5:dress") throws {
            let ticket = try #require(cache.beginRead(of: user))
            cache.endRead(ticket, storingRuleList: entry(ids), filters: filters)
        }
        try store(["d1", "d2"])
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7)?.response.items.map(\.itemID) == ["d1", "d2"])
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7)?.k == 2)
        #expect(cache.lookupRuleList(key: user, filters: "in:category=4:coat", version: 7) == nil)
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 8) == nil)
        // The other model's list was dropped; a new one is kept, and the user's recent events
        // changing drops it.
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7) == nil)
        try store(["d3"])
        cache.apply(.invalidated([recent]))
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7) == nil)
        try store(["d4"])
        cache.apply(.invalidated([StylecastKeys.Recommendation.cache(userID: "u2")]))
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7) != nil)
        cache.apply(.invalidated([user]))
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7) == nil)

        // A change of the user's events while the list is computed: it is not stored.
        let raced = try #require(cache.beginRead(of: user))
        cache.apply(.invalidated([recent]))
        cache.endRead(raced, storingRuleList: entry(["stale"]), filters: "in:category=5:dress")
        #expect(cache.lookupRuleList(key: user, filters: "in:category=5:dress", version: 7) == nil)

        // Rule lists count toward the capacity, and go with everything when it is lost.
        for index in 0...10 { try store(["x"], filters: "f\(index)") }
        #expect(cache.lookupRuleList(key: user, filters: "f10", version: 7) != nil)
        #expect(cache.lookupRuleList(key: user, filters: "f0", version: 7) == nil, "the eleventh list replaced the ten")
        cache.apply(.lost("gone"))
        cache.apply(.subscribed)
        #expect(cache.lookupRuleList(key: user, filters: "f10", version: 7) == nil)
    }

    @Test func losingTheSubscriptionDropsEverythingAndVoidsOpenReads() throws {
        let cache = RecommendationNearCache(capacity: 10)
        cache.apply(.subscribed)
        let stored = try #require(cache.beginRead(of: "a"))
        cache.endRead(stored, storing: entry(["x"]))
        let open = try #require(cache.beginRead(of: "b"))
        cache.apply(.lost("Redis connection lost"))
        #expect(!cache.isLive && cache.count == 0)
        #expect(cache.lookup(key: "a", k: 1, version: 7) == nil)
        cache.apply(.subscribed)
        cache.endRead(open, storing: entry(["y"]))
        #expect(cache.lookup(key: "b", k: 1, version: 7) == nil)
        cache.apply(.flushedAll)
        #expect(cache.isLive && cache.count == 0)
    }

    @Test func expiresWithTheRedisEntryAndStaysWithinCapacity() async throws {
        let cache = RecommendationNearCache(capacity: 2)
        cache.apply(.subscribed)
        let short = try #require(cache.beginRead(of: "a"))
        cache.endRead(short, storing: entry(["x"], lifetime: .milliseconds(30)))
        #expect(cache.lookup(key: "a", k: 1, version: 7) != nil)
        try await Task.sleep(for: .milliseconds(60))
        #expect(cache.lookup(key: "a", k: 1, version: 7) == nil)
        for key in ["b", "c", "d"] {
            let ticket = try #require(cache.beginRead(of: key))
            cache.endRead(ticket, storing: entry([key]))
            #expect(cache.count <= 2)
        }
        #expect(cache.lookup(key: "d", k: 1, version: 7) != nil)
    }
}
