/// Every Redis key the services share, built in one place (docs/architecture.md, "Redis key
/// layout").
///
/// Keys are `stylecast:` then a hash tag in braces: Redis Cluster hashes only the tag, so keys
/// that one script or transaction touches together carry the same tag. An id that becomes part
/// of a key must pass ``KeyIdentifier/check(_:field:allowEmpty:)`` first, so that it cannot
/// contain a brace and move the key's tag.
public enum StylecastKeys {
    /// What every key starts with (before the `:`).
    public static let namespace = "stylecast"

    /// An item's body (binary protobuf `FashionItem`).
    public static func item(_ itemID: String) -> String { "\(namespace):item:{\(itemID)}" }
    /// An item's embedding (``EmbeddingCodec``).
    public static func itemEmbedding(_ itemID: String) -> String { item(itemID) + ":embedding" }
    /// An item's extracted attributes (``AttributesCodec``).
    public static func itemAttributes(_ itemID: String) -> String { item(itemID) + ":attributes" }
    /// The ids of the items stored.
    public static let itemIDs = WorkStream.itemsIngested.key + ":ids"
    /// The content fingerprints of the items stored.
    public static let itemContent = WorkStream.itemsIngested.key + ":content"
    /// Hash item id -> content fingerprint: items whose id is taken and whose body is being
    /// written, not queued yet.
    public static let itemsPending = WorkStream.itemsIngested.key + ":pending"
    /// Hash item id -> when its record was last taken or resumed (ms since 1970, Redis's clock):
    /// what the pending sweep reads to finish or release records cut off between the steps.
    public static let itemsPendingSince = WorkStream.itemsIngested.key + ":pending-since"
    /// The items queued on one partition of `items.ingested` above 0 (its entry's guard: a
    /// partition other than 0 has another hash tag than the id sets, see ``StreamPartitions``).
    public static func itemsQueued(partition: Int) -> String {
        WorkStream.itemsIngested.key(partition: partition) + ":queued"
    }
    /// How many partitions the work streams have (``StreamPartitions``), as the first service set it.
    public static let streamPartitionCount = WorkStream.itemsIngested.key + ":partitions"

    /// A search-interest series' body (binary protobuf `SearchInterestSeries`).
    public static func signal(_ signalID: String) -> String { "\(namespace):signal:{\(signalID)}" }
    /// The ids of the series stored (partition 0's; ``signalIDs(partition:)``).
    public static let signalIDs = signalIDs(partition: 0)
    /// The ids of the series stored in one partition of `signals`.
    public static func signalIDs(partition: Int) -> String { WorkStream.signals.key(partition: partition) + ":ids" }
    /// Hash series id -> SHA-1 of its body: series whose id is taken and whose body is being
    /// written, not queued yet (partition 0's; ``signalsPending(partition:)``).
    public static let signalsPending = signalsPending(partition: 0)
    /// ``signalsPending`` of one partition of `signals`.
    public static func signalsPending(partition: Int) -> String {
        WorkStream.signals.key(partition: partition) + ":pending"
    }
    /// ``itemsPendingSince`` for the series pending in one partition of `signals`.
    public static func signalsPendingSince(partition: Int) -> String {
        WorkStream.signals.key(partition: partition) + ":pending-since"
    }
    /// The ids of the interactions stored (partition 0's; ``interactionIDs(partition:)``).
    public static let interactionIDs = interactionIDs(partition: 0)
    /// The ids of the interactions stored in one partition of `interactions`.
    public static func interactionIDs(partition: Int) -> String {
        WorkStream.interactions.key(partition: partition) + ":ids"
    }

    /// A cached embedding of a text, by the SHA-1 of its UTF-8 bytes in lower-case hex.
    public static func textEmbedding(sha1 hexDigest: String) -> String { "\(namespace):embedding:{\(hexDigest)}" }

    /// What the idempotency markers of one consumer's writes start with: the tag is the one of
    /// the keys it writes, the scope names the consumer (see `IdempotentApplier`).
    /// - Parameters:
    ///   - hashTag: The hash tag of every key the writes touch, without braces.
    ///   - scope: The consumer, e.g. its group.
    public static func appliedMarkerPrefix(hashTag: String, scope: String) -> String {
        "\(namespace):{\(hashTag)}:applied:\(scope):"
    }

    /// The keys of the recommendation service.
    public enum Recommendation {
        private static let models = "\(namespace):{models}:recommendation"
        /// The trained model (`ModelCodec` bytes).
        public static let model = models + ":model"
        /// The stored model's version, polled by replicas.
        public static let modelVersion = models + ":version"
        /// The lock that lets one Refresh train at a time (the owner's token; expires).
        public static let refreshLock = models + ":refresh-lock"
        /// What every cached answer's key starts with (followed for near-cache invalidations; the
        /// users' recent-event hashes share it, and their invalidations match no copy).
        public static let cachePrefix = "\(namespace):rec:{"
        /// A user's cached Recommend answer.
        public static func cache(userID: String) -> String { "\(cachePrefix)\(userID)}" }
        /// A user's interactions logged since training (hash: interaction id -> event).
        public static func recent(userID: String) -> String { cache(userID: userID) + recentSuffix }
        /// What a user's cache key is followed by in the key of their recent events.
        public static let recentSuffix = ":recent"
    }

    /// The keys of trend-aggregation. They are split into as many trend partitions as the work
    /// streams have partitions (``StreamPartitions``): an attribute's keys (its series, its
    /// example items and the set of series listed there) are on the partition of `kind:value`,
    /// with the tag `{trends}` for partition 0 and `{trends#<p>}` above, so on Redis Cluster the
    /// series spread over slots. What is kept per source or per kind (totals, the vocabulary,
    /// parked purchases) stays under `{trends}`. With one partition every key is under `{trends}`.
    public enum Trends {
        /// The hash tag of partition 0 of the trend keys (idempotency markers included).
        public static let hashTag = hashTag(partition: 0)
        /// The hash tag of one trend partition: `trends`, then `#<partition>` above 0.
        public static func hashTag(partition: Int) -> String { partition == 0 ? "trends" : "trends#\(partition)" }
        /// The trend partition of an attribute's keys.
        public static func partition(kind: String, value: String, of partitions: StreamPartitions) -> Int {
            partitions.partition(of: "\(kind):\(value)")
        }
        private static func prefix(partition: Int) -> String { "\(namespace):{\(hashTag(partition: partition))}" }
        private static let prefix = prefix(partition: 0)
        private static func attributePrefix(kind: String, value: String, partitions: StreamPartitions) -> String {
            prefix(partition: partition(kind: kind, value: value, of: partitions))
        }
        /// A `SCAN`/`KEYS` pattern matching every trend key of every partition.
        public static let all = "\(namespace):{trends[}#]*"
        /// Set: every `measure|source|market` with data.
        public static let sources = prefix + ":sources"
        /// Set: every `measure|source|market|kind|value` with a series on partition 0.
        public static let topics = topics(partition: 0)
        /// Set: every `measure|source|market|kind|value` with a series on one trend partition.
        public static func topics(partition: Int) -> String { prefix(partition: partition) + ":topics" }
        /// Counter raised by every entry that writes to one trend partition (partition 0 also for
        /// the totals): trend-aggregation rebuilds its trend view when any partition's has changed.
        public static func viewVersion(partition: Int) -> String { prefix(partition: partition) + ":view-version" }
        /// Set: the items with VISUELLE weekly sales (new-product training rows).
        public static let products = prefix + ":products"
        /// Hash week -> the volume of a (measure, source, market).
        public static func totals(measure: String, source: String, market: String) -> String {
            "\(prefix):totals:\(measure):\(source):\(market)"
        }
        /// Hash week -> an attribute's amount under a (measure, source, market).
        public static func series(
            measure: String, source: String, market: String, kind: String, value: String, partitions: StreamPartitions
        ) -> String {
            "\(attributePrefix(kind: kind, value: value, partitions: partitions)):series:\(measure):\(source):\(market):\(kind):\(value)"
        }
        /// Hash week -> how many search series were summed into the `interest` series.
        public static func seriesCount(
            measure: String, source: String, market: String, kind: String, value: String, partitions: StreamPartitions
        ) -> String {
            "\(attributePrefix(kind: kind, value: value, partitions: partitions)):series-count:\(measure):\(source):\(market):\(kind):\(value)"
        }
        /// Sorted set item id -> release day: example items of an attribute in a market.
        public static func examples(market: String, kind: String, value: String, partitions: StreamPartitions) -> String {
            "\(attributePrefix(kind: kind, value: value, partitions: partitions)):examples:\(market):\(kind):\(value)"
        }
        /// Set: the values of an attribute kind admitted to series.
        public static func values(kind: String) -> String { "\(prefix):values:\(kind)" }
        /// What the parked-purchase hashes' keys start with.
        public static let parkedPurchasesPrefix = prefix + ":parked-purchases:"
        /// Hash purchase (its entry ID, `<partition>/<entry ID>` above partition 0) -> `"<timestamp> <quantity>"`:
        /// purchases waiting for their item.
        public static func parkedPurchases(itemID: String) -> String { parkedPurchasesPrefix + itemID }
    }
}
