import GRPCCore
import StylecastErrors
import StylecastProto
import StylecastRedis
import StylecastServiceKit
import StylecastVision

/// `stylecast.v1.Ingest`: reads records in batches and hands them to the ``IngestPipeline``.
///
/// Back-pressure: a streaming call reads its next batch only after the previous one is stored,
/// so the transport's HTTP/2 flow control slows a faster client down; nothing is buffered beyond
/// one batch and the transport's window.
public struct IngestRPCService: Stylecast_V1_Ingest.SimpleServiceProtocol {
    private let pipeline: IngestPipeline

    /// Creates the service.
    /// - Parameter pipeline: The ingest core.
    public init(pipeline: IngestPipeline) {
        self.pipeline = pipeline
    }

    public func ingestItems(
        request: RPCAsyncSequence<Stylecast_V1_FashionItem, any Error>, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        var tally = pipeline.makeTally()
        var batch: [(index: Int, item: Stylecast_V1_FashionItem)] = []
        var index = 0
        for try await item in request {
            batch.append((index, item))
            index += 1
            if batch.count == pipeline.batchSize {
                try await pipeline.ingest(items: batch, into: &tally)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await pipeline.ingest(items: batch, into: &tally)
        return tally.summary()
    }

    public func ingestInteractions(
        request: Stylecast_V1_IngestInteractionsRequest, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        var tally = pipeline.makeTally()
        let indexed = request.interactions.enumerated().map { (index: $0.offset, interaction: $0.element) }
        for start in stride(from: 0, to: indexed.count, by: pipeline.batchSize) {
            let batch = Array(indexed[start..<min(start + pipeline.batchSize, indexed.count)])
            try await pipeline.ingest(interactions: batch, into: &tally)
        }
        return tally.summary()
    }

    public func getItem(request: Stylecast_V1_GetItemRequest, context: ServerContext) async throws
        -> Stylecast_V1_FashionItem
    {
        try KeyIdentifier.check(request.itemID, field: "item_id")
        return try await pipeline.item(id: request.itemID)
    }

    public func ingestSignals(
        request: RPCAsyncSequence<Stylecast_V1_SearchInterestSeries, any Error>, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        var tally = pipeline.makeTally()
        var batch: [(index: Int, series: Stylecast_V1_SearchInterestSeries)] = []
        var index = 0
        for try await series in request {
            batch.append((index, series))
            index += 1
            if batch.count == pipeline.batchSize {
                try await pipeline.ingest(signals: batch, into: &tally)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await pipeline.ingest(signals: batch, into: &tally)
        return tally.summary()
    }
}

/// Builds the ingest service's parts for ``ServiceMain``: reads its settings, loads the garment
/// classifier when image features are on, and serves the RPCs.
public enum IngestServiceBuilder {
    /// The RPC handlers of the ingest service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        let configuration = try IngestConfiguration.read(environment: context.environment)
        let classifier = configuration.imageFeatures ? try GarmentClassifier.load(environment: context.environment) : nil
        context.logger.info(
            "ingest ready",
            metadata: [
                "batch": "\(configuration.batchSize)", "image_features": "\(configuration.imageFeatures)",
                "max_text_bytes": "\(configuration.maxTextBytes)",
            ])
        let pipeline = IngestPipeline(
            configuration: configuration, redis: context.redis, classifier: classifier, metrics: context.metrics)
        return ServiceParts(rpcServices: [IngestRPCService(pipeline: pipeline)])
    }
}
