import NIOPosix
import StylecastAttributes
import StylecastErrors
import StylecastText

/// The model side of the service: tokenizer, MiniLM encoder and attribute lexicon, with the
/// compute on one dedicated thread so that inference never occupies Swift's cooperative pool.
public final class EmbeddingEngine: Sendable {
    /// The sentence embedder (tokenizer + encoder).
    public let embedder: SentenceEmbedder
    /// The fashion attribute lexicon.
    public let extractor: AttributeExtractor
    private let thread: NIOThreadPool

    /// Where the time of one call went, in milliseconds.
    public struct Timings: Sendable {
        /// Waiting for the inference thread.
        public var queueMilliseconds: Double
        /// WordPiece tokenisation.
        public var tokenizationMilliseconds: Double
        /// The encoder.
        public var inferenceMilliseconds: Double
    }

    /// Loads the model from `directory` (memory-mapped weights).
    /// - Throws: `TextModelError` naming the missing or corrupt file.
    public init(modelDirectory directory: String) throws {
        embedder = try SentenceEmbedder(directory: directory)
        extractor = AttributeExtractor.standard
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    deinit {
        thread.shutdownGracefully { _ in }
    }

    /// Tokenises and embeds `texts` on the inference thread.
    /// - Returns: One embedding per text, in order, and the timings.
    public func embed(_ texts: [String]) async throws -> ([SentenceEmbedding], Timings) {
        let enqueued = ContinuousClock.now
        let embedder = self.embedder
        return try await thread.runIfActive {
            let started = ContinuousClock.now
            let tokenized = texts.map { embedder.tokenizer.tokenize($0) }
            let tokenizedAt = ContinuousClock.now
            let embeddings = try embedder.embeddings(for: tokenized)
            let finished = ContinuousClock.now
            return (
                embeddings,
                Timings(
                    queueMilliseconds: (started - enqueued).milliseconds,
                    tokenizationMilliseconds: (tokenizedAt - started).milliseconds,
                    inferenceMilliseconds: (finished - tokenizedAt).milliseconds)
            )
        }
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
