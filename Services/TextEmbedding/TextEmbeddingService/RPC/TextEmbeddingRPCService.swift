import GRPCCore
import StylecastAttributes
import StylecastCalendar
import StylecastGRPC
import StylecastProto
import StylecastServiceKit
import StylecastTensor
import StylecastText

/// `stylecast.v1.TextEmbedding`: translates messages to and from ``EmbeddingService``.
package struct TextEmbeddingRPCService: Stylecast_V1_TextEmbedding.SimpleServiceProtocol {
    private let service: EmbeddingService

    /// Creates the RPC layer over `service`.
    package init(service: EmbeddingService) { self.service = service }

    package func embed(request: Stylecast_V1_EmbedRequest, context: ServerContext) async throws -> Stylecast_V1_EmbedResponse {
        let started = ContinuousClock.now
        let outcome = try await service.embed(request.texts)
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

    package func tokenize(request: Stylecast_V1_TokenizeRequest, context: ServerContext) async throws -> Stylecast_V1_TokenizeResponse {
        let tokenizer = service.engine.embedder.tokenizer
        let tokenized = try service.tokenize(request.texts)
        return .with { response in
            response.results = tokenized.map { text in
                .with {
                    $0.ids = text.ids.map(UInt32.init)
                    $0.tokens = text.ids.map { tokenizer.token(for: $0) ?? "[UNK]" }
                    $0.truncated = text.isTruncated
                }
            }
        }
    }

    package func extractAttributes(
        request: Stylecast_V1_ExtractAttributesRequest, context: ServerContext
    ) async throws -> Stylecast_V1_ExtractAttributesResponse {
        let started = ContinuousClock.now
        let (attributes, work) = try await service.extractAttributes(request.texts)
        return .with { response in
            response.results = attributes.map { found in
                .with {
                    $0.attributes = found.map { attribute in
                        .with {
                            $0.kind = attribute.kind.rawValue
                            $0.value = attribute.value
                            $0.confidence = attribute.confidence
                            $0.origin = attribute.origin.rawValue
                        }
                    }
                }
            }
            response.timings = work.timings(since: started)
        }
    }

    package func info(request: Stylecast_V1_InfoRequest, context: ServerContext) async throws -> Stylecast_V1_InfoResponse {
        .with {
            $0.modelName = "sentence-transformers/all-MiniLM-L6-v2"
            $0.dimensions = UInt32(service.engine.embedder.encoder.config.hiddenSize)
            $0.maxTokens = UInt32(service.engine.embedder.tokenizer.config.maxSequenceLength)
            $0.maxTextsPerCall = UInt32(service.maxTextsPerCall)
            $0.blasKernel = BLASRuntime.kernelName
        }
    }
}

extension EmbedOutcome {
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

/// Builds the text-embedding service's parts for ``ServiceMain``: reads its settings, loads the
/// model (the service is NOT_SERVING until it is loaded) and serves the RPCs.
package enum TextEmbeddingServiceBuilder {
    /// The RPC handlers of the text-embedding service.
    package static func parts(context: ServiceContext) async throws -> ServiceParts {
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
        let service = EmbeddingService(
            engine: engine, batcher: batcher, cache: cache, combiner: combiner, configuration: configuration)
        let worker = try EmbeddingWorker(
            redis: context.redis, partitions: context.configuration.streamPartitions,
            consumer: context.configuration.consumerName,
            claimIdle: context.configuration.queueClaimIdle, maxDeliveries: context.configuration.queueMaxDeliveries,
            concurrency: configuration.workerConcurrency, service: service, logger: context.logger)
        // Shutdown runs in reverse: the worker stops taking entries before the batcher stops.
        return ServiceParts(rpcServices: [TextEmbeddingRPCService(service: service)], backgroundServices: [batcher, worker])
    }
}
