import StylecastText

/// Embeddings of one call's texts with where their time went.
package struct EmbedOutcome: Sendable {
    /// One embedding per text, in order.
    package var embeddings: [SentenceEmbedding]
    /// Texts answered from the cache.
    package var cacheHits: Int
    /// Tokenising the texts not cached.
    package var tokenizationMilliseconds: Double
    /// Waiting for an encoder pass (0 when every text was cached).
    package var queueMilliseconds = 0.0
    /// The encoder pass (0 when every text was cached).
    package var inferenceMilliseconds = 0.0
}
