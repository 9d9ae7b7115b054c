/// The Redis keys and streams the recommendation service reads and writes
/// (docs/architecture.md, "Redis key layout").
public enum RecommendationKeys {
    /// Interactions written by ingest.
    public static let interactionsStream = "stylecast:{interactions}"
    /// Items embedded by text-embedding.
    public static let embeddedStream = "stylecast:{items.embedded}"
    /// The consumer group of this service on both streams.
    public static let group = "recommendation"
    /// The trained model (``ModelCodec`` bytes).
    public static let model = "stylecast:{models}:recommendation:model"
    /// The stored model's version, polled by replicas.
    public static let modelVersion = "stylecast:{models}:recommendation:version"
    /// The lock that lets one Refresh train at a time (the owner's token; expires).
    public static let refreshLock = "stylecast:{models}:recommendation:refresh-lock"

    /// A user's cached Recommend answer.
    public static func cache(userID: String) -> String { "\(cachePrefix)\(userID)}" }
    /// What every cached answer's key starts with (followed for near-cache invalidations; the
    /// users' recent-event hashes share it, and their invalidations match no copy).
    public static let cachePrefix = "stylecast:rec:{"
    /// A user's interactions logged since training (hash: interaction id -> event).
    public static func recent(userID: String) -> String { "\(cache(userID: userID)):recent" }
    /// An item's body (binary protobuf `FashionItem`), written by ingest.
    public static func item(_ itemID: String) -> String { "stylecast:item:{\(itemID)}" }
    /// An item's embedding, written by text-embedding.
    public static func embedding(_ itemID: String) -> String { "stylecast:item:{\(itemID)}:embedding" }
}
