import GRPCCore
import StylecastContracts
import StylecastErrors
import StylecastGRPC
import StylecastProto
import StylecastServiceKit
import StylecastVision

/// `stylecast.v1.Ingest`: reads records in batches and hands them to the ``IngestPipeline``.
///
/// Back-pressure: a streaming call reads its next batch only after the previous one is stored,
/// so the transport's HTTP/2 flow control slows a faster client down; nothing is buffered beyond
/// one batch (at most `batchSize` records or about `batchBytes` bytes) and the transport's
/// window. At most `maxStreams` streaming calls are worked at once; the next
/// `maxWaitingStreams` wait for a turn and further ones are refused with RESOURCE_EXHAUSTED.
package struct IngestRPCService: Stylecast_V1_Ingest.SimpleServiceProtocol {
    private let pipeline: IngestPipeline
    private let streams: AdmissionGate

    /// Creates the service.
    /// - Parameters:
    ///   - pipeline: The ingest core.
    ///   - maxStreams: Most streaming calls worked at once.
    ///   - maxWaitingStreams: Most streaming calls waiting for a turn.
    package init(pipeline: IngestPipeline, maxStreams: Int, maxWaitingStreams: Int) {
        self.pipeline = pipeline
        self.streams = AdmissionGate(
            work: "streaming ingest", maxRunning: maxStreams, maxWaiting: maxWaitingStreams,
            waitingVariable: "STYLECAST_INGEST_MAX_WAITING_STREAMS")
    }

    package func ingestItems(
        request: RPCAsyncSequence<Stylecast_V1_FashionItem, any Error>, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        try await ingestStream(request, heldBytes: \.heldBytes) { try await pipeline.ingest(items: $0, into: &$1) }
    }

    package func ingestInteractions(
        request: Stylecast_V1_IngestInteractionsRequest, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        var tally = pipeline.makeTally()
        let indexed = request.interactions.enumerated().map { (index: $0.offset, interaction: $0.element) }
        let size = pipeline.configuration.batchSize
        for start in stride(from: 0, to: indexed.count, by: size) {
            let batch = Array(indexed[start..<min(start + size, indexed.count)])
            try await pipeline.ingest(interactions: batch, into: &tally)
        }
        return tally.summary()
    }

    package func updateItems(
        request: Stylecast_V1_UpdateItemsRequest, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        guard request.updates.count <= ItemUpdatePreparation.maximumUpdates else {
            throw InvalidInput(
                field: "updates",
                rule: "must hold at most \(ItemUpdatePreparation.maximumUpdates) updates, got \(request.updates.count)")
        }
        var tally = pipeline.makeTally()
        let indexed = request.updates.enumerated().map { (index: $0.offset, update: $0.element) }
        let size = pipeline.configuration.batchSize
        for start in stride(from: 0, to: indexed.count, by: size) {
            try await pipeline.update(items: Array(indexed[start..<min(start + size, indexed.count)]), into: &tally)
        }
        return tally.summary()
    }

    package func getItem(request: Stylecast_V1_GetItemRequest, context: ServerContext) async throws
        -> Stylecast_V1_FashionItem
    {
        try KeyIdentifier.check(request.itemID, field: "item_id")
        return try await pipeline.item(id: request.itemID)
    }

    package func ingestSignals(
        request: RPCAsyncSequence<Stylecast_V1_SearchInterestSeries, any Error>, context: ServerContext
    ) async throws -> Stylecast_V1_IngestSummary {
        try await ingestStream(request, heldBytes: \.heldBytes) { try await pipeline.ingest(signals: $0, into: &$1) }
    }

    /// Reads a stream in bounded batches, storing each before reading on, inside a streaming turn.
    private func ingestStream<Record: Sendable>(
        _ request: RPCAsyncSequence<Record, any Error>, heldBytes: (Record) -> Int,
        store: ([(Int, Record)], inout IngestTally) async throws -> Void
    ) async throws -> Stylecast_V1_IngestSummary {
        try await streams.withAdmission {
            var tally = pipeline.makeTally()
            let limits = pipeline.configuration
            var batch = BoundedBatch<Record>(maxCount: limits.batchSize, maxBytes: limits.batchBytes)
            for try await record in request {
                if batch.append(record, bytes: heldBytes(record)) { try await store(batch.take(), &tally) }
            }
            try await store(batch.take(), &tally)
            return tally.summary()
        }
    }
}

/// The records of a stream read since the last stored batch, with their 0-based positions in
/// the call; full at `maxCount` records or `maxBytes` bytes, whichever comes first.
struct BoundedBatch<Record> {
    let maxCount: Int
    let maxBytes: Int
    private var records: [(Int, Record)] = []
    private var bytes = 0
    private var nextIndex = 0

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }

    /// Adds the next record of the stream; `true` when the batch is now full.
    mutating func append(_ record: Record, bytes recordBytes: Int) -> Bool {
        records.append((nextIndex, record))
        nextIndex += 1
        bytes += recordBytes
        return records.count >= maxCount || bytes >= maxBytes
    }

    /// The records held, which are then dropped.
    mutating func take() -> [(Int, Record)] {
        defer {
            records = []
            bytes = 0
        }
        return records
    }
}

/// Builds the ingest service's parts for ``ServiceMain``: reads its settings, loads the garment
/// classifier when image features are on, and serves the RPCs.
package enum IngestServiceBuilder {
    /// The RPC handlers of the ingest service, and its pending sweep.
    package static func parts(context: ServiceContext) async throws -> ServiceParts {
        let configuration = try IngestConfiguration.read(environment: context.environment)
        let classifier = configuration.imageFeatures ? try GarmentClassifier.load(environment: context.environment) : nil
        context.logger.info(
            "ingest ready",
            metadata: [
                "batch": "\(configuration.batchSize)", "image_features": "\(configuration.imageFeatures)",
                "max_text_bytes": "\(configuration.maxTextBytes)",
                "max_image_pixels": "\(configuration.maxImagePixels)", "batch_bytes": "\(configuration.batchBytes)",
                "max_streams": "\(configuration.maxStreams)",
            ])
        let pipeline = IngestPipeline(
            configuration: configuration, redis: context.redis, partitions: context.configuration.streamPartitions,
            classifier: classifier, metrics: context.metrics)
        return ServiceParts(
            rpcServices: [
                IngestRPCService(
                    pipeline: pipeline, maxStreams: configuration.maxStreams,
                    maxWaitingStreams: configuration.maxWaitingStreams)
            ],
            backgroundServices: [
                PendingSweeper(store: pipeline.store, expiry: configuration.pendingExpiry, logger: context.logger)
            ])
    }
}

extension Stylecast_V1_FashionItem {
    /// About the memory the record holds: its image, text and attributes.
    var heldBytes: Int {
        let texts = [itemID, source, sourceID, title, description_p, category, color, fabric, season, gender, brand,
            releaseDate, market].reduce(0) { $0 + $1.utf8.count }
        let extras = extra.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        let tags = attributes.reduce(0) { $0 + $1.kind.utf8.count + $1.value.utf8.count + 8 }
        return image.count + texts + extras + tags + 64
    }
}

extension Stylecast_V1_SearchInterestSeries {
    /// About the memory the record holds: its strings and points.
    var heldBytes: Int {
        source.utf8.count + term.utf8.count + geo.utf8.count + group.utf8.count
            + points.reduce(0) { $0 + $1.week.utf8.count + 16 } + 64
    }
}
