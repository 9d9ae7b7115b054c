import NIOPosix
import StylecastAttributes
import StylecastText

/// The model side of the service: tokenizer, MiniLM encoder and attribute lexicon, with the
/// compute on one dedicated thread so that inference never occupies Swift's cooperative pool.
package final class EmbeddingEngine: Sendable {
    /// The sentence embedder (tokenizer + encoder).
    package let embedder: SentenceEmbedder
    /// The fashion attribute lexicon.
    package let extractor: AttributeExtractor
    private let thread: NIOThreadPool

    /// Loads the model from `directory` (memory-mapped weights).
    /// - Throws: `TextModelError` naming the missing or corrupt file.
    package init(modelDirectory directory: String) throws {
        embedder = try SentenceEmbedder(directory: directory)
        extractor = AttributeExtractor.standard
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    deinit {
        thread.shutdownGracefully { _ in }
    }

    /// Embeds already tokenised texts on the inference thread (packed into one batch).
    /// - Returns: One embedding per text, in order.
    package func embed(tokenized: [TokenizedText]) async throws -> [SentenceEmbedding] {
        let embedder = self.embedder
        return try await thread.runIfActive { try embedder.embeddings(for: tokenized) }
    }

    /// Tokenises `texts` (on the caller's thread: microseconds per text).
    package func tokenize(_ texts: [String]) -> [TokenizedText] {
        texts.map { embedder.tokenizer.tokenize($0) }
    }
}
