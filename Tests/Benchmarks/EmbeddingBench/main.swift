// embedding-bench: the Swift side of scripts/bench/embedding.sh. Prints one JSON object per line.
//
//   embedding-bench engine --corpus FILE [--models DIR] [--seconds S] [--batch-sizes 1,8,32,128]
//                          [--query TEXT]
//       EmbeddingEngine.embed (the service path without gRPC) on consecutive batches of the
//       corpus, 1 BLAS thread; also the corpus' token counts and the sgemm-bound limit, and with
//       --query the latency (p50, p99) of embedding that one text, call after call.
//   embedding-bench grpc --target HOST:PORT --corpus FILE [--seconds S] [--batch-sizes ...]
//                        [--query TEXT] [--warm] [--label NAME]
//       the text-embedding service's Embed, one call at a time, batches as above; --query as
//       for engine, plus the latency of Health/Check (the round trip alone); --warm sends the
//       corpus once before timing (so that a service with its cache on answers from it);
//       --label names the path in the output (default grpc).
//   embedding-bench encoder --redis URL [--models DIR] [--threads N] [--batch B] [--seconds S]
//       the encoder alone on the texts the queue worker embeds (every item of items.ingested,
//       all partitions): N engines, one inference thread each, on every N-th text, B texts per
//       pass; what scripts/bench/pipeline.sh divides the drain rate by.
//
// Run it from a release build (scripts/bench/embedding.sh does).

import BenchmarkSupport
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastCalendar
import StylecastClient
import StylecastGRPC
import StylecastContracts
import StylecastProto
import StylecastRedis
import StylecastServiceKit
import StylecastTensor
import StylecastText
import TextEmbeddingService

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("embedding-bench: \(message)\n".utf8))
    exit(2)
}

/// Emits the latency of `body`, one call at a time, for one text of `tokens` tokens.
func emitLatency(path: String, tokens: Int, seconds: Double, _ body: () async throws -> Void) async throws {
    let latency = try await Latency.measure(seconds: seconds, body)
    emit([
        "bench": "latency", "path": path, "tokens": tokens, "p50_ms": latency.p50Milliseconds,
        "p99_ms": latency.p99Milliseconds, "calls": latency.calls,
    ])
}

/// The service path without gRPC, the corpus' token counts and the sgemm-bound limit.
func benchmarkEngine(
    corpus: Corpus, modelDirectory: String, batchSizes: [Int], seconds: Double, query: String?
) async throws {
    let engine = try EmbeddingEngine(modelDirectory: modelDirectory)
    let tokenCounts = corpus.texts.map { engine.embedder.tokenizer.tokenize($0).ids.count }
    let limit = SGEMMLimit(config: engine.embedder.encoder.config)
    let meanTokens = Double(tokenCounts.reduce(0, +)) / Double(tokenCounts.count)
    // The representative GEMM: a packed batch of 32 average texts.
    let rows = Int((32 * meanTokens).rounded())
    let gflops = limit.measuredGFLOPs(rows: rows, seconds: seconds)
    let corpusFLOPs = limit.flops(tokenCounts: tokenCounts)
    emit([
        "bench": "limit", "kernel": BLASRuntime.kernelName, "texts": tokenCounts.count, "mean_tokens": meanTokens,
        "max_tokens": tokenCounts.max() ?? 0, "sgemm_rows": rows, "sgemm_gflops": gflops,
        "dense_mflops_per_token": limit.denseFLOPsPerToken / 1e6,
        "mflops_per_text": corpusFLOPs / Double(tokenCounts.count) / 1e6,
        "limit_sentences_per_second": Double(tokenCounts.count) / (corpusFLOPs / (gflops * 1e9)),
    ])
    for batch in batchSizes {
        var tokenizationMilliseconds = 0.0
        var inferenceMilliseconds = 0.0
        let (rate, passes) = try await Throughput.measure(batches: corpus.batches(of: batch), seconds: seconds) {
            texts in
            let tokenizing = ContinuousClock.now
            let tokenized = engine.tokenize(texts)
            let tokenizedAt = ContinuousClock.now
            let embeddings = try await engine.embed(tokenized: tokenized)
            tokenizationMilliseconds += (tokenizedAt - tokenizing).milliseconds
            inferenceMilliseconds += (ContinuousClock.now - tokenizedAt).milliseconds
            return embeddings.count
        }
        emit([
            "bench": "embedding", "path": "engine", "batch": batch, "sentences_per_second": rate, "passes": passes,
            "kernel": BLASRuntime.kernelName,
            "tokenization_percent": 100 * tokenizationMilliseconds / (tokenizationMilliseconds + inferenceMilliseconds),
        ])
    }
    if let query {
        let tokens = engine.embedder.tokenizer.tokenize(query).ids.count
        try await emitLatency(path: "engine", tokens: tokens, seconds: seconds) {
            _ = try await engine.embed(tokenized: engine.tokenize([query]))
        }
    }
}

/// Embed over gRPC, one call at a time, after the service reports SERVING; `warm` sends every
/// batch once before timing, `label` names the path in the output.
func benchmarkGRPC(
    corpus: Corpus, endpoint: StylecastClient.Endpoint, batchSizes: [Int], seconds: Double, query: String?,
    warm: Bool, label: String
) async throws {
    try await withStylecastConnection(to: endpoint) { connection in
        let probe = ServiceProbe(client: connection)
        let deadline = ContinuousClock.now + .seconds(120)
        while (try? await probe.health(service: "stylecast.v1.TextEmbedding")) != "SERVING" {
            guard ContinuousClock.now < deadline else { fail("\(endpoint) did not become SERVING in 120 s") }
            try await Task.sleep(for: .milliseconds(200))
        }
        let client = Stylecast_V1_TextEmbedding.Client(wrapping: connection)
        let info = try await client.info(.init())
        for batch in batchSizes {
            if warm {
                for texts in corpus.batches(of: batch) { _ = try await client.embed(.with { $0.texts = texts }) }
            }
            var cacheHits = 0
            let (rate, passes) = try await Throughput.measure(batches: corpus.batches(of: batch), seconds: seconds) {
                texts in
                let response = try await client.embed(.with { $0.texts = texts })
                cacheHits += Int(response.cacheHits)
                return response.embeddings.count
            }
            emit([
                "bench": "embedding", "path": label, "batch": batch, "sentences_per_second": rate, "passes": passes,
                "kernel": info.blasKernel, "cache_hits": cacheHits,
            ])
        }
        if let query {
            let tokens = try await client.tokenize(.with { $0.texts = [query] }).results.first?.ids.count ?? 0
            // The service's own account of each call (its Timings), to split the gRPC figure.
            var timings: [(queue: Double, inference: Double, total: Double)] = []
            try await emitLatency(path: label, tokens: tokens, seconds: seconds) {
                let response = try await client.embed(.with { $0.texts = [query] })
                timings.append((response.timings.queueMs, response.timings.inferenceMs, response.timings.totalMs))
            }
            let median = { (values: [Double]) in values.sorted()[values.count / 2] }
            emit([
                "bench": "service_timings", "path": label, "queue_p50_ms": median(timings.map(\.queue)),
                "inference_p50_ms": median(timings.map(\.inference)), "total_p50_ms": median(timings.map(\.total)),
            ])
            // The round trip alone from this client (no work in the service): what any call
            // through it costs beyond the service's own time.
            try await emitLatency(path: label + "-health", tokens: 0, seconds: seconds) {
                _ = try await probe.health(service: "")
            }
        }
    }
}

/// The encoder alone on the worker's texts: `threads` engines at once, each on every
/// `threads`-th text in passes of `batch`, whole passes until `seconds` have gone by.
func benchmarkEncoder(texts: [String], modelDirectory: String, threads: Int, batch: Int, seconds: Double) async throws {
    let engines = try (0..<threads).map { _ in try EmbeddingEngine(modelDirectory: modelDirectory) }
    let started = ContinuousClock.now
    let embedded = try await withThrowingTaskGroup(of: Int.self) { group in
        for (index, engine) in engines.enumerated() {
            let shard = stride(from: index, to: texts.count, by: threads).map { texts[$0] }
            group.addTask {
                let batches = stride(from: 0, to: shard.count, by: batch).map { Array(shard[$0..<min($0 + batch, shard.count)]) }
                var count = 0
                repeat {
                    for texts in batches { count += try await engine.embed(tokenized: engine.tokenize(texts)).count }
                } while (ContinuousClock.now - started).totalSeconds < seconds
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = (ContinuousClock.now - started).totalSeconds
    emit([
        "bench": "encoder", "threads": threads, "batch": batch, "texts": texts.count, "kernel": BLASRuntime.kernelName,
        "sentences_per_second": Double(embedded) / elapsed,
    ])
}

/// Every item text of `items.ingested` (all partitions), as the queue worker builds it.
func workerTexts(redisURL: String) async throws -> [String] {
    let redis = RedisClient(url: try RedisURL(parsing: redisURL), poolSize: 1)
    defer { Task { await redis.shutdown() } }
    let partitions = try await StreamPartitionsRecord.recorded(on: redis)
    var texts: [String] = []
    for stream in IngestedItemEntry.stream.keys(partitions) {
        texts += try await redis.allStreamEntries(stream) { entry in
            let text = EmbeddingWorker.text(of: IngestedItemEntry(fields: { entry[$0] }))
            return text.isEmpty ? nil : text
        }
    }
    return texts
}

BLASRuntime.useSingleThread()
let seconds = Double(option("--seconds", default: "3")) ?? 3
if CommandLine.arguments.dropFirst().first == "encoder" {
    guard let redisURL = option("--redis") else { fail("encoder needs --redis URL") }
    let models = option("--models", default: ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"] ?? "models")
    let texts = try await workerTexts(redisURL: redisURL)
    guard !texts.isEmpty else { fail("items.ingested at \(redisURL) holds no item text") }
    try await benchmarkEncoder(
        texts: texts, modelDirectory: models + "/all-MiniLM-L6-v2", threads: max(1, Int(option("--threads", default: "2")) ?? 2),
        batch: max(1, Int(option("--batch", default: "32")) ?? 32), seconds: seconds)
    exit(0)
}
let batchSizes = option("--batch-sizes", default: "1,8,32,128").split(separator: ",").compactMap { Int($0) }
guard let corpusPath = option("--corpus") else { fail("--corpus FILE is required") }
let corpus = try Corpus(path: corpusPath)
switch CommandLine.arguments.dropFirst().first {
case "engine":
    let models = option("--models", default: ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"] ?? "models")
    try await benchmarkEngine(
        corpus: corpus, modelDirectory: models + "/all-MiniLM-L6-v2", batchSizes: batchSizes, seconds: seconds,
        query: option("--query"))
case "grpc":
    guard let target = option("--target") else { fail("grpc needs --target HOST:PORT") }
    try await benchmarkGRPC(
        corpus: corpus, endpoint: try StylecastClient.Endpoint(parsing: target), batchSizes: batchSizes, seconds: seconds,
        query: option("--query"), warm: CommandLine.arguments.contains("--warm"), label: option("--label", default: "grpc"))
default:
    fail("usage: embedding-bench engine|grpc|encoder --corpus FILE [--models DIR] [--target HOST:PORT] [--seconds S] [--batch-sizes 1,8,32,128] [--query TEXT] [--warm] [--label NAME] (encoder: --redis URL [--threads N] [--batch B])")
}

