import Logging
import Prometheus
import StylecastText
import Testing
import TextEmbeddingService

/// Who waits for company: the batcher with the real all-MiniLM-L6-v2 and a 3 s `maxWait`, long
/// beside one short text's pass (milliseconds), so the two behaviours cannot be confused.
@Suite("EmbeddingBatcher: only the queue worker's passes wait for company")
struct BatcherWaitTests {
    static let maxWait = Duration.seconds(3)

    static func batcher() throws -> (EmbeddingBatcher, EmbeddingEngine) {
        let engine = try EmbeddingEngine(modelDirectory: BatcherCancellationTests.modelDirectory)
        let batcher = EmbeddingBatcher(
            engine: engine, tokenBudget: 4096, maxWait: maxWait, maxQueuedTokens: 1_000_000,
            logger: Logger(label: "test"), metrics: PrometheusCollectorRegistry())
        return (batcher, engine)
    }

    @Test("an interactive call on an idle encoder runs at once; a background call waits maxWait")
    func interactiveRunsAtOnce() async throws {
        let (batcher, engine) = try Self.batcher()
        let running = Task { try await batcher.run() }
        defer { running.cancel() }
        let texts = engine.tokenize(["a red dress"])
        _ = try await batcher.embed(texts)  // loads the weights' pages before timing

        let interactiveStart = ContinuousClock.now
        #expect(try await batcher.embed(texts, caller: .interactive).embeddings.count == 1)
        let interactive = ContinuousClock.now - interactiveStart
        #expect(interactive < Self.maxWait / 2, "an interactive call took \(interactive)")

        let backgroundStart = ContinuousClock.now
        #expect(try await batcher.embed(texts, caller: .background).embeddings.count == 1)
        let background = ContinuousClock.now - backgroundStart
        #expect(background >= Self.maxWait, "a lone background call took only \(background)")
    }

    @Test("an interactive call ends the background calls' wait, and they share its pass")
    func interactiveEndsTheWait() async throws {
        let (batcher, engine) = try Self.batcher()
        let running = Task { try await batcher.run() }
        defer { running.cancel() }
        let started = ContinuousClock.now
        let worker = (0..<4).map { index in
            Task { try await batcher.embed(engine.tokenize(["item \(index) in black"]), caller: .background) }
        }
        try await Task.sleep(for: .milliseconds(200))
        let client = try await batcher.embed(engine.tokenize(["a blue shirt"]))
        let answered = ContinuousClock.now - started
        #expect(answered < Self.maxWait / 2, "the client waited for the worker's company: \(answered)")
        for call in worker {
            let result = try await call.value
            // Same pass as the client: started then, not after the 3 s wait.
            #expect(result.queueMilliseconds < (Self.maxWait / 2).milliseconds)
            #expect(result.inferenceMilliseconds == client.inferenceMilliseconds)
        }
    }
}
