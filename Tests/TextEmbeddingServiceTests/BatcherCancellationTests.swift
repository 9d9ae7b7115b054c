import Foundation
import Logging
import Prometheus
import StylecastText
import Testing
import TextEmbeddingService

/// The batcher with the real all-MiniLM-L6-v2 (scripts/setup.sh puts it in models/).
@Suite("EmbeddingBatcher: a call cancelled while it waits costs no encoder pass")
struct BatcherCancellationTests {
    static var modelDirectory: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let models = ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? root + "/models"
        return models + "/all-MiniLM-L6-v2"
    }

    /// Encoder passes run so far, from the batcher's `stylecast_embed_pass_calls` histogram.
    static func passes(_ registry: PrometheusCollectorRegistry) -> Int {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("stylecast_embed_pass_calls_count") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("cancelled behind a long pass: CancellationError at once, and no second pass for it")
    func cancelledWhileWaiting() async throws {
        let engine = try EmbeddingEngine(modelDirectory: Self.modelDirectory)
        let registry = PrometheusCollectorRegistry()
        let batcher = EmbeddingBatcher(
            engine: engine, tokenBudget: 256, maxWait: .zero, maxQueuedTokens: 1_000_000,
            logger: Logger(label: "test"), metrics: registry)
        let running = Task { try await batcher.run() }
        defer { running.cancel() }

        let sentence = "A long flowing floral maxi dress in soft sage green cotton with puffed sleeves and a tiered skirt."
        let long = engine.tokenize(Array(repeating: String(repeating: sentence + " ", count: 10), count: 48))
        let first = Task { try await batcher.embed(long) }
        while Self.passes(registry) < 1 { try await Task.sleep(for: .milliseconds(1)) }

        let waiting = Task { try await batcher.embed(engine.tokenize(["a red dress"])) }
        try await Task.sleep(for: .milliseconds(20))
        let cancelled = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        let answered = ContinuousClock.now - cancelled

        #expect(try await first.value.embeddings.count == 48)
        try await Task.sleep(for: .milliseconds(100))
        #expect(Self.passes(registry) == 1, "the cancelled call ran a pass of its own")
        #expect(answered < .milliseconds(500), "cancellation answered after \(answered)")

        // The batcher goes on: the next call gets its pass.
        #expect(try await batcher.embed(engine.tokenize(["a blue shirt"])).embeddings.count == 1)
        #expect(Self.passes(registry) == 2)
    }
}
