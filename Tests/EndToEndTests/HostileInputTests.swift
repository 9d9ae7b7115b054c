import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastGRPC
import StylecastImageIO
import StylecastProto
import StylecastTestSupport
import SwiftProtobuf
import Testing

/// Sends bytes as they are: lets a test put any frame on the wire, malformed ones included.
struct RawBytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}

/// Reads a response's bytes without decoding them.
struct RawBytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// One RPC of a service, as its generated descriptor names it.
struct HostileTarget: Sendable, CustomStringConvertible {
    var executable: String
    var descriptor: MethodDescriptor

    var clientStreaming: Bool { descriptor.type == .clientStreaming }
    var description: String { descriptor.fullyQualifiedMethod }
}

/// The five real services on one throwaway Redis, attacked with hostile input: malformed frames,
/// invalid UTF-8, oversized messages, huge repeated fields, NaN and infinities, 1 ms deadlines,
/// and 10,000 bad calls while their memory is watched.
@Suite("Hostile input against every RPC", .serialized, .timeLimit(.minutes(10)))
struct HostileInputTests {
    /// Every RPC of the five services.
    static let rpcs: [HostileTarget] = [
        ("ingest", Stylecast_V1_Ingest.Method.descriptors),
        ("text-embedding", Stylecast_V1_TextEmbedding.Method.descriptors),
        ("image-generation", Stylecast_V1_ImageGeneration.Method.descriptors),
        ("recommendation", Stylecast_V1_Recommendation.Method.descriptors),
        ("trend-aggregation", Stylecast_V1_TrendAggregation.Method.descriptors),
    ].flatMap { executable, methods in methods.map { HostileTarget(executable: executable, descriptor: $0) } }

    /// Methods whose request's field 1 is a string (or repeated string): invalid UTF-8 there
    /// must be refused. The others have a number or nothing as field 1.
    static let stringFirstMethods: Set<String> = [
        "GetItem", "Embed", "Tokenize", "ExtractAttributes", "Generate", "Recommend", "SimilarItems",
        "CompleteTheLook", "ListTrends", "GetSeries", "ListMarkets", "ForecastNewProduct",
    ]

    /// The five services, started once for the suite.
    struct Services {
        let harness: IngestHarness
        let running: [String: RunningService]

        static func start() async throws -> Services {
            let harness = try await IngestHarness.start(withEmbedding: true)
            var running = ["ingest": harness.ingest, "text-embedding": try #require(harness.embedding)]
            for name in ["recommendation", "trend-aggregation"] {
                running[name] = try IngestHarness.startService(name, redis: harness.redis.url)
            }
            running["image-generation"] = try IngestHarness.startService(
                "image-generation", redis: harness.redis.url,
                environment: [
                    "STYLECAST_TEXT_EMBEDDING_TARGET": "127.0.0.1:\(running["text-embedding"]!.endpoint.port)",
                    "STYLECAST_TRENDS_TARGET": "127.0.0.1:\(running["trend-aggregation"]!.endpoint.port)",
                ])
            for service in running.values { try await service.requireServing(timeout: .seconds(90)) }
            return Services(harness: harness, running: running)
        }

        func stop() async {
            for (name, service) in running where name != "ingest" && name != "text-embedding" { await service.stop() }
            await harness.stop()
        }

        func endpoint(_ executable: String) -> StylecastClient.Endpoint { running[executable]!.endpoint }

        /// Every service is still running and SERVING.
        func expectAllServing(sourceLocation: SourceLocation = #_sourceLocation) async {
            for (name, service) in running {
                #expect(service.process.isRunning, "\(name) died:\n\(service.process.output())", sourceLocation: sourceLocation)
                #expect(await service.health() == "SERVING", "\(name) is not SERVING", sourceLocation: sourceLocation)
            }
        }
    }

    /// One call with raw request bytes; the status code and message (OK for a success).
    static func call(
        _ client: GRPCClient<HTTP2ClientTransport.Posix>, _ target: HostileTarget, _ bytes: [UInt8],
        timeout: Duration = .seconds(20)
    ) async -> (code: RPCError.Code?, message: String) {
        var options = CallOptions.defaults
        options.timeout = timeout
        do {
            if target.clientStreaming {
                _ = try await client.clientStreaming(
                    request: StreamingClientRequest(of: [UInt8].self) { writer in try await writer.write(bytes) },
                    descriptor: target.descriptor, serializer: RawBytesSerializer(), deserializer: RawBytesDeserializer(),
                    options: options) { try $0.message }
            } else {
                _ = try await client.unary(
                    request: ClientRequest(message: bytes), descriptor: target.descriptor, serializer: RawBytesSerializer(),
                    deserializer: RawBytesDeserializer(), options: options) { try $0.message }
            }
            return (nil, "OK")
        } catch let error as RPCError {
            return (error.code, error.message)
        } catch {
            return (.unknown, "\(error)")
        }
    }

    /// A memory field of a process's `/proc/<pid>/status` (`VmRSS`, `VmHWM`, ...), in KiB.
    static func statusKiB(_ pid: Int32, field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// Resident memory of a process, in KiB.
    static func residentKiB(_ pid: Int32) -> Int { statusKiB(pid, field: "VmRSS") }

    @Test("malformed frames, invalid UTF-8, oversized messages, huge repeated fields, NaN, 1 ms deadlines, 10,000 bad calls")
    func everyRPC() async throws {
        let services = try await Services.start()

        // 1. Malformed protobuf: a tag with field number 0 and a truncated varint.
        let malformed: [UInt8] = [0x00, 0xFF, 0xFF, 0xFF]
        // 2. Field 1 as a length-delimited string with invalid UTF-8.
        let invalidUTF8: [UInt8] = [0x0A, 0x03, 0xC3, 0x28, 0xFF]
        // 3. Over the 4 MiB message limit: field 15 (unknown to every request) with 5 MiB.
        let oversized: [UInt8] = [0x7A] + Self.varint(5 << 20) + [UInt8](repeating: 0x61, count: 5 << 20)
        for target in Self.rpcs {
            try await withStylecastConnection(to: services.endpoint(target.executable)) { client in
                let bad = await Self.call(client, target, malformed)
                #expect(bad.code == .invalidArgument, "\(target) malformed: \(bad)")
                #expect(bad.message.contains("deserialize"), "\(target) malformed: \(bad.message)")
                if Self.stringFirstMethods.contains(target.descriptor.method) {
                    let utf8 = await Self.call(client, target, invalidUTF8)
                    #expect(utf8.code == .invalidArgument, "\(target) invalid UTF-8: \(utf8)")
                }
                // grpc-swift-nio-transport refuses a message over the limit before any handler
                // runs by resetting the stream (RST_STREAM CANCEL), so the client sees UNAVAILABLE
                // rather than RESOURCE_EXHAUSTED (docs/operations.md, "Limits"); what matters here:
                // refused at once, nothing buffered, the service unharmed.
                let started = ContinuousClock.now
                let large = await Self.call(client, target, oversized)
                #expect(large.code == .unavailable && large.message.contains("RST_STREAM"), "\(target) oversized: \(large)")
                #expect(ContinuousClock.now - started < .seconds(5), "\(target) oversized took \(ContinuousClock.now - started)")
            }
        }
        await services.expectAllServing()

        // 4. Huge repeated fields and 5. NaN and infinities: refused naming the field.
        try await services.running["text-embedding"]!.withClient(Stylecast_V1_TextEmbedding.Client.init) { service in
            let many = [String](repeating: "a", count: 100_000)
            for call in [
                { try await service.embed(.with { $0.texts = many }) } as @Sendable () async throws -> Any,
                { try await service.tokenize(.with { $0.texts = many }) },
                { try await service.extractAttributes(.with { $0.texts = many }) },
            ] {
                await expectRPCError(.invalidArgument, prefix: "texts") { try await call() }
            }
        }
        try await services.running["trend-aggregation"]!.withClient(Stylecast_V1_TrendAggregation.Client.init) { service in
            for history in [[1, .nan, 3], [.infinity, 2, 3], [-.infinity], [Double](repeating: 1, count: 400_000)] {
                await expectRPCError(.invalidArgument, prefix: "history") {
                    try await service.forecast(.with {
                        $0.history = history
                        $0.horizon = 4
                    })
                }
            }
        }
        try await services.harness.ingest.withClient(Stylecast_V1_Ingest.Client.init) { ingest in
            let response = try await ingest.ingestInteractions(.with {
                $0.interactions = [
                    .with {
                        $0.userID = "u"
                        $0.itemID = "i"
                        $0.kind = "purchase"
                        $0.source = "jsonl"
                        $0.timestamp = 1_600_000_000
                        $0.price = .nan
                    },
                    .with {
                        $0.userID = "u"
                        $0.itemID = "i"
                        $0.kind = "purchase"
                        $0.source = "jsonl"
                        $0.timestamp = 1_600_000_000
                        $0.quantity = .infinity
                    },
                ]
            })
            #expect(response.rejected == 2, "\(response)")
            #expect(response.errors.map(\.field).sorted() == ["price", "quantity"], "\(response.errors)")
        }

        // 6. Deadlines of 1 ms: DEADLINE_EXCEEDED, and the service lives.
        for target in Self.rpcs where !target.clientStreaming {
            try await withStylecastConnection(to: services.endpoint(target.executable)) { client in
                let result = await Self.call(client, target, [], timeout: .milliseconds(1))
                #expect(result.code == .deadlineExceeded || result.code == nil, "\(target) with 1 ms: \(result)")
            }
        }
        await services.expectAllServing()

        // 7. 10,000 malformed calls per service: resident memory grows by less than 10%.
        var growth: [String] = []
        for executable in serviceExecutables {
            let target = Self.rpcs.first { $0.executable == executable && !$0.clientStreaming }!
            let pid = services.running[executable]!.process.pid
            try await withStylecastConnection(to: services.endpoint(executable)) { client in
                func burst(_ count: Int) async {
                    await withTaskGroup(of: Void.self) { group in
                        for lane in 0..<8 {
                            group.addTask {
                                for _ in stride(from: lane, to: count, by: 8) { _ = await Self.call(client, target, malformed) }
                            }
                        }
                    }
                }
                await burst(1_000)
                let before = Self.residentKiB(pid)
                await burst(10_000)
                let after = Self.residentKiB(pid)
                growth.append("\(executable) \(before) -> \(after) KiB")
                #expect(after < before + before / 10, "\(executable): RSS \(before) KiB -> \(after) KiB over 10,000 bad calls")
            }
        }
        print("RSS over 10,000 malformed calls: \(growth.joined(separator: ", "))")
        await services.expectAllServing()
        await services.stop()
    }

    /// Peak resident memory of a process (VmHWM), in KiB.
    static func peakResidentKiB(_ pid: Int32) -> Int { statusKiB(pid, field: "VmHWM") }

    @Test("a 260 KB PNG that decodes to 8192 x 8192 RGBA: refused naming image and the pixel limit; 8 clients sending such images at once keep ingest's peak RSS under 200 MiB")
    func decompressionBombs() async throws {
        let harness = try await IngestHarness.start()
        let side = 8192
        let bomb = try PNGImage(
            width: side, height: side, format: .rgba, pixels: [UInt8](repeating: 0, count: side * side * 4)
        ).pngData()
        #expect(bomb.count < 400_000, "\(bomb.count) bytes")
        // A small real garment image beside them still gets its features.
        var plain = [UInt8](repeating: 255, count: 64 * 64 * 3)
        for y in 16..<48 { for x in 20..<44 { plain[(y * 64 + x) * 3] = 200; plain[(y * 64 + x) * 3 + 1] = 30; plain[(y * 64 + x) * 3 + 2] = 30 } }
        let small = try PNGImage(width: 64, height: 64, format: .rgb, pixels: plain).pngData()

        let pid = harness.ingest.process.pid
        let summaries = try await withThrowingTaskGroup(of: Stylecast_V1_IngestSummary.self) { group in
            for client in 0..<8 {
                group.addTask {
                    var items = (0..<6).map { n in
                        var item = ReliabilityTests.shopItem("bomb-\(client)-\(n)", title: "a bomb \(client) \(n)")
                        item.image = Data(bomb)
                        return item
                    }
                    var valid = ReliabilityTests.shopItem("plain-\(client)", title: "a plain red dress \(client)")
                    valid.image = Data(small)
                    items.append(valid)
                    return try await ReliabilityTests.send(items, to: harness.ingest)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for summary in summaries {
            #expect(summary.accepted == 1 && summary.rejected == 6, "\(summary)")
            for error in summary.errors {
                #expect(error.field == "image", "\(error)")
                #expect(error.rule.contains("4194304 pixels") && error.rule.contains("STYLECAST_INGEST_MAX_IMAGE_PIXELS")
                    && error.rule.contains("8192x8192"), "\(error.rule)")
            }
        }
        let peak = Self.peakResidentKiB(pid)
        print("ingest peak RSS with 8 clients sending 8192 x 8192 PNGs: \(peak / 1024) MiB")
        #expect(peak > 0 && peak < 200 * 1024, "ingest peak RSS \(peak / 1024) MiB")
        #expect(harness.ingest.process.isRunning)
        let stored = try await harness.ingest.withClient(Stylecast_V1_Ingest.Client.init) {
            try await $0.getItem(.with { $0.itemID = "shop:plain-0" })
        }
        #expect(stored.imageFeatures.predictedCategory.isEmpty == false)
        await harness.stop()
    }

    /// Protobuf base-128 varint.
    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }

    @Test("corrupt weights and vocabulary files at start-up: a clear error naming the file, exit 1, no crash")
    func corruptModelFiles() async throws {
        let redis = try await TestRedisServer.start()
        defer { redis.stop() }
        let folder = try TemporaryDirectory()
        let directory = folder.url
        // A safetensors header length far beyond the file, then garbage.
        var corruptWeights: [UInt8] = [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0]
        corruptWeights += Array("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}".utf8)
        let weights = directory.appendingPathComponent("corrupt.safetensors")
        try Data(corruptWeights).write(to: weights)
        // A models folder whose vocabulary is binary garbage and whose weights are truncated.
        let models = directory.appendingPathComponent("models/all-MiniLM-L6-v2")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let real = URL(fileURLWithPath: ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"]
            ?? MiniLMReference.packageRoot + "/models").appendingPathComponent("all-MiniLM-L6-v2")
        for file in ["config.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: real.appendingPathComponent(file), to: models.appendingPathComponent(file))
        }
        try Data([0xFF, 0xFE, 0x00, 0x80, 0x0A, 0xC3]).write(to: models.appendingPathComponent("vocab.txt"))
        try Data(try Data(contentsOf: real.appendingPathComponent("model.safetensors")).prefix(5_000))
            .write(to: models.appendingPathComponent("model.safetensors"))

        for (executable, environment, mention) in [
            ("image-generation", ["STYLECAST_GENERATOR_WEIGHTS": weights.path], "safetensors"),
            ("ingest", ["STYLECAST_CLASSIFIER_WEIGHTS": weights.path], "safetensors"),
            ("text-embedding", ["STYLECAST_MODELS_DIR": directory.appendingPathComponent("models").path], "vocab"),
        ] {
            let service = try IngestHarness.startService(executable, redis: redis.url, environment: environment)
            let status = await service.process.waitForExit(timeout: .seconds(60))
            let output = service.process.output()
            #expect(status == 1, "\(executable) exit status \(String(describing: status)):\n\(output)")
            #expect(output.localizedCaseInsensitiveContains(mention), "\(executable) does not name the problem:\n\(output)")
        }
    }
}
