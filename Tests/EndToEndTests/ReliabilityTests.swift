import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// The holes a code review found (issue 19), each against the real services and Redis.
@Suite("reliability: no key from what callers send, no count multiplied", .serialized, .timeLimit(.minutes(10)))
struct ReliabilityTests {
    @Test("1,000 Recommend calls with distinct 200-byte unknown ids add no key; a 4 MB id, or one with a brace, is INVALID_ARGUMENT naming user_id")
    func unknownUsersAddNoKey() async throws {
        let harness = try await RecommendationHarness.start(transactionLimit: 2000)
        let service = try await harness.startRecommendation()
        let client = harness.ingest.client
        let known = try #require(try await harness.purchases().keys.sorted().first)
        _ = try await recommend(service, user: known, k: 5)  // a known user is cached
        #expect(try await client.send("EXISTS", RedisArgument(RecommendationKeysForTests.cache(known))).integer == 1)
        let keysBefore = try await client.send("DBSIZE").integer ?? -1
        try await withStylecastConnection(to: service.endpoint) { connection in
            let recommendation = Stylecast_V1_Recommendation.Client(wrapping: connection)
            for index in 0..<1000 {
                let id = "unknown-\(index)-" + String(repeating: "x", count: 200 - "unknown-\(index)-".utf8.count)
                let answer = try await recommendation.recommend(.with {
                    $0.userID = id
                    $0.k = 5
                })
                #expect(answer.items.count == 5)
            }
            for (id, rule) in [
                (String(repeating: "u", count: 4_000_000), "at most 256 bytes"), ("user}{x", "'{' or '}'"), ("", "not be empty"),
            ] {
                await #expect {
                    _ = try await recommendation.recommend(.with {
                        $0.userID = id
                        $0.k = 5
                    })
                } throws: { error in
                    let rpc = error as? RPCError
                    return rpc?.code == .invalidArgument && rpc?.message.hasPrefix("user_id:") == true
                        && rpc?.message.contains(rule) == true
                }
            }
        }
        #expect(try await client.send("DBSIZE").integer == keysBefore)
        #expect(await service.health() == "SERVING")
        await harness.stop([service])
    }
}

/// Key names the tests read directly (the service's own are in RecommendationKeys).
enum RecommendationKeysForTests {
    static func cache(_ userID: String) -> String { "stylecast:rec:{\(userID)}" }
}
