import StylecastText

/// Embeddings of one call's texts with where their time went.
public struct EmbedOutcome: Sendable {
    /// One embedding per text, in order.
    public var embeddings: [SentenceEmbedding]
    /// Texts answered from the cache.
    public var cacheHits: Int
    /// Tokenising the texts not cached.
    public var tokenizationMilliseconds: Double
    /// Waiting for an encoder pass (0 when every text was cached).
    public var queueMilliseconds = 0.0
    /// The encoder pass (0 when every text was cached).
    public var inferenceMilliseconds = 0.0
}
