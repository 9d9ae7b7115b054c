import GRPCCore
import StylecastAttributes
import StylecastErrors
import StylecastProto
import StylecastServiceKit
import StylecastText

/// `stylecast.v1.TextEmbedding`: validates requests, calls the ``EmbeddingEngine`` and
/// translates its results into messages.
public struct TextEmbeddingRPCService: Stylecast_V1_TextEmbedding.SimpleServiceProtocol {
    private let engine: EmbeddingEngine
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
    public init(
        engine: EmbeddingEngine, batcher: EmbeddingBatcher, cache: EmbeddingCache, combiner: AttributeCombiner,
        configuration: TextEmbeddingConfiguration
    ) {
        self.engine = engine
        self.batcher = batcher
        self.cache = cache
        self.combiner = combiner
        self.configuration = configuration
    }

    public func embed(request: Stylecast_V1_EmbedRequest, context: ServerContext) async throws -> Stylecast_V1_EmbedResponse {
        try validate(request.texts)
        let started = ContinuousClock.now
        let outcome = try await embeddings(of: request.texts)
        return .with { response in
            response.embeddings = outcome.embeddings.map { embedding in
                .with {
                    $0.values = embedding.vector
                    $0.tokenCount = UInt32(embedding.tokenCount)
                }
            }
            response.cacheHits = UInt32(outcome.cacheHits)
            response.timings = outcome.timings(since: started)
        }
    }

    /// Embeddings of `texts`: cached ones from Redis, the others through the batcher (then cached).
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

    public func tokenize(request: Stylecast_V1_TokenizeRequest, context: ServerContext) async throws -> Stylecast_V1_TokenizeResponse {
        try validate(request.texts)
        let tokenizer = engine.embedder.tokenizer
        return .with { response in
            response.results = request.texts.map { text in
                let tokenized = tokenizer.tokenize(text)
                return .with {
                    $0.ids = tokenized.ids.map(UInt32.init)
                    $0.tokens = tokenized.ids.map { tokenizer.token(for: $0) ?? "[UNK]" }
                    $0.truncated = tokenized.isTruncated
                }
            }
        }
    }

    public func extractAttributes(
        request: Stylecast_V1_ExtractAttributesRequest, context: ServerContext
    ) async throws -> Stylecast_V1_ExtractAttributesResponse {
        try validate(request.texts)
        let started = ContinuousClock.now
        let lexicon = request.texts.map(combiner.extractor.extract)
        // Only texts that leave an enabled zero-shot kind open are embedded.
        let open = request.texts.indices.filter { !combiner.kindsLeftOpen(by: lexicon[$0]).isEmpty }
        let outcome = try await embeddings(of: open.map { request.texts[$0] })
        var vectors = [[Float]?](repeating: nil, count: request.texts.count)
        for (index, embedding) in zip(open, outcome.embeddings) { vectors[index] = embedding.vector }
        return .with { response in
            response.results = request.texts.indices.map { index in
                .with {
                    $0.attributes = combiner.attributes(
                        in: request.texts[index], lexiconMatches: lexicon[index], embedding: vectors[index]
                    ).map { attribute in
                        .with {
                            $0.kind = attribute.kind.rawValue
                            $0.value = attribute.value
                            $0.confidence = attribute.confidence
                            $0.origin = attribute.origin.rawValue
                        }
                    }
                }
            }
            response.timings = outcome.timings(since: started)
        }
    }

    public func info(request: Stylecast_V1_InfoRequest, context: ServerContext) async throws -> Stylecast_V1_InfoResponse {
        .with {
            $0.modelName = "sentence-transformers/all-MiniLM-L6-v2"
            $0.dimensions = UInt32(engine.embedder.encoder.config.hiddenSize)
            $0.maxTokens = UInt32(engine.embedder.tokenizer.config.maxSequenceLength)
            $0.maxTextsPerCall = UInt32(configuration.maxTextsPerCall)
            $0.blasKernel = BLASRuntime.kernelName
        }
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

/// Builds the text-embedding service's parts for ``ServiceMain``: reads its settings, loads the
/// model (the service is NOT_SERVING until it is loaded) and serves the RPCs.
public enum TextEmbeddingServiceBuilder {
    /// The RPC handlers of the text-embedding service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        let configuration = try TextEmbeddingConfiguration.read(environment: context.environment)
        context.readiness.require("model")
        let engine = try EmbeddingEngine(modelDirectory: configuration.modelDirectory)
        context.readiness.satisfy("model")
        context.logger.info(
            "model loaded",
            metadata: [
                "model": "all-MiniLM-L6-v2", "directory": "\(configuration.modelDirectory)",
                "max_texts": "\(configuration.maxTextsPerCall)",
                "batch_tokens": "\(configuration.batchTokenBudget)", "max_wait": "\(configuration.batchMaxWait)",
            ])
        let batcher = EmbeddingBatcher(
            engine: engine, tokenBudget: configuration.batchTokenBudget, maxWait: configuration.batchMaxWait,
            maxQueuedTokens: configuration.maxQueuedTokens, logger: context.logger, metrics: context.metrics)
        let cache = EmbeddingCache(
            redis: context.cacheRedis, timeToLive: configuration.cacheTimeToLive, logger: context.logger)
        // The prototypes are embedded before the batcher runs, directly on the engine; the
        // service stays NOT_SERVING until they are ready.
        context.readiness.require("attribute prototypes")
        let combiner = try await AttributeCombiner.build(
            engine: engine, settings: configuration.zeroShot, logger: context.logger)
        context.readiness.satisfy("attribute prototypes")
        let worker = try EmbeddingWorker(
            redis: context.redis, consumer: context.configuration.consumerName,
            claimIdle: context.configuration.queueClaimIdle, maxDeliveries: context.configuration.queueMaxDeliveries,
            engine: engine, batcher: batcher, combiner: combiner, logger: context.logger)
        // Shutdown runs in reverse: the worker stops taking entries before the batcher stops.
        return ServiceParts(
            rpcServices: [
                TextEmbeddingRPCService(
                    engine: engine, batcher: batcher, cache: cache, combiner: combiner, configuration: configuration)
            ],
            backgroundServices: [batcher, worker])
    }
}
