import StylecastProto
import StylecastText

/// Embeddings of one call's texts with where their time went.
struct EmbedOutcome: Sendable {
    /// One embedding per text, in order.
    var embeddings: [SentenceEmbedding]
    /// Texts answered from the cache.
    var cacheHits: Int
    /// Tokenising the texts not cached.
    var tokenizationMilliseconds: Double
    /// Waiting for an encoder pass (0 when every text was cached).
    var queueMilliseconds = 0.0
    /// The encoder pass (0 when every text was cached).
    var inferenceMilliseconds = 0.0

    /// The timings message, with the total since `started`.
    func timings(since started: ContinuousClock.Instant) -> Stylecast_V1_Timings {
        .with {
            $0.queueMs = queueMilliseconds
            $0.tokenizationMs = tokenizationMilliseconds
            $0.inferenceMs = inferenceMilliseconds
            $0.totalMs = (ContinuousClock.now - started).milliseconds
        }
    }
}
