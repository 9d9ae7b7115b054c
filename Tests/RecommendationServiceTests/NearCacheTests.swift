import RecommendationService
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
