import StylecastAttributes
import StylecastCalendar
import StylecastErrors
import StylecastText

/// What text-embedding does, without gRPC: the per-call limits, the embedding cache, the shared
/// encoder passes and the attributes. The RPC layer (``TextEmbeddingRPCService``) translates
/// messages to and from it; the queue worker (``EmbeddingWorker``) embeds items through it.
package struct EmbeddingService: Sendable {
    /// The model.
    package let engine: EmbeddingEngine
    private let batcher: EmbeddingBatcher
    private let cache: EmbeddingCache
    private let combiner: AttributeCombiner
    private let configuration: TextEmbeddingConfiguration

    /// Creates the service.
    /// - Parameters:
    ///   - engine: The model.
    ///   - batcher: Packs concurrent calls into shared encoder passes.
    ///   - cache: Embeddings of repeated texts.
    ///   - combiner: Lexicon and zero-shot attributes.
    ///   - configuration: Limits.
    package init(
        engine: EmbeddingEngine, batcher: EmbeddingBatcher, cache: EmbeddingCache, combiner: AttributeCombiner,
        configuration: TextEmbeddingConfiguration
    ) {
        self.engine = engine
        self.batcher = batcher
        self.cache = cache
        self.combiner = combiner
        self.configuration = configuration
    }

    /// The most texts one call may carry.
    package var maxTextsPerCall: Int { configuration.maxTextsPerCall }

    /// Embeddings of `texts`: cached ones from Redis, the others through the batcher (then cached).
    /// - Throws: ``InvalidInput`` naming a limit, ``EmbeddingQueueError``, `CancellationError`.
    package func embed(_ texts: [String]) async throws -> EmbedOutcome {
        try validate(texts)
        return try await embeddings(of: texts)
    }

    /// Each text's tokens, as the encoder reads them.
    /// - Throws: ``InvalidInput`` naming a limit.
    package func tokenize(_ texts: [String]) throws(InvalidInput) -> [TokenizedText] {
        try validate(texts)
        return engine.tokenize(texts)
    }

    /// Each text's attributes: lexicon matches, then zero-shot values for the kinds they leave
    /// open (only those texts are embedded).
    /// - Returns: The attributes per text, and the embedding work done.
    /// - Throws: ``InvalidInput`` naming a limit, ``EmbeddingQueueError``, `CancellationError`.
    package func extractAttributes(_ texts: [String]) async throws -> (attributes: [[ExtractedAttribute]], work: EmbedOutcome) {
        try validate(texts)
        let lexicon = texts.map(combiner.extractor.extract)
        let open = texts.indices.filter { !combiner.kindsLeftOpen(by: lexicon[$0]).isEmpty }
        let work = try await embeddings(of: open.map { texts[$0] })
        var vectors = [[Float]?](repeating: nil, count: texts.count)
        for (index, embedding) in zip(open, work.embeddings) { vectors[index] = embedding.vector }
        let attributes = texts.indices.map { index in
            combiner.attributes(in: texts[index], lexiconMatches: lexicon[index], embedding: vectors[index])
        }
        return (attributes, work)
    }

    /// An item's text embedded through the shared passes (not the cache: each item is embedded
    /// once) with its attributes, for the queue worker.
    package func embedItem(text: String) async throws -> (embedding: SentenceEmbedding, attributes: [ExtractedAttribute]) {
        let result = try await batcher.embed(engine.tokenize([text]), caller: .background)
        guard let embedding = result.embeddings.first else {
            throw InvalidInput(field: "text", rule: "produced no embedding")
        }
        return (embedding, combiner.attributes(in: text, embedding: embedding.vector))
    }

    private func embeddings(of texts: [String]) async throws -> EmbedOutcome {
        let cached = await cache.lookup(texts)
        let missing = cached.indices.filter { cached[$0] == nil }
        let tokenizing = ContinuousClock.now
        let tokenized = engine.tokenize(missing.map { texts[$0] })
        var outcome = EmbedOutcome(
            embeddings: [], cacheHits: texts.count - missing.count,
            tokenizationMilliseconds: (ContinuousClock.now - tokenizing).milliseconds)
        var embeddings = cached
        if !missing.isEmpty {
            let result = try await batcher.embed(tokenized)
            for (index, embedding) in zip(missing, result.embeddings) { embeddings[index] = embedding }
            outcome.queueMilliseconds = result.queueMilliseconds
            outcome.inferenceMilliseconds = result.inferenceMilliseconds
            await cache.store(zip(missing, result.embeddings).map { (texts[$0], $1) })
        }
        outcome.embeddings = embeddings.map { $0 ?? SentenceEmbedding(vector: [], tokenCount: 0, isTruncated: false) }
        return outcome
    }

    /// Checks the per-call limits, naming the field and the limit.
    private func validate(_ texts: [String]) throws(InvalidInput) {
        guard texts.count <= configuration.maxTextsPerCall else {
            throw InvalidInput(
                field: "texts", rule: "must hold at most \(configuration.maxTextsPerCall) texts per call, got \(texts.count)")
        }
        for (index, text) in texts.enumerated() where text.utf8.count > configuration.maxTextBytes {
            throw InvalidInput(
                field: "texts[\(index)]",
                rule: "must be at most \(configuration.maxTextBytes) bytes of UTF-8, got \(text.utf8.count)")
        }
    }
}
