import RecommendationService
import StylecastContracts
import StylecastRedis
import StylecastTestSupport
import Testing

@Suite("ModelStore against a real Redis", .serialized)
struct ModelStoreTests {
    @Test("saves racing each other leave the stored version equal to the stored model's, every time (else replicas reload every poll)")
    func racingSavesStayConsistent() async throws {
        let client = try await TestRedis.client(poolSize: 4)
        let store = ModelStore(redis: client)
        var mismatches: [String] = []
        for round in 0..<200 {
            let (a, b) = (UInt64(1_000 + 2 * round), UInt64(1_001 + 2 * round))
            async let first: Void = store.save(.empty(version: a))
            async let second: Void = store.save(.empty(version: b))
            _ = try await (first, second)
            let version = try await store.storedVersion()
            let model = try await store.load()
            if version != model?.version { mismatches.append("round \(round): version key \(version.map(String.init) ?? "none"), blob \(model.map { String($0.version) } ?? "none")") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of 200 rounds: \(mismatches.prefix(3))")
        try await client.send("DEL", RedisArgument(StylecastKeys.Recommendation.model), RedisArgument(StylecastKeys.Recommendation.modelVersion))
        await client.shutdown()
    }
}
