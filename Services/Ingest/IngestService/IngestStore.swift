import StylecastContracts
import StylecastErrors
import StylecastProto
import StylecastRedis
import StylecastServiceKit
import SwiftProtobuf
import Synchronization

/// Where ingest keeps what it accepted, and how it queues it for the next stage: each item's
/// body at `StylecastKeys.item(_:)` and an ``IngestedItemEntry`` on `stylecast:{items.ingested}`,
/// each interaction as an ``InteractionEntry`` on `stylecast:{interactions}`, each search series'
/// body at `StylecastKeys.signal(_:)` and a ``SignalEntry`` on `stylecast:{signals}`; the ids (and
/// the items' content fingerprints, ``ContentFingerprint``) in sets beside each stream
/// (StylecastContracts defines every key and field).
///
/// A body's key has its record's own hash tag, so bodies spread over a Redis Cluster while the
/// stream and its sets share the stream's tag; no script spans both. So a batch with bodies is
/// stored in three steps, each one round trip:
/// 1. **Decide.** One script on the stream's slot goes through the batch in order, atomically:
///    "id seen?" (also earlier in the same batch), "content seen?" (items), else it takes the
///    id and the content and marks the record pending (`...:pending`, id -> fingerprint).
/// 2. **Write the bodies** of the records taken (pipelined `SET`s, each on its own slot).
/// 3. **Queue.** One script on the stream's slot appends the stream entry of each record it
///    can take off the pending list; a record someone else already queued is a duplicate.
/// So a record is queued at most once however often it is sent, only after its body exists,
/// and a body is only written by the one record that holds its id: a queued id always has its
/// own body. A record whose id is pending with the same fingerprint is the same record sent
/// again (a retry, or two clients at once): it resumes at step 2. So after a crash between the
/// steps, sending the batch again (what a client does after an error) completes it; until then
/// its ids read as taken. A record that is not sent again is settled by the pending sweep
/// (``sweepPending(olderThan:limit:)``, run by ``PendingSweeper``) once it has been pending for
/// a while: queued if its body was written, else its id and content are released. Each step 1
/// notes when it took or resumed a record (`...:pending-since`), and the sweep releases a record
/// only if that time has not changed, so a record being resent is left to its sender.
/// Interactions have no body: step 1 queues them at once.
///
/// With stream partitions (``StreamPartitions``) each record goes to the partition of its id.
/// Interactions and series keep their id sets and pending lists per partition, so the steps
/// above run per partition. Items keep one registry (ids, contents, pending) on partition 0's
/// tag, so that a duplicate id or content is found across partitions; an item queued on a
/// partition above 0 (another slot) is added to that partition's `:queued` set in the script
/// that queues it, and only then taken off the pending list: a batch cut off in between finds
/// it queued when sent again (a duplicate), and nothing is queued twice.
struct IngestStore: Sendable {
    /// What happened to one record of a batch.
    enum Outcome: Int, Sendable {
        case accepted = 0
        case duplicateID = 1
        case duplicateContent = 2
    }

    let redis: RedisClient
    /// How the streams are split; each record goes to the partition of its id.
    let partitions: StreamPartitions

    /// Whether Redis was found to hold the same partition count (``StreamPartitionsRecord``).
    private let partitionsVerified = SharedFlag()

    init(redis: RedisClient, partitions: StreamPartitions = .single) {
        self.redis = redis
        self.partitions = partitions
    }

    /// Records or checks the partition count, once per store.
    /// - Throws: ``StreamPartitionsMismatch`` when Redis holds another count.
    private func verifyPartitions() async throws {
        guard !partitionsVerified.isSet else { return }
        try await StreamPartitionsRecord.verify(partitions, on: redis)
        partitionsVerified.set()
    }

    /// Stores and queues a batch of normalised items.
    /// - Returns: One outcome per item, in order.
    func store(items: [(item: Stylecast_V1_FashionItem, fingerprint: String)]) async throws -> [Outcome] {
        try await verifyPartitions()
        let records = try items.map { try Self.record(item: $0.item, fingerprint: $0.fingerprint) }
        // One registry of ids and contents for every partition, so that duplicates are found
        // across partitions; each taken item is queued on the partition of its id.
        return try await storeWithBodies(
            records, decide: Self.decideItemsScript,
            decideKeys: [
                .init(StylecastKeys.itemIDs), .init(StylecastKeys.itemContent), .init(StylecastKeys.itemsPending),
                .init(StylecastKeys.itemsPendingSince),
            ]
        ) { taken in try await queueItems(taken) }
    }

    /// An item as the store scripts take it.
    static func record(item: Stylecast_V1_FashionItem, fingerprint: String) throws -> Record {
        let entry = IngestedItemEntry([
            .itemID: item.itemID, .source: item.source, .title: item.title, .description: item.description_p,
        ])
        return Record(
            id: item.itemID, fingerprint: fingerprint, bodyKey: StylecastKeys.item(item.itemID),
            body: try item.serializedBytes(), entry: entry.orderedValues.map { RedisArgument($0) })
    }

    /// A search series as the store scripts take it; its fingerprint is its body's SHA-1.
    static func record(series: Stylecast_V1_SearchInterestSeries) throws -> Record {
        let id = SignalPreparation.signalID(series)
        let entry = SignalEntry([
            .signalID: id, .source: series.source, .term: series.term, .geo: series.geo, .group: series.group,
            .points: String(series.points.count),
        ])
        let body: [UInt8] = try series.serializedBytes()
        return Record(
            id: id, fingerprint: SHA1.hexDigest(body), bodyKey: StylecastKeys.signal(id), body: body,
            entry: entry.orderedValues.map { RedisArgument($0) })
    }

    /// Step 3 for items, per partition of their ids: partition 0 shares the registry's slot and
    /// takes each item off the pending list in the script that queues it; another partition
    /// queues each item at most once (its `:queued` set), then the pending entries are removed.
    /// - Returns: One code per record, in order: 0 queued now, 1 queued before.
    func queueItems(_ records: [Record]) async throws -> [Int] {
        try await perPartition(records, id: \.id) { partition, group in
            let stream = RedisArgument(WorkStream.itemsIngested.key(partition: partition))
            let pending = RedisArgument(StylecastKeys.itemsPending), since = RedisArgument(StylecastKeys.itemsPendingSince)
            guard partition != 0 else {
                return try await run(
                    Self.queueItemsScript, keys: [pending, stream, since],
                    arguments: group.flatMap(\.entry), records: group.count, codes: 0...1)
            }
            let codes = try await run(
                Self.queueItemsOnceScript, keys: [.init(StylecastKeys.itemsQueued(partition: partition)), stream],
                arguments: group.flatMap(\.entry), records: group.count, codes: 0...1)
            let ids = group.map { RedisArgument($0.id) }
            try await redis.pipelineFailingOnError([["HDEL", pending] + ids, ["HDEL", since] + ids])
            return codes
        }
    }

    /// Step 3 for search series of one partition.
    func queueSignals(_ records: [Record], partition: Int) async throws -> [Int] {
        try await run(
            Self.queueSignalsScript,
            keys: [
                .init(StylecastKeys.signalsPending(partition: partition)), .init(WorkStream.signals.key(partition: partition)),
                .init(StylecastKeys.signalsPendingSince(partition: partition)),
            ],
            arguments: records.flatMap(\.entry), records: records.count, codes: 0...1)
    }

    /// Runs `body` once per partition that `records` fall in (concurrently) with that partition's
    /// records, and puts the codes it returns back in the records' order.
    func perPartition<Element: Sendable>(
        _ records: [Element], id: any KeyPath<Element, String> & Sendable,
        _ body: @escaping @Sendable (Int, [Element]) async throws -> [Int]
    ) async throws -> [Int] {
        guard partitions.count > 1 else { return try await body(0, records) }
        var groups: [Int: [Int]] = [:]
        for (index, record) in records.enumerated() { groups[partitions.partition(of: record[keyPath: id]), default: []].append(index) }
        var codes = [Int](repeating: 0, count: records.count)
        try await withThrowingTaskGroup(of: ([Int], [Int]).self) { tasks in
            for (partition, indices) in groups {
                let group = indices.map { records[$0] }
                tasks.addTask { (indices, try await body(partition, group)) }
            }
            for try await (indices, groupCodes) in tasks {
                for (index, code) in zip(indices, groupCodes) { codes[index] = code }
            }
        }
        return codes
    }

    /// Stores and queues a batch of normalised interactions (duplicates by `interaction_id`).
    /// - Returns: One outcome per interaction, in order.
    func store(interactions: [Stylecast_V1_Interaction]) async throws -> [Outcome] {
        try await verifyPartitions()
        var entries: [(id: String, values: [RedisArgument])] = []
        entries.reserveCapacity(interactions.count)
        for interaction in interactions {
            let entry = InteractionEntry([
                .interactionID: interaction.interactionID, .userID: interaction.userID, .itemID: interaction.itemID,
                .kind: interaction.kind, .timestamp: String(interaction.timestamp), .rating: String(interaction.rating),
                .quantity: String(interaction.quantity), .price: String(interaction.price), .source: interaction.source,
                .sequence: String(interaction.sequence), .recommendationID: interaction.recommendationID,
            ])
            entries.append((interaction.interactionID, entry.orderedValues.map { RedisArgument($0) }))
        }
        return try await perPartition(entries, id: \.id) { partition, group in
            try await run(
                Self.storeInteractionsScript,
                keys: [
                    .init(StylecastKeys.interactionIDs(partition: partition)),
                    .init(WorkStream.interactions.key(partition: partition)),
                ],
                arguments: group.flatMap(\.values), records: group.count, codes: 0...1)
        }.compactMap(Outcome.init(rawValue:))
    }

    /// Stores and queues a batch of normalised search-interest series (duplicates by id).
    /// - Returns: One outcome per series, in order.
    func store(signals: [Stylecast_V1_SearchInterestSeries]) async throws -> [Outcome] {
        try await verifyPartitions()
        let records = try signals.map(Self.record(series:))
        // Id sets, pending lists and streams per partition: a series' id decides all three.
        return try await perPartition(records, id: \.id) { partition, group in
            try await storeWithBodies(
                group, decide: Self.decideSignalsScript,
                decideKeys: [
                    .init(StylecastKeys.signalIDs(partition: partition)),
                    .init(StylecastKeys.signalsPending(partition: partition)),
                    .init(StylecastKeys.signalsPendingSince(partition: partition)),
                ]
            ) { taken in try await queueSignals(taken, partition: partition) }.map(\.rawValue)
        }.compactMap(Outcome.init(rawValue:))
    }

    /// The stored item with this id.
    /// - Throws: ``ItemNotFound`` when there is none.
    func item(id: String) async throws -> Stylecast_V1_FashionItem {
        let reply = try await redis.send("GET", RedisArgument(StylecastKeys.item(id)))
        guard let bytes = reply.bytes else { throw ItemNotFound(itemID: id) }
        return try Stylecast_V1_FashionItem(serializedBytes: bytes)
    }

    /// One record with a body, as the store scripts take it.
    struct Record: Sendable {
        var id: String
        /// What tells two records with one id apart: the content fingerprint (items), the SHA-1
        /// of the body (series).
        var fingerprint: String
        var bodyKey: String
        var body: [UInt8]
        /// The stream entry's values, the id first.
        var entry: [RedisArgument]
    }

    /// The three steps for records with bodies (the type's documentation).
    /// - Parameter queue: Step 3 for the records taken: one code per record, 0 queued now, 1
    ///   queued before.
    private func storeWithBodies(
        _ records: [Record], decide: RedisScript, decideKeys: [RedisArgument],
        queue: ([Record]) async throws -> [Int]
    ) async throws -> [Outcome] {
        guard !records.isEmpty else { return [] }
        let decided = try await run(
            decide, keys: decideKeys,
            arguments: records.flatMap { [RedisArgument($0.id), RedisArgument($0.fingerprint)] }, records: records.count,
            codes: 0...3)
        var outcomes = decided.map { $0 == Self.resumed ? Outcome.accepted.rawValue : $0 }
        let taken = records.indices.filter { decided[$0] == Outcome.accepted.rawValue || decided[$0] == Self.resumed }
        guard !taken.isEmpty else { return outcomes.compactMap(Outcome.init(rawValue:)) }
        try await redis.pipelineFailingOnError(taken.map {
            ["SET", RedisArgument(records[$0].bodyKey), RedisArgument(records[$0].body)]
        })
        let queued = try await queue(taken.map { records[$0] })
        for (index, code) in zip(taken, queued) { outcomes[index] = code }
        return outcomes.compactMap(Outcome.init(rawValue:))
    }

    /// Runs one of the store scripts over a batch of `records` records (none: no round trip).
    /// - Returns: One code per record, in order, each in `codes`.
    func run(
        _ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument], records: Int,
        codes allowed: ClosedRange<Int> = 0...2
    ) async throws -> [Int] {
        guard records > 0 else { return [] }
        let reply = try await redis.evaluate(script, keys: keys, arguments: arguments)
        let codes = (reply.array ?? []).compactMap { $0.integer.map(Int.init) }.filter(allowed.contains)
        guard codes.count == records else {
            throw RedisError.server("ingest script answered \(codes.count) outcomes for \(records) records")
        }
        return codes
    }

    /// The decide scripts' code for a record that is pending with the same fingerprint: the
    /// same record sent again, to be finished (its body written, then queued).
    static let resumed = 3

    /// Lua shared by the decide scripts: `now`, Redis's clock in ms since 1970 (what
    /// `...:pending-since` holds), and `pendingAgain`: the code for an id that is taken, either
    /// ``resumed`` (pending with the same fingerprint: its time moves on) or a duplicate.
    private static let decidePrelude = """
        local clock = redis.call('TIME')
        local now = tostring(tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000))
        local function pendingAgain(pending, since, id, fingerprint)
          if redis.call('HGET', pending, id) == fingerprint then
            redis.call('HSET', since, id, now)
            return \(resumed)
          end
          return 1
        end
        """

    /// Step 1 for items. KEYS: ids, content, pending, pending-since. ARGV: per item its id and
    /// content fingerprint. Codes: ``Outcome`` raw values, or ``resumed``.
    static let decideItemsScript = RedisScript(
        """
        \(decidePrelude)
        local codes = {}
        for i = 1, #ARGV / 2 do
          local id, fingerprint = ARGV[2 * i - 1], ARGV[2 * i]
          if redis.call('SISMEMBER', KEYS[1], id) == 1 then
            codes[i] = pendingAgain(KEYS[3], KEYS[4], id, fingerprint)
          elseif redis.call('SISMEMBER', KEYS[2], fingerprint) == 1 then
            codes[i] = 2
          else
            redis.call('SADD', KEYS[1], id)
            redis.call('SADD', KEYS[2], fingerprint)
            redis.call('HSET', KEYS[3], id, fingerprint)
            redis.call('HSET', KEYS[4], id, now)
            codes[i] = 0
          end
        end
        return codes
        """)

    /// Step 1 for search series. KEYS: ids, pending, pending-since. ARGV: per series its id and
    /// body's SHA-1.
    static let decideSignalsScript = RedisScript(
        """
        \(decidePrelude)
        local codes = {}
        for i = 1, #ARGV / 2 do
          local id, fingerprint = ARGV[2 * i - 1], ARGV[2 * i]
          if redis.call('SADD', KEYS[1], id) == 0 then
            codes[i] = pendingAgain(KEYS[2], KEYS[3], id, fingerprint)
          else
            redis.call('HSET', KEYS[2], id, fingerprint)
            redis.call('HSET', KEYS[3], id, now)
            codes[i] = 0
          end
        end
        return codes
        """)

    /// Step 3 for items.
    static let queueItemsScript = queuePendingScript(IngestedItemFields.self)
    /// Step 3 for search series.
    static let queueSignalsScript = queuePendingScript(SignalFields.self)

    /// Step 3: queues each record still pending. KEYS: pending, stream, pending-since. ARGV: per
    /// record the entry's values, the id first. Codes: 0 queued here, 1 queued by someone else.
    static func queuePendingScript<Schema: WorkStreamSchema>(_: Schema.Type) -> RedisScript {
        RedisScript(
            """
            local n = \(Schema.Field.allCases.count)
            local codes = {}
            for i = 0, #ARGV / n - 1 do
              local b = i * n
              if redis.call('HDEL', KEYS[1], ARGV[b + 1]) == 1 then
                redis.call('HDEL', KEYS[3], ARGV[b + 1])
                redis.call('XADD', KEYS[2], '*', \(WorkStreamEntry<Schema>.luaFieldArguments(base: "b")))
                codes[i + 1] = 0
              else
                codes[i + 1] = 1
              end
            end
            return codes
            """)
    }

    /// Step 3 for items on a partition other than 0: queues each item not queued there before.
    /// KEYS: the partition's `:queued` set, its stream.
    static let queueItemsOnceScript = queueNewIDsScript(IngestedItemFields.self)

    /// Queues interactions, duplicates by `interaction_id`. KEYS: ids, stream.
    static let storeInteractionsScript = queueNewIDsScript(InteractionFields.self)

    /// Queues each record whose id `SADD` adds to KEYS[1] on the stream KEYS[2]. ARGV: per record
    /// the entry's values, the id first. Codes: 0 queued here, 1 the id was there before.
    static func queueNewIDsScript<Schema: WorkStreamSchema>(_: Schema.Type) -> RedisScript {
        RedisScript(
            """
            local n = \(Schema.Field.allCases.count)
            local codes = {}
            for i = 0, #ARGV / n - 1 do
              local b = i * n
              if redis.call('SADD', KEYS[1], ARGV[b + 1]) == 1 then
                redis.call('XADD', KEYS[2], '*', \(WorkStreamEntry<Schema>.luaFieldArguments(base: "b")))
                codes[i + 1] = 0
              else
                codes[i + 1] = 1
              end
            end
            return codes
            """)
    }
}

/// A flag set once, shared by the copies of a value type.
private final class SharedFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// `GetItem` of an id that was never stored.
struct ItemNotFound: StylecastError, Equatable {
    var itemID: String
    var failureKind: FailureKind { .notFound }
    var description: String { "item_id: no item \"\(itemID)\" is stored (ids look like \"myntra:15970\")" }
}
