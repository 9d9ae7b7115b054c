import Prometheus
import StylecastContracts
import StylecastProto
import StylecastRedis
import StylecastVision

/// The ingest core, without gRPC: validates and normalises a batch of records, computes image
/// features, stores and queues what is new, and counts every record in a tally.
package struct IngestPipeline: Sendable {
    /// Limits and switches, the batch sizes among them.
    let configuration: IngestConfiguration
    /// Where accepted records go (its pending sweep runs beside the RPCs).
    let store: IngestStore
    private let items: ItemPreparation
    private let interactions = InteractionPreparation()
    private let signals = SignalPreparation()
    private let itemUpdates = ItemUpdatePreparation()
    private let imageFeatures: ImageFeatureExtractor?
    private let counters: RecordCounters

    /// Creates the pipeline.
    /// - Parameters:
    ///   - configuration: Limits and switches.
    ///   - redis: Where records go.
    ///   - partitions: How the work streams are split (`STYLECAST_STREAM_PARTITIONS`).
    ///   - classifier: The garment classifier for image features (`nil` when they are off).
    ///   - metrics: Receives `stylecast_ingest_records_total{kind, outcome}`.
    package init(
        configuration: IngestConfiguration, redis: RedisClient, partitions: StreamPartitions = .single,
        classifier: GarmentClassifier?, metrics: PrometheusCollectorRegistry
    ) {
        let vocabulary = CanonicalVocabulary()
        self.configuration = configuration
        self.store = IngestStore(redis: redis, partitions: partitions)
        self.items = ItemPreparation(configuration: configuration, vocabulary: vocabulary)
        self.imageFeatures = classifier.map {
            ImageFeatureExtractor(classifier: $0, vocabulary: vocabulary, maximumPixelCount: configuration.maxImagePixels)
        }
        self.counters = RecordCounters(metrics: metrics)
    }

    /// A tally sized by the configuration.
    func makeTally() -> IngestTally { IngestTally(maxErrors: configuration.maxReportedErrors) }

    /// Ingests a batch of items.
    /// - Parameters:
    ///   - batch: The items with their 0-based positions in the call.
    ///   - tally: Receives one count per item.
    func ingest(items batch: [(index: Int, item: Stylecast_V1_FashionItem)], into tally: inout IngestTally) async throws {
        let valid = prepared(batch, kind: .item, into: &tally, recordID: { $0.itemID.isEmpty ? $0.sourceID : $0.itemID }) {
            items.prepare($0)
        }
        let withFeatures = attachImageFeatures(valid, into: &tally)
        let outcomes = try await store.store(items: withFeatures.map { ($0.record, ContentFingerprint.of($0.record)) })
        count(outcomes, kind: .item, into: &tally)
    }

    /// Ingests a batch of interactions.
    func ingest(interactions batch: [(index: Int, interaction: Stylecast_V1_Interaction)], into tally: inout IngestTally)
        async throws
    {
        let valid = prepared(batch, kind: .interaction, into: &tally, recordID: \.interactionID) { interactions.prepare($0) }
        count(try await store.store(interactions: valid.map(\.record)), kind: .interaction, into: &tally)
    }

    /// Ingests a batch of search-interest series.
    func ingest(signals batch: [(index: Int, series: Stylecast_V1_SearchInterestSeries)], into tally: inout IngestTally)
        async throws
    {
        let valid = prepared(batch, kind: .signal, into: &tally, recordID: \.term) { signals.prepare($0) }
        count(try await store.store(signals: valid.map(\.record)), kind: .signal, into: &tally)
    }

    /// Applies a batch of item-state updates (`UpdateItems`): a change is accepted, an update
    /// that changes nothing a duplicate, an update of an unknown item rejected naming `item_id`.
    func update(items batch: [(index: Int, update: Stylecast_V1_ItemUpdate)], into tally: inout IngestTally) async throws {
        let valid = prepared(batch, kind: .itemUpdate, into: &tally, recordID: \.itemID) { itemUpdates.prepare($0) }
        let outcomes = try await store.update(items: valid.map(\.record))
        for ((index, update), outcome) in zip(valid, outcomes) {
            switch outcome {
            case .changed:
                tally.accept()
                counters.count(.itemUpdate, .accepted)
            case .unchanged:
                tally.duplicate()
                counters.count(.itemUpdate, .duplicate)
            case .unknownItem:
                reject(
                    RecordRejection(field: "item_id", rule: "must name a stored item, no item \"\(update.itemID)\" is stored"),
                    index: index, recordID: update.itemID, kind: .itemUpdate, into: &tally)
            }
        }
    }

    /// The records of a batch that pass `prepare`, normalised, with their positions; each
    /// refused one is counted and reported under `recordID` of the record as it came in.
    private func prepared<Record>(
        _ batch: [(Int, Record)], kind: RecordCounters.Kind, into tally: inout IngestTally,
        recordID: (Record) -> String, prepare: (Record) -> Result<Record, RecordRejection>
    ) -> [(index: Int, record: Record)] {
        var prepared: [(index: Int, record: Record)] = []
        for (index, incoming) in batch {
            switch prepare(incoming) {
            case .success(let record): prepared.append((index, record))
            case .failure(let rejection):
                reject(rejection, index: index, recordID: recordID(incoming), kind: kind, into: &tally)
            }
        }
        return prepared
    }

    /// The stored item with this id; ``ItemNotFound`` when there is none.
    func item(id: String) async throws -> Stylecast_V1_FashionItem {
        try await store.item(id: id)
    }

    private func attachImageFeatures(
        _ prepared: [(index: Int, record: Stylecast_V1_FashionItem)], into tally: inout IngestTally
    ) -> [(index: Int, record: Stylecast_V1_FashionItem)] {
        guard let imageFeatures else { return prepared }
        let withImages = prepared.indices.filter { !prepared[$0].record.image.isEmpty }
        guard !withImages.isEmpty else { return prepared }
        let features = imageFeatures.features(of: withImages.map { prepared[$0].record.image })
        var result = prepared
        var refused = Set<Int>()
        for (position, outcome) in zip(withImages, features) {
            switch outcome {
            case .success(let features): result[position].record.imageFeatures = features
            case .failure(let rejection):
                reject(rejection, index: prepared[position].index, recordID: prepared[position].record.itemID, kind: .item,
                       into: &tally)
                refused.insert(position)
            }
        }
        return result.indices.filter { !refused.contains($0) }.map { result[$0] }
    }

    private func reject(
        _ rejection: RecordRejection, index: Int, recordID: String, kind: RecordCounters.Kind, into tally: inout IngestTally
    ) {
        tally.reject(rejection.recordError(index: index, recordID: recordID))
        counters.count(kind, .rejected)
    }

    private func count(_ outcomes: [IngestStore.Outcome], kind: RecordCounters.Kind, into tally: inout IngestTally) {
        for outcome in outcomes {
            switch outcome {
            case .accepted:
                tally.accept()
                counters.count(kind, .accepted)
            case .duplicateID, .duplicateContent:
                tally.duplicate()
                counters.count(kind, .duplicate)
            }
        }
    }
}

/// `stylecast_ingest_records_total{kind, outcome}`: records by kind and what became of them.
struct RecordCounters: Sendable {
    enum Kind: String, CaseIterable { case item, interaction, signal, itemUpdate = "item_update" }
    enum Outcome: String, CaseIterable { case accepted, rejected, duplicate }

    private let counters: [String: Counter]

    init(metrics: PrometheusCollectorRegistry) {
        var counters: [String: Counter] = [:]
        for kind in Kind.allCases {
            for outcome in Outcome.allCases {
                counters["\(kind.rawValue)/\(outcome.rawValue)"] = metrics.makeCounter(
                    descriptor: MetricNameDescriptor(
                        namespace: "stylecast", metricName: "ingest_records", unitName: "total",
                        helpText: "Records ingested, by kind and outcome"),
                    labels: [("kind", kind.rawValue), ("outcome", outcome.rawValue)])
            }
        }
        self.counters = counters
    }

    func count(_ kind: Kind, _ outcome: Outcome) {
        counters["\(kind.rawValue)/\(outcome.rawValue)"]?.increment()
    }
}
