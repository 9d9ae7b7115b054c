import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastImageIO
import StylecastProto
import StylecastTestSupport
import Testing

/// The real image-generation service with the real text-embedding and trend-aggregation
/// services it calls, on a throwaway Redis.
struct ImageGenerationHarness {
    let harness: IngestHarness
    let trends: RunningService
    let generation: RunningService

    static func start(generationEnvironment: [String: String] = [:]) async throws -> ImageGenerationHarness {
        let harness = try await IngestHarness.start(withEmbedding: true)
        let trends = try IngestHarness.startService("trend-aggregation", redis: harness.redis.url)
        let embedding = try #require(harness.embedding)
        let generation = try IngestHarness.startService(
            "image-generation", redis: harness.redis.url,
            environment: [
                "STYLECAST_TEXT_EMBEDDING_TARGET": "127.0.0.1:\(embedding.endpoint.port)",
                "STYLECAST_TRENDS_TARGET": "127.0.0.1:\(trends.endpoint.port)",
            ].merging(generationEnvironment) { $1 })
        for service in [trends, generation] { try await service.requireServing(timeout: .seconds(90)) }
        return ImageGenerationHarness(harness: harness, trends: trends, generation: generation)
    }

    @discardableResult
    func withClient<Result: Sendable>(
        _ body: (Stylecast_V1_ImageGeneration.Client<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        try await generation.withClient(Stylecast_V1_ImageGeneration.Client.init, body)
    }

    func stop() async {
        for service in [generation, trends] where service.process.isRunning { await service.stop() }
        await harness.stop()
    }
}

@Suite("image-generation over gRPC", .serialized, .timeLimit(.minutes(6)))
struct ImageGenerationServiceTests {
    /// Decodes every image and checks it is an RGB PNG of the reported size.
    private func expectValidPNGs(_ response: Stylecast_V1_GenerateResponse, count: Int, size: Int) throws {
        #expect(response.images.count == count)
        for image in response.images {
            let decoded = try PNGImage(pngData: [UInt8](image.png))
            #expect(decoded.width == size && decoded.height == size)
            #expect(Int(image.width) == size && Int(image.height) == size)
            #expect(decoded.format == .rgb)
            // Not blank: the garment differs from the background.
            #expect(Set(decoded.pixels).count > 16)
        }
    }

    private func attribute(_ response: Stylecast_V1_GenerateResponse, _ kind: String) -> [String] {
        response.attributes.filter { $0.kind == kind }.map(\.value)
    }

    @Test("Generate: English and Chinese prompts give valid PNGs of the asked count and class, the same for a seed")
    func generatesFromPrompts() async throws {
        let service = try await ImageGenerationHarness.start()
        try await service.withClient { client in
            let english = try await client.generate(.with {
                $0.prompt = "a red and white striped summer dress"
                $0.count = 3
                $0.seed = 7
                $0.size = 128
            })
            try expectValidPNGs(english, count: 3, size: 128)
            #expect(english.images.allSatisfy { $0.category == "dress" && $0.pattern == "stripes" })
            #expect(english.images.map(\.seed) == [7, 8, 9])
            #expect(attribute(english, "color") == ["red", "white"])
            #expect(english.images.allSatisfy { $0.palette == ["#ed1c24", "#ffffff"] })
            #expect(english.timings.totalMs > 0)

            // 一条红色条纹连衣裙: "a red striped dress"; 黑色格子外套: "a black checked coat".
            let chinese = try await client.generate(.with {
                $0.prompt = "一条红色条纹连衣裙"
                $0.count = 2
                $0.seed = 7
            })
            try expectValidPNGs(chinese, count: 2, size: 256)
            #expect(chinese.images.allSatisfy { $0.category == "dress" && $0.pattern == "stripes" })
            #expect(attribute(chinese, "color").first == "red")
            let coat = try await client.generate(.with {
                $0.prompt = "黑色格子外套"
                $0.count = 1
            })
            #expect(coat.images.first?.category == "coat")
            #expect(coat.images.first?.pattern == "checks")

            // A prompt that names no garment: the class is chosen zero-shot.
            let zeroShot = try await client.generate(.with {
                $0.prompt = "something to carry my laptop and books to work"
                $0.count = 1
            })
            #expect(zeroShot.images.first?.category == "bag", "\(zeroShot.attributes)")
            #expect(zeroShot.attributes.contains { $0.kind == "category" && $0.origin == "zero-shot" })

            let again = try await client.generate(.with {
                $0.prompt = "a red and white striped summer dress"
                $0.count = 3
                $0.seed = 7
                $0.size = 128
            })
            #expect(again.images.map(\.png) == english.images.map(\.png), "same request, same seed: same images")
            let single = try await client.generate(.with {
                $0.prompt = "a red and white striped summer dress"
                $0.count = 1
                $0.seed = 8
                $0.size = 128
            })
            #expect(single.images.first?.png == english.images[1].png, "design i is redrawn alone by its own seed")
        }
        await service.stop()
    }

    @Test("count 0 or 10,000, an empty prompt, a bad size, crossover or category: INVALID_ARGUMENT naming the field")
    func rejectsBadRequests() async throws {
        let service = try await ImageGenerationHarness.start()
        try await service.withClient { client in
            let generateCases: [(Stylecast_V1_GenerateRequest, String)] = [
                (.with { $0.prompt = "a dress"; $0.count = 0 }, "count"),
                (.with { $0.prompt = "a dress"; $0.count = 10_000 }, "count"),
                (.with { $0.prompt = "   "; $0.count = 1 }, "prompt"),
                (.with { $0.prompt = ""; $0.count = 1 }, "prompt"),
                (.with { $0.prompt = "a dress"; $0.count = 1; $0.size = 5 }, "size"),
                (.with { $0.prompt = String(repeating: "dress ", count: 400); $0.count = 1 }, "prompt"),
            ]
            for (request, field) in generateCases {
                await expectRPCError(.invalidArgument, prefix: field) { try await client.generate(request) }
            }
            for (request, field) in [
                (Stylecast_V1_MixStylesRequest.with { $0.seedA = 1; $0.seedB = 2; $0.crossoverLayer = 9 }, "crossover_layer"),
                (.with { $0.seedA = 1; $0.seedB = 2; $0.category = "hat" }, "category"),
            ] {
                await expectRPCError(.invalidArgument, prefix: field) { try await client.mixStyles(request) }
            }
            await expectRPCError(.invalidArgument, prefix: "n") { try await client.generateFromTrends(.with { $0.n = 0 }) }
        }
        #expect(service.generation.process.isRunning)
        await service.stop()
    }

    @Test("MixStyles: the mix, A and B; A's class unless a category is asked; deterministic")
    func mixesStyles() async throws {
        let service = try await ImageGenerationHarness.start()
        try await service.withClient { client in
            let mixed = try await client.mixStyles(.with {
                $0.seedA = 13
                $0.seedB = 24
                $0.crossoverLayer = 2
                $0.size = 64
            })
            try expectValidPNGs(mixed, count: 3, size: 64)
            // Seed 13 draws class 13 % 10 = 3 (dress), seed 24 class 4 (coat).
            #expect(mixed.images.map(\.category) == ["dress", "dress", "coat"])
            #expect(mixed.images.map(\.seed) == [13, 13, 24])
            #expect(mixed.images[0].png != mixed.images[1].png && mixed.images[0].png != mixed.images[2].png)
            let asked = try await client.mixStyles(.with {
                $0.seedA = 13
                $0.seedB = 24
                $0.category = "Ankle boot"
                $0.size = 64
            })
            #expect(asked.images.map(\.category) == ["ankle boot", "ankle boot", "ankle boot"])
            let again = try await client.mixStyles(.with {
                $0.seedA = 13
                $0.seedB = 24
                $0.crossoverLayer = 2
                $0.size = 64
            })
            #expect(again.images.map(\.png) == mixed.images.map(\.png))
        }
        await service.stop()
    }

    @Test("GenerateFromTrends: NOT_FOUND before any data; then designs from the rising attributes")
    func generatesFromTrends() async throws {
        let service = try await ImageGenerationHarness.start()
        try await service.withClient { client in
            await expectRPCError(.notFound) { try await client.generateFromTrends(.with { $0.n = 2 }) }
        }
        // The search-interest series of categories, colours and fabrics (VISUELLE, Italy) and of
        // garments in 32 countries (Google Trends).
        let signals = try await service.harness.ingestFile(source: "visuelle", path: SharedDatasets.path("visuelle/gtrends.csv"))
        #expect(signals.summary.count("accepted") == 93)
        let garments = try await service.harness.ingestFile(
            source: "gtrends", path: SharedDatasets.path("gtrends/covid19_fashion_weekly.csv.gz"))
        #expect(garments.summary.count("accepted") == 1056)
        try await TrendCallsTests.drain(service.harness.client, stream: WorkStream.signals.key)
        var rising: [String: Set<String>] = [:]
        let deadline = ContinuousClock.now + .seconds(120)
        while rising.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            try await service.trends.withClient(Stylecast_V1_TrendAggregation.Client.init) { client in
                let trends = try await client.listTrends(.with {
                    $0.stage = "up"
                    $0.limit = 1000
                })
                for trend in trends.trends {
                    rising[trend.attribute.kind, default: []].insert(trend.attribute.value)
                }
            }
        }
        try #require(!rising.isEmpty, "no rising attribute after ingesting the search series")
        try await service.withClient { client in
            let designs = try await client.generateFromTrends(.with {
                $0.n = 4
                $0.seed = 3
                $0.size = 96
            })
            try expectValidPNGs(designs, count: 4, size: 96)
            let fromTrends = designs.attributes.filter { $0.origin == "trend" }
            #expect(!fromTrends.isEmpty)
            for attribute in fromTrends where attribute.kind == "color" || attribute.kind == "pattern" {
                #expect(rising[attribute.kind]?.contains(attribute.value) == true, "\(attribute.kind) \(attribute.value) is not rising")
            }
        }
        await service.stop()
    }

    @Test("text-embedding down: Generate answers UNAVAILABLE naming it, within the deadline; MixStyles and GenerateFromTrends need it not; the service lives")
    func upstreamDown() async throws {
        let closedPort = try TestRedisServer.freeLoopbackPort()
        let service = try await ImageGenerationHarness.start(
            generationEnvironment: ["STYLECAST_TEXT_EMBEDDING_TARGET": "127.0.0.1:\(closedPort)"])
        try await service.withClient { client in
            let started = ContinuousClock.now
            var options = CallOptions.defaults
            options.timeout = .seconds(5)
            await expectRPCError(.unavailable, containing: ["text-embedding"]) {
                try await client.generate(.with { $0.prompt = "a dress"; $0.count = 1 }, options: options)
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            // MixStyles needs no other service.
            let mixed = try await client.mixStyles(.with { $0.seedA = 1; $0.seedB = 2; $0.size = 32 })
            #expect(mixed.images.count == 3)
            // GenerateFromTrends needs only the trends (no data yet: NOT_FOUND, not UNAVAILABLE).
            await expectRPCError(.notFound) {
                try await client.generateFromTrends(.with { $0.n = 1; $0.size = 32 }, options: options)
            }
        }
        #expect(service.generation.process.isRunning)
        await service.stop()
    }

    @Test("trend-aggregation down: Generate degrades to the default palette with a note; GenerateFromTrends answers UNAVAILABLE naming it; MixStyles unaffected")
    func trendsDown() async throws {
        let closedPort = try TestRedisServer.freeLoopbackPort()
        let service = try await ImageGenerationHarness.start(
            generationEnvironment: ["STYLECAST_TRENDS_TARGET": "127.0.0.1:\(closedPort)"])
        try await service.withClient { client in
            var options = CallOptions.defaults
            options.timeout = .seconds(20)
            // No colour in the prompt: the palette would come from the rising colours.
            let designs = try await client.generate(
                .with { $0.prompt = "a relaxed linen shirt for summer"; $0.count = 4; $0.seed = 3; $0.size = 64 },
                options: options)
            try expectValidPNGs(designs, count: 4, size: 64)
            let colors = designs.attributes.filter { $0.kind == "color" }
            #expect(colors.map(\.value) == ["navy"])
            #expect(colors.map(\.origin) == ["default"])
            #expect(designs.notes.count == 1)
            #expect(designs.notes.first?.contains("trend-aggregation") == true)
            #expect(designs.notes.first?.contains("default palette") == true)

            // A prompt that names its colour does not ask the trends at all: no note.
            let red = try await client.generate(.with { $0.prompt = "a red dress"; $0.count = 1; $0.size = 32 }, options: options)
            #expect(red.notes.isEmpty)
            #expect(attribute(red, "color") == ["red"])

            // Designs from the trends need the trends.
            await expectRPCError(.unavailable, containing: ["trend-aggregation"]) {
                try await client.generateFromTrends(.with { $0.n = 2; $0.size = 32 }, options: options)
            }
            let mixed = try await client.mixStyles(.with { $0.seedA = 1; $0.seedB = 2; $0.size = 32 })
            #expect(mixed.images.count == 3)
            #expect(mixed.notes.isEmpty)
        }
        #expect(service.generation.process.isRunning)
        await service.stop()
    }

    @Test("overload: with one turn and no line, concurrent calls past the one drawing get RESOURCE_EXHAUSTED naming the limit")
    func refusesCallsPastTheLine() async throws {
        let service = try await ImageGenerationHarness.start(
            generationEnvironment: ["STYLECAST_IMAGE_MAX_RUNNING": "1", "STYLECAST_IMAGE_MAX_WAITING": "0"])
        try await service.withClient { client in
            // Eight mixes of 1024 x 1024 designs sent at once: each draws for far longer than
            // the calls take to arrive, so all but the first find the one turn taken.
            let outcomes = await withTaskGroup(of: Result<Int, RPCError>.self) { group in
                for seed in 0..<8 {
                    group.addTask {
                        do {
                            let response = try await client.mixStyles(.with {
                                $0.seedA = UInt64(seed)
                                $0.seedB = UInt64(seed + 100)
                                $0.size = 1024
                            })
                            return .success(response.images.count)
                        } catch {
                            return .failure(error as? RPCError ?? RPCError(code: .unknown, message: "\(error)"))
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let drawn = outcomes.compactMap { try? $0.get() }
            let refused = outcomes.compactMap { outcome -> RPCError? in
                if case .failure(let error) = outcome { return error }
                return nil
            }
            #expect(!drawn.isEmpty && drawn.allSatisfy { $0 == 3 }, "\(outcomes)")
            #expect(!refused.isEmpty, "no call was refused: \(outcomes)")
            for error in refused {
                #expect(error.code == .resourceExhausted)
                #expect(error.message.contains("limit STYLECAST_IMAGE_MAX_WAITING=0"), "\(error.message)")
            }
            // The turn is free again once the drawing ends.
            let after = try await client.mixStyles(.with { $0.seedA = 1; $0.seedB = 2; $0.size = 64 })
            #expect(after.images.count == 3)
        }
        #expect(service.generation.process.isRunning)
        await service.stop()
    }
}
