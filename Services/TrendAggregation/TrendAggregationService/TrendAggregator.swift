import Logging
import ServiceLifecycle
import StylecastErrors
import StylecastProto
import StylecastRedis

/// The queue worker of trend-aggregation: turns embedded items, interactions and search-interest
/// series into weekly attribute series (``TrendSeriesStore``), exactly once per stream entry.
///
/// - `stylecast:{items.embedded}` (group `trend-aggregation`): an item with a release date adds 1
///   to `items` at its release week for each of its attributes (``TrendAttribute/of(item:extracted:)``);
///   an item with `extra["weekly_sales"]` (VISUELLE: 12 normalised values) adds value x 1065 units
///   to `sales` at the release week and the 11 after.
/// - `stylecast:{interactions}`: a purchase with a time adds its quantity to `purchases` at its
///   week for the bought item's own category, colour and fabric. Purchases of items never
///   ingested, and interactions without a time, count nowhere (logged at debug level).
/// - `stylecast:{signals}`: each series adds its weekly values to `signal` of the attributes its
///   term names (lexicon), and 1 to the week's series count, so `signal` reads as a mean.
///
/// Each entry's increments and an idempotency marker are applied by one Lua script
/// (``IdempotentApplier``), and the entry is acknowledged only afterwards: a worker killed at any
/// point and restarted counts every entry once.
struct TrendAggregator: Service {
    static let group = "trend-aggregation"
    static let embeddedStream = "stylecast:{items.embedded}"
    static let interactionStream = "stylecast:{interactions}"
    static let signalStream = "stylecast:{signals}"
    /// VISUELLE's weekly sales are normalised: x 1065 gives units.
    static let visuelleUnitsScale = 1065.0

    private let redis: RedisClient
    private let queues: [(WorkQueue, IdempotentApplier, Kind)]
    private let logger: Logger

    enum Kind { case item, interaction, signal }

    init(redis: RedisClient, consumer: String, claimIdle: Duration, maxDeliveries: Int, logger: Logger) throws {
        self.redis = redis
        self.logger = logger
        queues = try [
            (Self.embeddedStream, "items", Kind.item), (Self.interactionStream, "interactions", Kind.interaction),
            (Self.signalStream, "signals", Kind.signal),
        ].map { stream, scope, kind in
            (
                try WorkQueue(
                    client: redis, stream: stream, group: Self.group, consumer: consumer,
                    configuration: .init(
                        claimIdleTime: claimIdle, maxDeliveries: maxDeliveries, deadLetterStream: stream + ":dead"),
                    logger: logger),
                IdempotentApplier(client: redis, hashTag: "trends", scope: scope), kind
            )
        }
    }

    func run() async throws {
        let aggregator = self
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (queue, applier, kind) in aggregator.queues {
                    group.addTask {
                        try await queue.run { entry in
                            let writes = try await aggregator.writes(for: entry, kind: kind)
                            if !writes.isEmpty { try await applier.apply(entryID: entry.id, writes: writes) }
                        }
                    }
                }
                // A queue ends only on shutdown or with an error retrying cannot fix; either way
                // the others stop too, so that the service fails as a whole (and is restarted)
                // instead of running on with one stream no longer consumed.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// The increments one entry contributes.
    func writes(for entry: WorkQueue.Entry, kind: Kind) async throws -> [RedisWrite] {
        switch kind {
        case .item: return try await itemWrites(entry)
        case .interaction: return try await interactionWrites(entry)
        case .signal: return try await signalWrites(entry)
        }
    }

    private func itemWrites(_ entry: WorkQueue.Entry) async throws -> [RedisWrite] {
        guard let itemID = entry["item_id"], !itemID.isEmpty else {
            throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
        }
        guard let item = try await body(of: itemID) else {
            throw InvalidInput(field: "item_id", rule: "item \(itemID) of entry \(entry.id) is not stored")
        }
        let attributes = TrendAttribute.of(item: item, extracted: TrendAttribute.decode(json: entry["attributes"] ?? "[]"))
        guard !attributes.isEmpty, let release = TrendWeek.monday(ofDay: item.releaseDate) else { return [] }
        var writes = TrendSeriesStore.increments(.items, attributes: attributes, week: release, amount: 1)
        if let sales = item.extra["weekly_sales"] {
            writes.append(RedisWrite(["SADD", .key(NewProductModel.productsKey), .argument(RedisArgument(itemID))]))
            for (offset, text) in sales.split(separator: ",").enumerated() {
                guard let value = Double(text), value > 0, let week = TrendWeek.adding(weeks: offset, to: release) else {
                    continue
                }
                writes += TrendSeriesStore.increments(
                    .sales, attributes: attributes, week: week, amount: value * Self.visuelleUnitsScale)
            }
        }
        return writes
    }

    private func interactionWrites(_ entry: WorkQueue.Entry) async throws -> [RedisWrite] {
        guard entry["kind"] == "purchase", let timestamp = Int64(entry["timestamp"] ?? ""), timestamp > 0,
            let itemID = entry["item_id"]
        else { return [] }
        guard let item = try await body(of: itemID) else {
            logger.debug("purchase of an item never ingested", metadata: ["item_id": "\(itemID)"])
            return []
        }
        let quantity = Double(entry["quantity"] ?? "1") ?? 1
        return TrendSeriesStore.increments(
            .purchases, attributes: TrendAttribute.ownFields(of: item),
            week: TrendWeek.monday(ofUnixSeconds: timestamp), amount: quantity)
    }

    private func signalWrites(_ entry: WorkQueue.Entry) async throws -> [RedisWrite] {
        guard let signalID = entry["signal_id"] else {
            throw InvalidInput(field: "signal_id", rule: "entry \(entry.id) has no signal_id")
        }
        let reply = try await redis.send("GET", RedisArgument("stylecast:signal:{\(signalID)}"))
        guard let bytes = reply.bytes else {
            throw InvalidInput(field: "signal_id", rule: "series \(signalID) of entry \(entry.id) is not stored")
        }
        let series = try Stylecast_V1_SearchInterestSeries(serializedBytes: bytes)
        let attributes = TrendAttribute.of(term: series.term)
        guard !attributes.isEmpty else { return [] }
        var sums: [String: Double] = [:]
        for point in series.points {
            guard let week = TrendWeek.monday(ofDay: point.week) else { continue }
            sums[week, default: 0] += point.value
        }
        return sums.sorted { $0.key < $1.key }.flatMap { week, value in
            TrendSeriesStore.increments(.signal, attributes: attributes, week: week, amount: value)
        }
    }

    private func body(of itemID: String) async throws -> Stylecast_V1_FashionItem? {
        let reply = try await redis.send("GET", RedisArgument("stylecast:item:{\(itemID)}"))
        guard let bytes = reply.bytes else { return nil }
        return try Stylecast_V1_FashionItem(serializedBytes: bytes)
    }
}
