import Foundation
import StylecastContracts
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// The reference file's items: text, token ids and the sentence-transformers embedding.
struct MiniLMReference: Decodable {
    struct Item: Decodable {
        var text: String
        var input_ids: [Int]
        var embedding: [Float]
    }
    var items: [Item]
    var extras: [Item]

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func load() throws -> MiniLMReference {
        let directory = ProcessInfo.processInfo.environment["STYLECAST_REFERENCE_DIR"]
            ?? packageRoot + "/../shared/reference"
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/minilm_reference.json"))
        return try JSONDecoder().decode(MiniLMReference.self, from: data)
    }
}

@Suite("text-embedding over gRPC", .serialized, .timeLimit(.minutes(2)))
struct TextEmbeddingServiceTests {
    /// Runs `body` against a started text-embedding service (with its own fresh Redis), then
    /// stops it with SIGTERM.
    func withService(
        environment extra: [String: String] = [:],
        _ body: (Stylecast_V1_TextEmbedding.Client<HTTP2ClientTransport.Posix>, RedisURL, ServicePorts) async throws -> Void
    ) async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let metricsPort = try TestRedisServer.freeLoopbackPort()
        let service = try IngestHarness.startService(
            "text-embedding", redis: redis.url,
            environment: ["STYLECAST_METRICS_PORT": "\(metricsPort)"].merging(extra) { $1 })
        defer { if service.process.isRunning { service.process.send(signal: SIGKILL) } }
        try await service.requireServing(timeout: .seconds(60))
        try await service.withClient(Stylecast_V1_TextEmbedding.Client.init) {
            try await body($0, redis.url, ServicePorts(grpc: service.endpoint.port, metrics: metricsPort))
        }
        #expect(service.process.isRunning, "text-embedding died:\n\(service.process.output())")
        #expect(await service.stop() == 0)
    }

    @Test("Embed equals sentence-transformers (cosine >= 0.9999, max |diff| <= 1e-4) and Tokenize gives the reference ids")
    func matchesReference() async throws {
        let reference = try MiniLMReference.load()
        let items = reference.items + reference.extras
        try await withService { client, _, _ in
            let response = try await client.embed(.with { $0.texts = items.map(\.text) })
            #expect(response.embeddings.count == items.count)
            var worstCosine: Float = 1
            var worstDifference: Float = 0
            for (embedding, item) in zip(response.embeddings, items) {
                let cosine = zip(embedding.values, item.embedding).map(*).reduce(0, +)
                worstCosine = min(worstCosine, cosine)
                worstDifference = max(worstDifference, zip(embedding.values, item.embedding).map { abs($0 - $1) }.max() ?? 1)
                #expect(Int(embedding.tokenCount) == item.input_ids.count)
            }
            print("text-embedding over gRPC: worst cosine \(worstCosine), worst max |diff| \(worstDifference)")
            #expect(worstCosine >= 0.9999)
            #expect(worstDifference <= 1e-4)
            #expect(response.timings.totalMs > 0)

            let tokenized = try await client.tokenize(.with { $0.texts = items.map(\.text) })
            for (result, item) in zip(tokenized.results, items) {
                #expect(result.ids.map(Int.init) == item.input_ids)
            }
            #expect(tokenized.results.last?.truncated == true)
        }
    }

    @Test("empty and 10,000-character texts are embedded; too many texts is INVALID_ARGUMENT naming the limit")
    func edgeCases() async throws {
        try await withService { client, _, _ in
            let long = String(repeating: "oversized wool coat with patch pockets ", count: 260).prefix(10_000)
            let response = try await client.embed(.with { $0.texts = ["", String(long)] })
            #expect(response.embeddings.map(\.tokenCount) == [2, 256])
            for embedding in response.embeddings {
                let norm = embedding.values.map { $0 * $0 }.reduce(0, +).squareRoot()
                #expect(abs(norm - 1) < 1e-4)
                #expect(embedding.values.count == 384)
            }
            await expectRPCError(.invalidArgument, containing: ["texts", "at most 256"]) {
                try await client.embed(.with { $0.texts = Array(repeating: "dress", count: 257) })
            }
            let info = try await client.info(.init())
            #expect(info.dimensions == 384)
            #expect(info.maxTokens == 256)
            #expect(info.maxTextsPerCall == 256)
        }
    }

    @Test("ExtractAttributes reads the design prompt in English and in Chinese")
    func attributes() async throws {
        try await withService { client, _, _ in
            let response = try await client.extractAttributes(.with {
                $0.texts = [
                    "futuristic design, bright neon colours, intricate geometric patterns",
                    "未来感十足的设计，鲜艳的荧光色，复杂的几何图案",
                ]
            })
            for result in response.results {
                let found = Set(result.attributes.map { "\($0.kind)=\($0.value)" })
                #expect(found.isSuperset(of: ["style=futuristic", "color=neon", "pattern=geometric"]), "\(found)")
            }
        }
    }

    @Test("ExtractAttributes with zero-shot category on: an unknown garment word gets a zero-shot value, a lexicon match stays lexicon")
    func zeroShotAttributes() async throws {
        try await withService(environment: ["STYLECAST_ZERO_SHOT_KINDS": "category"]) { client, _, _ in
            let response = try await client.extractAttributes(.with { $0.texts = ["a cardi", "a red dress", "ok"] })
            try #require(response.results.count == 3)
            let cardi = response.results[0].attributes
            #expect(cardi.map { "\($0.kind)=\($0.value) \($0.origin)" } == ["category=cardigan zero-shot"])
            #expect(cardi.allSatisfy { $0.confidence > 0 && $0.confidence < 1 })
            let dress = response.results[1].attributes
            #expect(dress.map { "\($0.kind)=\($0.value) \($0.origin) \($0.confidence)" } == [
                "color=red lexicon 1.0", "category=dress lexicon 1.0",
            ])
            #expect(response.results[2].attributes.isEmpty)
            #expect(response.timings.inferenceMs > 0)
        }
        try await withService(environment: ["STYLECAST_ZERO_SHOT": "off"]) { client, _, _ in
            let response = try await client.extractAttributes(.with { $0.texts = ["a cardi"] })
            #expect(response.results.first?.attributes.isEmpty == true)
        }
    }

    @Test("concurrent calls are batched together and each gets its own texts' embeddings")
    func concurrentCalls() async throws {
        let items = try MiniLMReference.load().items
        try await withService { client, _, ports in
            let results = try await withThrowingTaskGroup(of: (Int, Stylecast_V1_EmbedResponse).self) { group in
                for (index, item) in items.enumerated() {
                    group.addTask { (index, try await client.embed(.with { $0.texts = [item.text] })) }
                }
                return try await group.reduce(into: [Int: Stylecast_V1_EmbedResponse]()) { $0[$1.0] = $1.1 }
            }
            for (index, item) in items.enumerated() {
                let values = try #require(results[index]?.embeddings.first?.values)
                #expect(zip(values, item.embedding).map(*).reduce(0, +) >= 0.9999, "item \(index)")
                #expect(results[index]?.cacheHits == 0)
            }
            // Fewer encoder passes than calls: concurrent calls shared passes.
            let (body, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(ports.metrics)/metrics")!)
            let metrics = String(decoding: body, as: UTF8.self)
            let passes = metrics.split(separator: "\n")
                .first { $0.hasPrefix("stylecast_embed_pass_calls_count") }
                .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            let calls = metrics.split(separator: "\n")
                .first { $0.hasPrefix("stylecast_embed_pass_calls_sum") }
                .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            #expect(calls == Double(items.count))
            #expect((passes ?? .infinity) < Double(items.count), "no batching: \(passes ?? -1) passes for \(items.count) calls")
            print("text-embedding: \(items.count) concurrent calls ran in \(passes ?? -1) encoder passes")
        }
    }

    @Test("a repeated text is answered from the Redis cache, with the same embedding")
    func cache() async throws {
        let text = "cropped denim jacket with contrast stitching \(UUID())"
        try await withService { client, redisURL, _ in
            let first = try await client.embed(.with { $0.texts = [text] })
            let second = try await client.embed(.with { $0.texts = [text, text + " and pockets"] })
            #expect(first.cacheHits == 0)
            #expect(second.cacheHits == 1)
            #expect(second.embeddings[0].values == first.embeddings[0].values)
            #expect(second.embeddings[0].tokenCount == first.embeddings[0].tokenCount)
            let redis = RedisClient(url: redisURL, poolSize: 1)
            let ttl = try await redis.send("PTTL", RedisArgument(EmbeddingCacheKey.key(for: text)))
            await redis.shutdown()
            #expect((ttl.integer ?? -2) > 0, "cache entry has no time to live: \(ttl)")
        }
    }

    @Test("the worker embeds ingested items, publishes them once, and dead-letters a malformed entry without dying")
    func worker() async throws {
        let items = Array(try MiniLMReference.load().items.prefix(5))
        try await withService(
            environment: ["STYLECAST_QUEUE_MAX_DELIVERIES": "2", "STYLECAST_QUEUE_CLAIM_IDLE_MS": "200"]
        ) { _, redisURL, _ in
            let redis = RedisClient(url: redisURL, poolSize: 1)
            defer { Task { await redis.shutdown() } }
            let entries = items.indices.map { IngestedItemEntry([.itemID: "test:\($0)", .title: items[$0].text]) }
                + [IngestedItemEntry([.title: "a shirt without an id"])]
            for entry in entries {
                let fields = entry.fields.flatMap { [RedisArgument($0.name), RedisArgument($0.value)] }
                _ = try await redis.send(["XADD", RedisArgument(WorkStream.itemsIngested.key), "*"] + fields)
            }

            let deadline = ContinuousClock.now + .seconds(60)
            var published = 0
            var dead = 0
            while ContinuousClock.now < deadline {
                published = Int(try await redis.send("XLEN", RedisArgument(WorkStream.itemsEmbedded.key)).integer ?? 0)
                dead = Int(try await redis.send("XLEN", RedisArgument(WorkStream.itemsIngested.deadLetterKey)).integer ?? 0)
                if published >= items.count && dead >= 1 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(published == items.count)
            #expect(dead == 1)
            for (index, item) in items.enumerated() {
                let stored = try #require(try await redis.send("GET", RedisArgument(StylecastKeys.itemEmbedding("test:\(index)"))).bytes)
                let values = try #require(EmbeddingCodec.decode(stored)).vector
                #expect(zip(values, item.embedding).map(*).reduce(0, +) >= 0.9999)
                let attributes = try await redis.send("GET", RedisArgument(StylecastKeys.itemAttributes("test:\(index)")))
                #expect(attributes.string?.hasPrefix("[") == true)
            }
            let deadEntry = try await redis.send("XRANGE", RedisArgument(WorkStream.itemsIngested.deadLetterKey), "-", "+")
            let reason = deadEntry.array?.first?.array?.last?.fieldMap?["reason"]?.string ?? ""
            #expect(reason.contains("item_id"), "dead-letter reason: \(reason)")
            let pending = try await redis.send("XPENDING", RedisArgument(WorkStream.itemsIngested.key), RedisArgument(ConsumerGroup.textEmbedding.rawValue))
            #expect(pending.array?.first?.integer == 0)
        }
    }

    @Test("stylecast embed prints token counts and attributes, one JSON object per text")
    func embedCommand() async throws {
        try await withService { _, _, ports in
            let (status, output) = try await ChildProcess.run(
                BuiltExecutables.path(of: "stylecast"),
                arguments: ["embed", "--json", "--target", "127.0.0.1:\(ports.grpc)", "", "牛仔连衣裙，条纹"])
            #expect(status == 0, "\(output)")
            let lines = output.split(separator: "\n").filter { $0.hasPrefix("{") }
            #expect(lines.count == 2)
            let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(objects.first?["token_count"] as? Int == 2)
            #expect((objects.last?["embedding"] as? [Double])?.count == 384)
            let attributes = Set(objects.last?["attributes"] as? [String] ?? [])
            #expect(attributes.isSuperset(of: ["material=denim", "category=dress", "pattern=stripes"]), "\(attributes)")
        }
    }
}

/// The gRPC and metrics ports of a started service.
struct ServicePorts {
    var grpc: Int
    var metrics: Int
}

/// The cache key layout documented in docs/architecture.md, restated so the test checks it.
enum EmbeddingCacheKey {
    static func key(for text: String) -> String {
        StylecastKeys.textEmbedding(sha1: SHA1.hexDigest(Array(text.utf8)))
    }
}
