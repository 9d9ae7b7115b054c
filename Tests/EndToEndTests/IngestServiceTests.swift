import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastImageIO
import StylecastProto
import StylecastRedis
import StylecastTestSupport
import Testing

/// The shared datasets and the independent record counter (scripts/fixtures/count_dataset_records.py).
enum SharedDatasets {
    static var directory: String {
        ProcessInfo.processInfo.environment["STYLECAST_DATA_DIR"] ?? MiniLMReference.packageRoot + "/../shared/data"
    }
    static let fashionMNIST = "/usr/share/datasets/fashion-mnist"

    /// Every shared file with its source, relative to ``directory`` (fmnist: absolute folder).
    static let files: [(source: String, path: String)] = [
        ("myntra", "myntra/styles.csv.gz"),
        ("hm", "hm/articles_train.csv.gz"),
        ("hm", "hm/transactions_train.csv.gz"),
        ("visuelle", "visuelle/train.csv"),
        ("visuelle", "visuelle/test.csv"),
        ("visuelle", "visuelle/gtrends.csv"),
        ("gtrends", "gtrends/covid19_fashion_weekly.csv.gz"),
        ("amazon", "amazon/fashion_5core.json.gz"),
        ("amazon", "amazon/clothing_5core_sequences.txt.gz"),
        ("reviews", "reviews/womens_clothing_reviews.csv.gz"),
        ("fmnist", fashionMNIST),
    ]

    static func path(_ relative: String) -> String { relative.hasPrefix("/") ? relative : directory + "/" + relative }

    /// What the file should yield, counted by Python's csv/json/gzip modules.
    static func expectedCounts(source: String, path: String) async throws -> [String: Int] {
        let script = MiniLMReference.packageRoot + "/scripts/fixtures/count_dataset_records.py"
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", script, source, path])
        let status = await child.waitForExit(timeout: .seconds(120))
        try #require(status == 0, "count_dataset_records.py failed: \(child.output())")
        let data = Data(child.output().utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
    }
}

/// A started ingest service (and optionally text-embedding) with its own Redis (a cluster when
/// `STYLECAST_TEST_REDIS_CLUSTER=1`, ``TestStackRedis``).
struct IngestHarness {
    let redis: TestStackRedis
    var ingest: RunningService
    var embedding: RunningService?
    let client: RedisClient

    /// Starts Redis and the services, with `environment` added to theirs.
    static func start(withEmbedding: Bool = false, environment: [String: String] = [:]) async throws -> IngestHarness {
        let redis = try await TestStackRedis.start()
        let ingest = try startService("ingest", redis: redis.url, environment: environment)
        let embedding = withEmbedding ? try startService("text-embedding", redis: redis.url, environment: environment) : nil
        let harness = IngestHarness(redis: redis, ingest: ingest, embedding: embedding, client: RedisClient(url: redis.url))
        for service in [ingest] + (embedding.map { [$0] } ?? []) {
            try await service.requireServing(timeout: .seconds(90))
        }
        return harness
    }

    /// Starts one of ``serviceExecutables`` on free ports against the Redis at `redis`.
    static func startService(
        _ name: String, redis: RedisURL, grpcPort: Int? = nil, environment: [String: String] = [:]
    ) throws -> RunningService {
        let port = try grpcPort ?? TestRedisServer.freeLoopbackPort()
        let process = try ChildProcess(
            BuiltExecutables.path(of: name), arguments: [],
            environment: [
                "STYLECAST_REDIS_URL": redis.environmentValue,
                "STYLECAST_GRPC_HOST": "127.0.0.1", "STYLECAST_GRPC_PORT": "\(port)",
                "STYLECAST_METRICS_HOST": "127.0.0.1", "STYLECAST_METRICS_PORT": "\(try TestRedisServer.freeLoopbackPort())",
                "STYLECAST_MODELS_DIR": ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"]
                    ?? MiniLMReference.packageRoot + "/models",
            ].merging(environment) { _, new in new })
        return RunningService(name: name, process: process, endpoint: Endpoint(host: "127.0.0.1", port: port))
    }

    /// Runs `stylecast ingest --json` and returns its summary object and exit status.
    func ingestFile(source: String, path: String, extra: [String] = [], timeout: Duration = .seconds(600)) async throws
        -> (summary: [String: Any], status: Int32?, output: String)
    {
        let child = try ChildProcess(
            BuiltExecutables.path(of: "stylecast"),
            arguments: ["ingest", "--source", source, path, "--json", "--target", "127.0.0.1:\(ingest.endpoint.port)"]
                + extra)
        let status = await child.waitForExit(timeout: timeout)
        let output = child.output()
        let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }).map(String.init) ?? "{}"
        let summary = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
        return (summary, status, output)
    }

    /// Writes `lines` as the JSON-lines file `name` in a new temporary folder and ingests it
    /// with source `jsonl`, as ``ingestFile(source:path:extra:timeout:)`` does.
    func ingestLines(_ lines: [String], as name: String) async throws -> (summary: [String: Any], status: Int32?, output: String) {
        let folder = try TemporaryDirectory()
        try writeFile(folder.path(name), Array((lines.joined(separator: "\n") + "\n").utf8))
        return try await ingestFile(source: "jsonl", path: folder.path(name))
    }

    func integer(_ command: RedisArgument...) async throws -> Int {
        Int(try await client.send(command).integer ?? -1)
    }

    func stop() async {
        for service in [ingest] + (embedding.map { [$0] } ?? []) where service.process.isRunning {
            await service.stop()
        }
        await client.shutdown()
        redis.stop()
    }
}

extension Dictionary where Key == String, Value == Any {
    func count(_ key: String) -> Int { (self[key] as? NSNumber)?.intValue ?? -1 }
    func counts(_ kind: String) -> (accepted: Int, rejected: Int, duplicates: Int) {
        let object = self[kind] as? [String: Any] ?? [:]
        return (object.count("accepted"), object.count("rejected"), object.count("duplicates"))
    }
}

@Suite("ingest over gRPC with the real datasets", .serialized, .timeLimit(.minutes(20)))
struct IngestServiceTests {
    @Test("every shared dataset: accepted + rejected + duplicates equals the records counted from the file; Redis holds each once")
    func everySharedDataset() async throws {
        let harness = try await IngestHarness.start()
        var itemsAccepted = 0
        var interactionsAccepted = 0
        var signalsAccepted = 0
        for (source, relative) in SharedDatasets.files {
            let path = SharedDatasets.path(relative)
            guard FileManager.default.fileExists(atPath: path) else {
                Issue.record("missing dataset \(path): see ../shared/data/README.md")
                continue
            }
            let expected = try await SharedDatasets.expectedCounts(source: source, path: path)
            let started = ContinuousClock.now
            let (summary, status, output) = try await harness.ingestFile(source: source, path: path)
            #expect(status == 0, "stylecast ingest \(relative) failed:\n\(output)")
            let items = summary.counts("items")
            let interactions = summary.counts("interactions")
            let signals = summary.counts("signals")
            print(
                "ingest \(relative): \(summary.count("records")) records in \(ContinuousClock.now - started);"
                    + " items \(items), interactions \(interactions), signals \(signals), repaired \(summary.count("repaired"))")
            #expect(items.accepted + items.rejected + items.duplicates == expected["items"], "\(relative) items")
            #expect(
                interactions.accepted + interactions.rejected + interactions.duplicates == expected["interactions"],
                "\(relative) interactions")
            #expect(signals.accepted + signals.rejected + signals.duplicates == expected["signals"], "\(relative) signals")
            // Every rejection is reported with its line, field and rule.
            let errors = summary["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == min(summary.count("rejected"), 1000))
            for error in errors {
                #expect(!(error["field"] as? String ?? "").isEmpty && !(error["rule"] as? String ?? "").isEmpty)
            }
            if source == "myntra" {
                #expect(summary.count("records") == 44_446)
                #expect(summary.count("repaired") == 22)
                #expect(items.rejected == 0)
            }
            itemsAccepted += items.accepted
            interactionsAccepted += interactions.accepted
            signalsAccepted += signals.accepted
        }
        #expect(try await harness.integer("XLEN", RedisArgument(WorkStream.itemsIngested.key)) == itemsAccepted)
        #expect(try await harness.integer("SCARD", RedisArgument(StylecastKeys.itemIDs)) == itemsAccepted)
        #expect(try await harness.integer("XLEN", RedisArgument(WorkStream.interactions.key)) == interactionsAccepted)
        #expect(try await harness.integer("XLEN", RedisArgument(WorkStream.signals.key)) == signalsAccepted)
        #expect(harness.ingest.process.isRunning)
        await harness.stop()
    }

    @Test("GetItem returns the normalised item with image features; an unknown id is NOT_FOUND")
    func getItem() async throws {
        let harness = try await IngestHarness.start()
        let myntra = try await harness.ingestFile(
            source: "myntra", path: SharedDatasets.path("myntra/styles.csv.gz"), extra: ["--limit", "50"])
        #expect(myntra.summary.count("accepted") == 50)
        let fmnist = try await harness.ingestFile(
            source: "fmnist", path: SharedDatasets.fashionMNIST, extra: ["--limit", "200"])
        #expect(fmnist.summary.count("accepted") + fmnist.summary.count("duplicates") == 200)
        try await harness.ingest.withClient(Stylecast_V1_Ingest.Client.init) { ingest in
            let shirt = try await ingest.getItem(.with { $0.itemID = "myntra:15970" })
            #expect(shirt.title == "Turtle Check Men Navy Blue Shirt")
            #expect(shirt.color == "navy")
            #expect(shirt.category == "shirt")
            #expect(shirt.gender == "men")
            #expect(shirt.extra["color_raw"] == "Navy Blue")
            // Fashion-MNIST train image 0 is an ankle boot; the classifier agrees.
            let boot = try await ingest.getItem(.with { $0.itemID = "fmnist:train-00000" })
            #expect(boot.imageFeatures.predictedCategory == "boots")
            #expect(boot.imageFeatures.categoryConfidence > 0.5)
            #expect(boot.imageFeatures.dominantColors.isEmpty)
            let shown = try ChildProcess(
                BuiltExecutables.path(of: "stylecast"),
                arguments: ["item", "myntra:15970", "fmnist:train-00000", "--target", "127.0.0.1:\(harness.ingest.endpoint.port)"])
            #expect(await shown.waitForExit(timeout: .seconds(30)) == 0)
            #expect(shown.output().contains("myntra:15970  Turtle Check Men Navy Blue Shirt"))
            #expect(shown.output().contains("category=shirt color=navy"))
            #expect(shown.output().contains("bytes: boots (p="))
            await expectRPCError(.notFound, containing: ["myntra:does-not-exist"]) {
                try await ingest.getItem(.with { $0.itemID = "myntra:does-not-exist" })
            }
        }
        await harness.stop()
    }
}

@Suite("ingest: duplicates, restarts, hand-off to text-embedding and bad input", .serialized, .timeLimit(.minutes(20)))
struct IngestDeliveryTests {
    @Test("re-ingesting a file adds nothing; killing the service mid-file and re-running loses and duplicates nothing")
    func reingestAndKillMidFile() async throws {
        var harness = try await IngestHarness.start()
        let myntra = SharedDatasets.path("myntra/styles.csv.gz")
        let clean = try await harness.ingestFile(source: "myntra", path: myntra)
        let stored = clean.summary.count("accepted")
        #expect(clean.status == 0)
        #expect(stored > 30_000 && stored + clean.summary.count("duplicates") == 44_446)

        let again = try await harness.ingestFile(source: "myntra", path: myntra)
        #expect(again.summary.count("accepted") == 0)
        #expect(again.summary.count("duplicates") == stored + clean.summary.count("duplicates"))
        #expect(try await harness.integer("XLEN", RedisArgument(WorkStream.itemsIngested.key)) == stored)

        // Start over on an empty Redis; kill the service once part of the file is stored.
        try harness.redis.flushAll()
        let cli = try ChildProcess(
            BuiltExecutables.path(of: "stylecast"),
            arguments: ["ingest", "--source", "myntra", myntra, "--json", "--target", "127.0.0.1:\(harness.ingest.endpoint.port)"])
        var partial = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while partial < 2_000, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            partial = try await harness.integer("XLEN", RedisArgument(WorkStream.itemsIngested.key))
        }
        harness.ingest.process.send(signal: SIGKILL)
        _ = await harness.ingest.process.waitForExit(timeout: .seconds(10))
        #expect(await cli.waitForExit(timeout: .seconds(60)) != 0, "the CLI must fail when the service dies:\n\(cli.output())")
        let afterKill = try await harness.integer("XLEN", RedisArgument(WorkStream.itemsIngested.key))
        print("ingest killed with \(afterKill) of \(stored) items stored")
        #expect(afterKill > 0 && afterKill < stored)

        harness.ingest = try IngestHarness.startService(
            "ingest", redis: harness.redis.url, grpcPort: harness.ingest.endpoint.port)
        #expect(await harness.ingest.waitFor("SERVING", timeout: .seconds(60)) != nil)
        let rerun = try await harness.ingestFile(source: "myntra", path: myntra)
        #expect(rerun.status == 0)
        #expect(rerun.summary.count("accepted") == stored - afterKill)
        #expect(try await harness.integer("XLEN", RedisArgument(WorkStream.itemsIngested.key)) == stored)
        #expect(try await harness.integer("SCARD", RedisArgument(StylecastKeys.itemIDs)) == stored)
        await harness.stop()
    }

    @Test("ingested items flow on: the text-embedding worker embeds every accepted item")
    func itemsFlowToEmbedding() async throws {
        let harness = try await IngestHarness.start(withEmbedding: true)
        let ingested = try await harness.ingestFile(
            source: "myntra", path: SharedDatasets.path("myntra/styles.csv.gz"), extra: ["--limit", "200"])
        let accepted = ingested.summary.count("accepted")
        #expect(accepted + ingested.summary.count("duplicates") == 200 && accepted > 150)
        var embedded = 0
        let deadline = ContinuousClock.now + .seconds(180)
        while embedded < accepted, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            embedded = try await harness.integer("XLEN", RedisArgument(WorkStream.itemsEmbedded.key))
        }
        #expect(embedded == accepted)
        let vectorBytes = try await harness.integer("STRLEN", RedisArgument(StylecastKeys.itemEmbedding("myntra:15970")))
        #expect(vectorBytes == 4 + 384 * 4)
        await harness.stop()
    }
}

@Suite("ingest: bad input gets a clear per-record or per-file error and the service stays up", .serialized, .timeLimit(.minutes(5)))
struct IngestBadInputTests {
    static let myntraHeader = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"

    func errors(_ summary: [String: Any]) -> [[String: Any]] { summary["errors"] as? [[String: Any]] ?? [] }

    @Test("wrong column count, invalid UTF-8, a 10 MB field: each row rejected naming line and field; good rows stored")
    func badRows() async throws {
        let harness = try await IngestHarness.start()
        let folder = try TemporaryDirectory()
        var bytes = Array(Self.myntraHeader.utf8)
        bytes += Array("1,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Good Shirt One\n".utf8)
        bytes += Array("2,Men,Apparel,Topwear\n".utf8)  // line 3: too few columns
        bytes += Array("3,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Bad ".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        bytes += Array("4,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,".utf8)
            + Array(repeating: UInt8(ascii: "x"), count: 10 << 20) + Array("\n".utf8)  // line 5: 10 MB field
        bytes += Array("5,Women,Apparel,Dress,Dresses,Red,Summer,2012,Casual,Good Red Dress\n".utf8)
        let path = folder.path("bad-rows.csv")
        try writeFile(path, bytes)
        let result = try await harness.ingestFile(source: "myntra", path: path)
        #expect(result.status == 0, "rejections alone do not fail the run without --strict:\n\(result.output)")
        #expect(result.summary.count("accepted") == 2)
        #expect(result.summary.count("rejected") == 3)
        let lines = errors(result.summary).compactMap { ($0["index"] as? NSNumber)?.intValue }.sorted()
        #expect(lines == [3, 4, 5])
        for error in errors(result.summary) {
            print("bad row: \(error["message"] ?? "")")
            #expect(!(error["field"] as? String ?? "").isEmpty)
        }
        let strict = try await harness.ingestFile(source: "myntra", path: path, extra: ["--strict"])
        #expect(strict.status == 1)
        #expect(await harness.ingest.health() == "SERVING")
        await harness.stop()
    }

    @Test("a truncated gzip: the rows before the cut are stored, the run exits 1 naming the file")
    func truncatedGzip() async throws {
        let harness = try await IngestHarness.start()
        let folder = try TemporaryDirectory()
        let whole = try readFile(SharedDatasets.path("myntra/styles.csv.gz"))
        let path = folder.path("styles-truncated.csv.gz")
        try writeFile(path, Array(whole.prefix(whole.count / 2)))
        let result = try await harness.ingestFile(source: "myntra", path: path)
        #expect(result.status == 1)
        #expect(result.output.contains("styles-truncated.csv.gz"))
        let accepted = result.summary.count("accepted")
        #expect(accepted > 10_000 && accepted < 44_446)
        #expect(await harness.ingest.health() == "SERVING")
        await harness.stop()
    }

    @Test("JSONL: a bad date, an image that is not an image, a negative price: rejected by the service naming the field")
    func badJSONLRecords() async throws {
        let harness = try await IngestHarness.start()
        let notAnImage = Data("this is not a png".utf8).base64EncodedString()
        // A red dress shape on white, 40 x 40: a colour image, so it gets dominant colours.
        var pixels = [UInt8](repeating: 255, count: 40 * 40 * 3)
        for y in 6..<36 {
            let half = 6 + (y - 6) / 3
            for x in (20 - half)..<(20 + half) { pixels.replaceSubrange((y * 40 + x) * 3..<(y * 40 + x) * 3 + 3, with: [237, 28, 36]) }
        }
        let redDress = Data(try PNGImage(width: 40, height: 40, format: .rgb, pixels: pixels).pngData()).base64EncodedString()
        let lines = [
            #"{"source": "shop", "sourceId": "a1", "title": "Linen shirt", "releaseDate": "2019-03-04"}"#,
            #"{"source": "shop", "sourceId": "a2", "title": "Wool coat", "releaseDate": "2019-13-45"}"#,
            #"{"source": "shop", "sourceId": "a3", "title": "Odd bag", "image": "\#(notAnImage)"}"#,
            #"{"source": "shop", "sourceId": "a4", "title": "Free scarf", "price": -3}"#,
            #"{"source": "shop", "sourceId": "a5", "title": "Printed dress", "releaseDate": "2019-03-04T23:30:00-02:00"}"#,
            #"{"source": "shop", "sourceId": "a6", "title": "Party dress", "image": "\#(redDress)"}"#,
        ]
        let result = try await harness.ingestLines(lines, as: "shop.jsonl")
        #expect(result.summary.count("accepted") == 3)
        let fields = Dictionary(
            uniqueKeysWithValues: errors(result.summary).map {
                (($0["index"] as? NSNumber)?.intValue ?? -1, $0["field"] as? String ?? "")
            })
        #expect(fields == [2: "release_date", 3: "image", 4: "price"])
        try await harness.ingest.withClient(Stylecast_V1_Ingest.Client.init) { ingest in
            let dress = try await ingest.getItem(.with { $0.itemID = "shop:a5" })
            #expect(dress.releaseDate == "2019-03-05")
            let red = try await ingest.getItem(.with { $0.itemID = "shop:a6" })
            #expect(red.imageFeatures.dominantColors.map(\.name) == ["red"])
            #expect(red.imageFeatures.dominantColors.first?.share ?? 0 > 0.95)
            #expect(!red.imageFeatures.predictedCategory.isEmpty)
        }
        #expect(await harness.ingest.health() == "SERVING")
        await harness.stop()
    }
}
