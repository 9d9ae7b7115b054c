import StylecastContracts
import StylecastErrors
import StylecastRedis

/// One purchase as trend-aggregation counts it: an `Interaction` of kind `purchase` with a time.
struct Purchase: Sendable, Equatable {
    /// The `stylecast:{interactions}` entry it came in, what counts it once: the entry ID, as
    /// `<partition>/<entry ID>` on a partition above 0 (entry IDs repeat across partitions).
    let entryID: String
    let itemID: String
    /// Seconds since 1970; the purchase counts at the Monday of its week.
    let timestamp: Int64
    /// Units bought, 0 to ``maximumQuantity``.
    let quantity: Double

    /// The most units one purchase may carry.
    static let maximumQuantity = 1e9

    /// The partition of `interactions` and the stream entry ID that ``entryID`` names.
    var streamEntry: (partition: Int, id: String) {
        let parts = entryID.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let partition = Int(parts[0]) else { return (0, entryID) }
        return (partition, String(parts[1]))
    }

    init(entryID: String, itemID: String, timestamp: Int64, quantity: Double) {
        self.entryID = entryID
        self.itemID = itemID
        self.timestamp = timestamp
        self.quantity = quantity
    }

    /// The purchase of an interactions entry, or `nil` when the entry is not a purchase with a
    /// time and an item (other interactions count nowhere in the trends).
    /// - Parameters:
    ///   - entry: The entry.
    ///   - partition: The partition of `interactions` it was read from.
    /// - Throws: ``InvalidInput`` naming `quantity` when it is not a finite number 0-1e9.
    init?(entry: WorkQueue.Entry, partition: Int) throws {
        let interaction = InteractionEntry(fields: { entry[$0] })
        guard interaction[.kind] == "purchase", let timestamp = Int64(interaction[.timestamp]), timestamp > 0,
            !interaction[.itemID].isEmpty
        else { return nil }
        // A purchase without a quantity is one unit.
        let quantity = interaction[.quantity].isEmpty ? 1 : Double(interaction[.quantity]) ?? 1
        guard quantity.isFinite, quantity >= 0, quantity <= Self.maximumQuantity else {
            throw InvalidInput(
                field: "quantity", rule: "entry \(entry.id): must be a finite number 0-1e9, got \(interaction[.quantity])")
        }
        self.init(
            entryID: partition == 0 ? entry.id : "\(partition)/\(entry.id)", itemID: interaction[.itemID],
            timestamp: timestamp, quantity: quantity)
    }
}

/// Purchases whose item is not stored yet (a shop's transactions loaded before its catalogue),
/// kept until the item arrives and then counted exactly as if they had come after it.
///
/// Each item's parked purchases are a hash `stylecast:{trends}:parked-purchases:<item id>`
/// (``Purchase/entryID`` -> `"<timestamp> <quantity>"`) that expires ``lifetimeMilliseconds``
/// (30 days) after the last purchase parked in it: purchases of an item that never arrives are
/// dropped then. Releasing a purchase applies its increments once per trend partition and then
/// removes it: the `{trends}` group under a marker of its ``Purchase/entryID`` (scope
/// `parked-purchases`, what ``wasParked(_:)`` finds), the other partitions' groups under the
/// markers its entry would have had counted directly (scope `interactions`), so the paths that
/// may count it (the item's arrival, the check right after parking, the entry read again after
/// `stylecast rebuild-trends`) count it once, and a release cut off part way finishes on the next.
struct ParkedPurchases: Sendable {
    /// How long an item's parked purchases wait for it after the last one parked, in ms (30 days).
    static let lifetimeMilliseconds = 30 * 86_400 * 1000

    let redis: RedisClient
    private let applier: TagGroupedApplier

    init(redis: RedisClient) {
        self.redis = redis
        applier = TagGroupedApplier(client: redis, leading: StylecastKeys.Trends.hashTag) {
            StylecastKeys.appliedMarkerPrefix(hashTag: $0, scope: "parked-purchases")
        }
    }

    static func key(itemID: String) -> String { StylecastKeys.Trends.parkedPurchases(itemID: itemID) }

    /// The writes that park a purchase (applied by the caller under its entry's marker).
    func park(_ purchase: Purchase) -> [RedisWrite] {
        let key = Self.key(itemID: purchase.itemID)
        return [
            RedisWrite([
                "HSET", .key(key), .argument(RedisArgument(purchase.entryID)),
                .argument(RedisArgument("\(purchase.timestamp) \(purchase.quantity)")),
            ]),
            RedisWrite(["PEXPIRE", .key(key), .argument(RedisArgument(Self.lifetimeMilliseconds))]),
        ]
    }

    /// Whether a purchase was parked: it is waiting, or its release has begun (the release's
    /// `{trends}` marker is written before the purchase is removed, so one of the two is there
    /// for any purchase that counts somewhere).
    func wasParked(_ purchase: Purchase) async throws -> Bool {
        let replies = try await redis.pipelineFailingOnError([
            ["HEXISTS", RedisArgument(Self.key(itemID: purchase.itemID)), RedisArgument(purchase.entryID)],
            ["EXISTS", RedisArgument(applier.markerKey(for: purchase.entryID, tag: StylecastKeys.Trends.hashTag))],
        ])
        return replies.contains { $0.integer == 1 }
    }

    /// The purchases parked for an item, oldest entry first.
    func purchases(of itemID: String) async throws -> [Purchase] {
        let reply = try await redis.send("HGETALL", RedisArgument(Self.key(itemID: itemID)))
        var purchases: [Purchase] = []
        for (entryID, value) in reply.fieldMap ?? [:] {
            let parts = (value.string ?? "").split(separator: " ")
            guard parts.count == 2, let timestamp = Int64(parts[0]), let quantity = Double(parts[1]) else { continue }
            purchases.append(Purchase(entryID: entryID, itemID: itemID, timestamp: timestamp, quantity: quantity))
        }
        return purchases.sorted { $0.entryID < $1.entryID }
    }

    /// Counts a parked purchase with `writes` (its increments, whose `{trends}` writes come first)
    /// once, then removes it.
    func release(_ purchase: Purchase, writes: [RedisWrite]) async throws {
        let entry = purchase.streamEntry
        let entryApplier = TrendAggregator.applier(
            redis: redis, scope: TrendAggregator.interactionsScope, partition: entry.partition)
        for group in try applier.groups(writes) {
            if group.tag == StylecastKeys.Trends.hashTag {
                try await applier.apply(entryID: purchase.entryID, group: group)
            } else {
                try await entryApplier.apply(entryID: entry.id, group: group)
            }
        }
        _ = try await redis.send("HDEL", RedisArgument(Self.key(itemID: purchase.itemID)), RedisArgument(purchase.entryID))
    }
}
