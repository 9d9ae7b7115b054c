/// The Redis streams the services pass work through, and the consumer groups that read them
/// (docs/architecture.md says who writes and reads each, above "Redis key layout"; each has its
/// ``WorkStreamEntry`` schema).
///
/// Each stream's name is its own hash tag, so the stream, its id sets, its dead letters and the
/// idempotency markers of what consumers write beside it share one Redis Cluster slot.
public enum WorkStream: String, CaseIterable, Sendable {
    /// Items accepted by ingest.
    case itemsIngested = "items.ingested"
    /// Items whose text has been embedded and whose attributes have been extracted.
    case itemsEmbedded = "items.embedded"
    /// Interactions (purchases, views, reviews, carts) accepted by ingest.
    case interactions
    /// Search-interest series accepted by ingest.
    case signals

    /// The stream's key, e.g. `stylecast:{items.ingested}`.
    public var key: String { "\(StylecastKeys.namespace):{\(rawValue)}" }

    /// Where entries that failed every delivery go, e.g. `stylecast:{items.ingested}:dead`.
    public var deadLetterKey: String { key + ":dead" }

    /// The stream named by `name`: its key (`stylecast:{signals}`) or its short name (`signals`).
    /// - Returns: `nil` for a name that is no work stream.
    public init?(named name: String) {
        guard let stream = Self.allCases.first(where: { $0.key == name || $0.rawValue == name }) else { return nil }
        self = stream
    }
}

/// The consumer groups of the work streams: one per consuming service, named like it.
public enum ConsumerGroup: String, CaseIterable, Sendable {
    /// text-embedding's group on `items.ingested`.
    case textEmbedding = "text-embedding"
    /// recommendation's group on `interactions` and `items.embedded`.
    case recommendation
    /// trend-aggregation's group on every work stream.
    case trendAggregation = "trend-aggregation"

    /// The streams this group reads.
    public var streams: [WorkStream] {
        switch self {
        case .textEmbedding: [.itemsIngested]
        case .recommendation: [.interactions, .itemsEmbedded]
        case .trendAggregation: [.itemsEmbedded, .interactions, .signals, .itemsIngested]
        }
    }
}
