import Foundation
import Logging
import ServiceLifecycle
import StylecastCalendar
import StylecastErrors
import StylecastProto
import StylecastRedis
import StylecastServiceKit

/// The queue worker of trend-aggregation: turns embedded items, interactions and search-interest
/// series into weekly series per (measure, source, market, attribute) and the weekly totals of
/// each (measure, source, market) (``TrendSeriesStore``), exactly once per stream entry. A record
/// without a market counts under "WW".
///
/// - `stylecast:{items.embedded}` (group `trend-aggregation`): an item with a release date adds 1
///   to `launches` at its release week, for its source's total and for each of its attributes
///   (``TrendAttribute/of(item:extracted:)``), and lists the item as an example of them; an item
///   with `extra["weekly_sales"]` (VISUELLE: 12 normalised values) adds value x 1065 units to
///   `sales` at the release week and the 11 after (values <= 0 left out; a value that is not
///   finite or beyond ``maximumWeeklySales`` refuses the entry before anything is written).
/// - `stylecast:{interactions}`: a purchase with a time adds its quantity to `purchases` of the
///   bought item's source and market at its week, for the item's own category, colour and
///   fabric. Purchases of items never
///   ingested, and interactions without a time, count nowhere (logged at debug level).
/// - `stylecast:{signals}`: each series adds its weekly values (the mean of its points in a week)
///   to `interest` of its term (kind `term`) and of the attributes the term names (lexicon), 1 to
///   the week's series count (so `interest` reads as a mean over the series), and 1 to its
///   source's total for the week.
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
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (queue, applier, kind) in aggregator.queues {
                group.addTask {
                    // Stops between entries on graceful shutdown, finishing the batch in hand.
                    try await queue.run(until: { Task.isShuttingDownGracefully }) { entry in
                        let writes = try await aggregator.writes(for: entry, kind: kind)
                        if !writes.isEmpty { try await applier.apply(entryID: entry.id, writes: writes) }
                    }
                }
            }
            try await WorkerGroup.awaitAll(&group)
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

    /// The largest weekly sales value read, in VISUELLE's normalised units (about 1e9 units):
    /// larger or non-finite values are a fault of the record, refused before anything is written.
    static let maximumWeeklySales = 1e6

    private func itemWrites(_ entry: WorkQueue.Entry) async throws -> [RedisWrite] {
        guard let itemID = entry["item_id"], !itemID.isEmpty else {
            throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
        }
        guard let item = try await body(of: itemID) else {
            throw InvalidInput(field: "item_id", rule: "item \(itemID) of entry \(entry.id) is not stored")
        }
        let attributes = TrendAttribute.of(item: item, extracted: TrendAttribute.decode(json: entry["attributes"] ?? "[]"))
        guard !attributes.isEmpty, let release = CivilDay(iso: item.releaseDate, allowingTrailingText: true) else { return [] }
        let week = release.monday
        var sales: [(week: CivilDay, units: Double)] = []
        if let text = item.extra["weekly_sales"] {
            for (offset, part) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else { continue }
                guard value.isFinite, abs(value) <= Self.maximumWeeklySales else {
                    throw InvalidInput(
                        field: "extra.weekly_sales",
                        rule: "item \(itemID): week \(offset) must be a finite number of at most \(Int(Self.maximumWeeklySales)) in absolute value, got \(part)")
                }
                if value > 0 { sales.append((week.adding(days: 7 * offset), value * Self.visuelleUnitsScale)) }
            }
        }
        let launches = TrendSource(measure: .launches, source: item.source, market: item.market)
        var writes = TrendSeriesStore.totalIncrement(launches, week: week, amount: 1)
        writes += TrendSeriesStore.increments(launches, attributes: attributes, week: week, amount: 1)
        writes += TrendSeriesStore.examples(itemID: itemID, market: launches.market, attributes: attributes, releaseDay: release)
        if item.extra["weekly_sales"] != nil {
            writes.append(RedisWrite(["SADD", .key(NewProductModel.productsKey), .argument(RedisArgument(itemID))]))
            let source = TrendSource(measure: .sales, source: item.source, market: item.market)
            for (salesWeek, units) in sales {
                writes += TrendSeriesStore.totalIncrement(source, week: salesWeek, amount: units)
                writes += TrendSeriesStore.increments(source, attributes: attributes, week: salesWeek, amount: units)
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
        guard quantity.isFinite, quantity >= 0, quantity <= 1e9 else {
            throw InvalidInput(field: "quantity", rule: "entry \(entry.id): must be a finite number 0-1e9, got \(entry["quantity"] ?? "")")
        }
        let attributes = TrendAttribute.ownFields(of: item)
        guard quantity > 0, !attributes.isEmpty else { return [] }
        // The shop whose item it is: a purchase counts towards the source and market of the item.
        let source = TrendSource(measure: .purchases, source: item.source, market: item.market)
        let week = CivilDay(unixSeconds: timestamp).monday
        return TrendSeriesStore.totalIncrement(source, week: week, amount: quantity)
            + TrendSeriesStore.increments(source, attributes: attributes, week: week, amount: quantity)
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
        let term = series.term.lowercased()
        guard !term.isEmpty else { return [] }
        // The term is a topic of its own, beside the attributes the lexicon finds in it.
        let attributes = [TrendAttribute(kind: TrendAttribute.termKind, value: term)] + TrendAttribute.of(term: term)
        let source = TrendSource(measure: .interest, source: series.source, market: series.geo)
        // One value per week: a series with several points in a week (daily data) counts their mean.
        var sums: [CivilDay: (total: Double, count: Double)] = [:]
        for point in series.points {
            guard let day = CivilDay(iso: point.week, allowingTrailingText: true), point.value.isFinite, point.value >= 0 else {
                continue
            }
            sums[day.monday, default: (0, 0)].total += point.value
            sums[day.monday, default: (0, 0)].count += 1
        }
        let values = sums.mapValues { $0.total / $0.count }
        return values.sorted { $0.key < $1.key }.flatMap { week, value in
            TrendSeriesStore.totalIncrement(source, week: week, amount: 1)
                + TrendSeriesStore.increments(source, attributes: attributes, week: week, amount: value)
        }
    }

    private func body(of itemID: String) async throws -> Stylecast_V1_FashionItem? {
        let reply = try await redis.send("GET", RedisArgument("stylecast:item:{\(itemID)}"))
        guard let bytes = reply.bytes else { return nil }
        return try Stylecast_V1_FashionItem(serializedBytes: bytes)
    }
}
