import Foundation
import Logging
import ServiceLifecycle
import StylecastCalendar
import StylecastContracts
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
///   fabric. A purchase of an item not stored yet is parked (``ParkedPurchases``) and counted
///   when the item arrives, the same as if it had come after; interactions without a time count
///   nowhere.
/// - `stylecast:{items.ingested}` (group `trend-aggregation`): an arriving item releases the
///   purchases parked for it.
/// - `stylecast:{signals}`: each series adds its weekly values (the mean of its points in a week)
///   to `interest` of its term (kind `term`) and of the attributes the term names (lexicon), 1 to
///   the week's series count (so `interest` reads as a mean over the series), and 1 to its
///   source's total for the week.
///
/// Each entry's increments are applied once per hash tag they touch (``TagGroupedApplier``: one
/// Lua script per trend partition, each with an idempotency marker, the `{trends}` one first),
/// and the entry is acknowledged only afterwards: a worker killed at any point and restarted
/// counts every entry once.
struct TrendAggregator: Service {
    static let group = ConsumerGroup.trendAggregation.rawValue
    /// VISUELLE's weekly sales are normalised: x 1065 gives units.
    static let visuelleUnitsScale = 1065.0

    private let redis: RedisClient
    private let partitions: StreamPartitions
    private let queues: [Queue]
    private let store: TrendSeriesStore
    private let parked: ParkedPurchases
    private let vocabulary: TrendVocabulary
    private let logger: Logger

    enum Kind { case item, interaction, signal, arrival }

    /// The marker scope of purchases' writes, counted directly or released after parking.
    static let interactionsScope = "interactions"

    /// One partition of a stream, with what applies its entries' writes.
    struct Queue: Sendable {
        let queue: WorkQueue
        let applier: TagGroupedApplier
        let kind: Kind
        let partition: Int
    }

    /// Reads every partition of each stream (``StreamPartitions``). Entry IDs repeat across the
    /// partitions of a stream, so the markers of partitions above 0 carry the partition in their
    /// scope (`items#2`); partition 0 keeps the scope of an unpartitioned stream.
    init(
        redis: RedisClient, partitions: StreamPartitions = .single, consumer: String, claimIdle: Duration,
        maxDeliveries: Int, maximumValuesPerKind: Int, logger: Logger
    ) throws {
        self.redis = redis
        self.partitions = partitions
        self.logger = logger
        store = TrendSeriesStore(redis: redis, partitions: partitions)
        parked = ParkedPurchases(redis: redis)
        vocabulary = TrendVocabulary(redis: redis, maximumValuesPerKind: maximumValuesPerKind, logger: logger)
        // Items as ingest stores them count only by their arrival, which releases parked purchases.
        var queues: [Queue] = []
        for (stream, scope, kind) in [
            (WorkStream.itemsEmbedded, "items", Kind.item), (.interactions, Self.interactionsScope, Kind.interaction),
            (.signals, "signals", Kind.signal), (.itemsIngested, "arrivals", Kind.arrival),
        ] {
            let streamQueues = try WorkQueue.partitions(
                of: stream, partitions, client: redis, group: Self.group, consumer: consumer, claimIdle: claimIdle,
                maxDeliveries: maxDeliveries, logger: logger)
            for (queue, partition) in zip(streamQueues, partitions.all) {
                let applier = Self.applier(redis: redis, scope: scope, partition: partition)
                queues.append(Queue(queue: queue, applier: applier, kind: kind, partition: partition))
            }
        }
        self.queues = queues
    }

    /// What applies the writes of one stream partition's entries: markers of scope `scope`, or
    /// `scope#p` on a partition p above 0 (entry IDs repeat across partitions).
    static func applier(redis: RedisClient, scope: String, partition: Int) -> TagGroupedApplier {
        let markerScope = partition == 0 ? scope : "\(scope)#\(partition)"
        return TagGroupedApplier(client: redis, leading: StylecastKeys.Trends.hashTag) {
            StylecastKeys.appliedMarkerPrefix(hashTag: $0, scope: markerScope)
        }
    }

    func run() async throws {
        let aggregator = self
        try await StreamPartitionsRecord.verifyWhenReachable(partitions, on: redis, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for queue in aggregator.queues {
                group.addTask {
                    // Stops between entries on graceful shutdown, finishing the batch in hand.
                    try await queue.queue.run(
                        until: { Task.isShuttingDownGracefully },
                        batchHandler: { entries in try await aggregator.handleAtOnce(entries, from: queue) }
                    ) { entry in
                        try await aggregator.handle(entry, from: queue)
                    }
                }
            }
            try await WorkerGroup.awaitAll(&group)
        }
    }

    /// Applies what one entry contributes, once.
    func handle(_ entry: WorkQueue.Entry, from queue: Queue) async throws {
        let writes: [RedisWrite]
        switch queue.kind {
        case .item: writes = try await itemWrites(entry)
        case .signal: writes = try await signalWrites(entry)
        case .interaction:
            try await countPurchase(entry, from: queue)
            return
        case .arrival:
            let itemID = IngestedItemEntry(fields: { entry[$0] })[.itemID]
            guard !itemID.isEmpty else {
                throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
            }
            try await countParkedPurchases(of: itemID)
            return
        }
        if !writes.isEmpty { try await queue.applier.apply(entryID: entry.id, writes: writes) }
    }

    /// The largest weekly sales value read, in VISUELLE's normalised units (about 1e9 units):
    /// larger or non-finite values are a fault of the record, refused before anything is written.
    static let maximumWeeklySales = 1e6

    private func itemWrites(_ entry: WorkQueue.Entry) async throws -> [RedisWrite] {
        let itemID = try Self.embeddedItemID(entry)
        let embedded = try Self.embeddedItem(entry, itemID: itemID, body: try await body(of: itemID))
        guard let release = embedded.release else { return [] }
        let (attributes, admissions) = try await vocabulary.admit(embedded.own)
        return try admissions + itemCounts(embedded, attributes: attributes, release: release)
    }

    /// What an `items.embedded` entry counts: its item, its own and extracted attributes, and the
    /// week it counts in (`nil` when it counts nothing: no attribute or no release date).
    private struct EmbeddedItem {
        let itemID: String
        let item: Stylecast_V1_FashionItem
        let own: [TrendAttribute]
        let release: CivilDay?
    }

    private static func embeddedItemID(_ entry: WorkQueue.Entry) throws -> String {
        let itemID = EmbeddedItemEntry(fields: { entry[$0] })[.itemID]
        guard !itemID.isEmpty else {
            throw InvalidInput(field: "item_id", rule: "entry \(entry.id) has no item_id")
        }
        return itemID
    }

    private static func embeddedItem(_ entry: WorkQueue.Entry, itemID: String, body: Stylecast_V1_FashionItem?) throws
        -> EmbeddedItem
    {
        guard let item = body else {
            throw InvalidInput(field: "item_id", rule: "item \(itemID) of entry \(entry.id) is not stored")
        }
        let own = TrendAttribute.of(
            item: item, extracted: TrendAttribute.decode(json: EmbeddedItemEntry(fields: { entry[$0] })[.attributes]))
        let release = own.isEmpty ? nil : CivilDay(iso: item.releaseDate, allowingTrailingText: true)
        return EmbeddedItem(itemID: itemID, item: item, own: own, release: release)
    }

    /// An item's launch (and, for VISUELLE, its weekly sales) under its admitted attributes.
    /// - Throws: `InvalidInput` for a weekly sales value that is not a finite number within
    ///   ``maximumWeeklySales``.
    private func itemCounts(_ embedded: EmbeddedItem, attributes: [TrendAttribute], release: CivilDay) throws -> [RedisWrite] {
        let item = embedded.item
        let week = release.monday
        var sales: [(week: CivilDay, units: Double)] = []
        if let text = item.extra["weekly_sales"] {
            for (offset, part) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else { continue }
                guard value.isFinite, abs(value) <= Self.maximumWeeklySales else {
                    throw InvalidInput(
                        field: "extra.weekly_sales",
                        rule: "item \(embedded.itemID): week \(offset) must be a finite number of at most \(Int(Self.maximumWeeklySales)) in absolute value, got \(part)")
                }
                if value > 0 { sales.append((week.adding(days: 7 * offset), value * Self.visuelleUnitsScale)) }
            }
        }
        let launches = TrendSource(measure: .launches, source: item.source, market: item.market)
        // Counted in its source's total even when the vocabulary refuses its values, so that a
        // refused value changes no other attribute's share.
        var writes = TrendSeriesStore.totalIncrement(launches, week: week, amount: 1)
        writes += store.increments(launches, attributes: attributes, week: week, amount: 1)
        writes += store.examples(itemID: embedded.itemID, market: launches.market, attributes: attributes, releaseDay: release)
        if item.extra["weekly_sales"] != nil {
            writes.append(RedisWrite(["SADD", .key(NewProductModel.productsKey), .argument(RedisArgument(embedded.itemID))]))
            let source = TrendSource(measure: .sales, source: item.source, market: item.market)
            for (salesWeek, units) in sales {
                writes += TrendSeriesStore.totalIncrement(source, week: salesWeek, amount: units)
                writes += store.increments(source, attributes: attributes, week: salesWeek, amount: units)
            }
        }
        return writes
    }

    /// Counts a purchase entry (``Purchase``) against its item, or parks it while the item is
    /// not stored. Parking and counting are each applied once: parking and the `{trends}` writes
    /// of counting share the entry's marker, so whichever comes first wins, and a purchase that
    /// was parked is counted only by its release (by the item's arrival, or by the check after
    /// parking: the item may have been stored between the read and the park, after its arrival
    /// found nothing).
    private func countPurchase(_ entry: WorkQueue.Entry, from queue: Queue) async throws {
        guard let purchase = try Purchase(entry: entry, partition: queue.partition) else { return }
        if let item = try await body(of: purchase.itemID) {
            let groups = try queue.applier.groups(try await purchaseWrites(purchase, of: item))
            guard let leading = groups.first else { return }
            let ran = try await queue.applier.apply(entryID: entry.id, group: leading)
            // Already applied: by an earlier delivery that counted it (and may have been cut off
            // before the other trend partitions) or by one that parked it.
            if !ran, try await parked.wasParked(purchase) {
                try await countParkedPurchases(of: purchase.itemID)
                return
            }
            for group in groups.dropFirst() { try await queue.applier.apply(entryID: entry.id, group: group) }
            return
        }
        logger.debug("purchase parked until its item arrives", metadata: ["item_id": "\(purchase.itemID)"])
        try await queue.applier.apply(entryID: entry.id, writes: parked.park(purchase))
        if try await body(of: purchase.itemID) != nil { try await countParkedPurchases(of: purchase.itemID) }
    }

    /// Counts the purchases parked for an item that is now stored.
    private func countParkedPurchases(of itemID: String) async throws {
        let waiting = try await parked.purchases(of: itemID)
        guard !waiting.isEmpty, let item = try await body(of: itemID) else { return }
        for purchase in waiting {
            try await parked.release(purchase, writes: try await purchaseWrites(purchase, of: item))
        }
    }

    /// A purchase's increments: its quantity at its week for the item's own fields, under the
    /// source and market of the shop whose item it is.
    private func purchaseWrites(_ purchase: Purchase, of item: Stylecast_V1_FashionItem) async throws -> [RedisWrite] {
        let own = TrendAttribute.ownFields(of: item)
        guard purchase.quantity > 0, !own.isEmpty else { return [] }
        let (attributes, admissions) = try await vocabulary.admit(own)
        return admissions + purchaseCounts(purchase, of: item, attributes: attributes)
    }

    /// A purchase's increments under its item's admitted attributes.
    private func purchaseCounts(_ purchase: Purchase, of item: Stylecast_V1_FashionItem, attributes: [TrendAttribute])
        -> [RedisWrite]
    {
        let source = TrendSource(measure: .purchases, source: item.source, market: item.market)
        let week = CivilDay(unixSeconds: purchase.timestamp).monday
        return TrendSeriesStore.totalIncrement(source, week: week, amount: purchase.quantity)
            + store.increments(source, attributes: attributes, week: week, amount: purchase.quantity)
    }

    private func signalWrites(_ entry: WorkQueue.Entry) async throws -> [RedisWrite] {
        let signalID = SignalEntry(fields: { entry[$0] })[.signalID]
        guard !signalID.isEmpty else {
            throw InvalidInput(field: "signal_id", rule: "entry \(entry.id) has no signal_id")
        }
        let reply = try await redis.send("GET", RedisArgument(StylecastKeys.signal(signalID)))
        guard let bytes = reply.bytes else {
            throw InvalidInput(field: "signal_id", rule: "series \(signalID) of entry \(entry.id) is not stored")
        }
        let series = try Stylecast_V1_SearchInterestSeries(serializedBytes: bytes)
        let term = series.term.lowercased()
        guard !term.isEmpty else { return [] }
        // The term is a topic of its own, beside the attributes the lexicon finds in it.
        let (attributes, admissions) = try await vocabulary.admit(
            [TrendAttribute(kind: TrendAttribute.termKind, value: term)] + TrendAttribute.of(term: term))
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
        return admissions + values.sorted { $0.key < $1.key }.flatMap { week, value in
            TrendSeriesStore.totalIncrement(source, week: week, amount: 1)
                + store.increments(source, attributes: attributes, week: week, amount: value)
        }
    }

    // MARK: - Batches

    /// What a batch read counts at once (``WorkQueue/run(until:batchHandler:handler:)``): the
    /// purchases of stored items, embedded items and arrivals that release no parked purchase,
    /// with their writes in one script per trend partition (increments of one series and week
    /// summed) and one vocabulary read for the batch. Returns the entries left to
    /// ``handle(_:from:)``, which has the rules for them: an invalid entry, a purchase whose item
    /// is not stored yet, an arrival with parked purchases, a purchase already counted (a
    /// redelivery, perhaps of a parked one), and every signal (a few, each a whole series).
    func handleAtOnce(_ entries: [WorkQueue.Entry], from queue: Queue) async throws -> [WorkQueue.Entry] {
        switch queue.kind {
        case .signal: return entries
        case .arrival: return try await arrivalsAtOnce(entries)
        case .interaction: return try await purchasesAtOnce(entries, from: queue)
        case .item: return try await itemsAtOnce(entries, from: queue)
        }
    }

    private func arrivalsAtOnce(_ entries: [WorkQueue.Entry]) async throws -> [WorkQueue.Entry] {
        let itemIDs = entries.map { entry in IngestedItemEntry(fields: { entry[$0] })[.itemID] }
        let counted = entries.indices.filter { !itemIDs[$0].isEmpty }
        let replies = try await redis.pipelineFailingOnError(
            counted.map { ["EXISTS", RedisArgument(ParkedPurchases.key(itemID: itemIDs[$0]))] })
        // An arrival with no purchase parked for its item has nothing to release: handled.
        let nothingParked = Set(zip(counted, replies).compactMap { index, reply in reply.integer == 0 ? index : nil })
        return entries.indices.filter { !nothingParked.contains($0) }.map { entries[$0] }
    }

    private func purchasesAtOnce(_ entries: [WorkQueue.Entry], from queue: Queue) async throws -> [WorkQueue.Entry] {
        var left = Set<String>()
        var purchases: [(entryID: String, purchase: Purchase)] = []
        for entry in entries {
            do {
                // Not a purchase (a view, a click): nothing to count.
                if let purchase = try Purchase(entry: entry, partition: queue.partition) { purchases.append((entry.id, purchase)) }
            } catch {
                left.insert(entry.id)
            }
        }
        let items = try await bodies(of: purchases.map(\.purchase.itemID))
        var counted: [(entryID: String, purchase: Purchase, item: Stylecast_V1_FashionItem, own: [TrendAttribute])] = []
        for (entryID, purchase) in purchases {
            guard let item = items[purchase.itemID] else {
                left.insert(entryID)
                continue
            }
            let own = purchase.quantity > 0 ? TrendAttribute.ownFields(of: item) : []
            counted.append((entryID, purchase, item, own))
        }
        let (admitted, admissions) = try await vocabulary.admitted(counted.flatMap(\.own))
        let batch = counted.map { entryID, purchase, item, own in
            IdempotentApplier.EntryWrites(
                entryID: entryID,
                writes: own.isEmpty ? [] : purchaseCounts(purchase, of: item, attributes: own.filter { admitted.contains($0) }))
        }
        left.formUnion(try await queue.applier.apply(batch: batch.filter { !$0.writes.isEmpty }, shared: admissions))
        return entries.filter { left.contains($0.id) }
    }

    private func itemsAtOnce(_ entries: [WorkQueue.Entry], from queue: Queue) async throws -> [WorkQueue.Entry] {
        var left = Set<String>()
        var itemIDs: [String: String] = [:]
        for entry in entries {
            do { itemIDs[entry.id] = try Self.embeddedItemID(entry) } catch { left.insert(entry.id) }
        }
        let items = try await bodies(of: Array(itemIDs.values))
        var counted: [(entryID: String, embedded: EmbeddedItem, release: CivilDay)] = []
        for entry in entries {
            guard let itemID = itemIDs[entry.id] else { continue }
            do {
                let embedded = try Self.embeddedItem(entry, itemID: itemID, body: items[itemID])
                if let release = embedded.release { counted.append((entry.id, embedded, release)) }
            } catch {
                left.insert(entry.id)
            }
        }
        let (admitted, admissions) = try await vocabulary.admitted(counted.flatMap(\.embedded.own))
        var batch: [IdempotentApplier.EntryWrites] = []
        for (entryID, embedded, release) in counted {
            do {
                let attributes = embedded.own.filter { admitted.contains($0) }
                batch.append(.init(entryID: entryID, writes: try itemCounts(embedded, attributes: attributes, release: release)))
            } catch {
                left.insert(entryID)
            }
        }
        left.formUnion(try await queue.applier.apply(batch: batch, shared: admissions))
        return entries.filter { left.contains($0.id) }
    }

    /// The stored bodies of `itemIDs` (one pipeline), by ID; an item not stored is missing.
    private func bodies(of itemIDs: [String]) async throws -> [String: Stylecast_V1_FashionItem] {
        let unique = Array(Set(itemIDs))
        let replies = try await redis.pipelineFailingOnError(unique.map { ["GET", RedisArgument(StylecastKeys.item($0))] })
        var items: [String: Stylecast_V1_FashionItem] = [:]
        for (itemID, reply) in zip(unique, replies) {
            guard let bytes = reply.bytes else { continue }
            items[itemID] = try Stylecast_V1_FashionItem(serializedBytes: bytes)
        }
        return items
    }

    private func body(of itemID: String) async throws -> Stylecast_V1_FashionItem? {
        let reply = try await redis.send("GET", RedisArgument(StylecastKeys.item(itemID)))
        guard let bytes = reply.bytes else { return nil }
        return try Stylecast_V1_FashionItem(serializedBytes: bytes)
    }
}
