import StylecastErrors

/// Why zero-shot prototypes cannot be built.
public enum ZeroShotError: StylecastError, Equatable {
    /// The embedder returned another number of vectors than prompts were given.
    case embeddingCount(prompts: Int, embeddings: Int)
    /// Two prompt embeddings have different lengths, or one is empty.
    case embeddingWidth(expected: Int, found: Int)

    public var failureKind: FailureKind { .bug }

    public var description: String {
        switch self {
        case let .embeddingCount(prompts, embeddings):
            "zero-shot prototypes: \(prompts) prompts but \(embeddings) embeddings"
        case let .embeddingWidth(expected, found):
            "zero-shot prototypes: embedding of \(found) values where \(expected) were expected"
        }
    }
}
