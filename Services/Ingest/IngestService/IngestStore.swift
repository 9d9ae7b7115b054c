import StylecastContracts
import StylecastErrors
import StylecastProto
import StylecastRedis
import SwiftProtobuf

/// Where ingest keeps what it accepted, and how it queues it for the next stage: each item's
/// body at `StylecastKeys.item(_:)` and an ``IngestedItemEntry`` on `stylecast:{items.ingested}`,
/// each interaction as an ``InteractionEntry`` on `stylecast:{interactions}`, each search series'
/// body at `StylecastKeys.signal(_:)` and a ``SignalEntry`` on `stylecast:{signals}`; the ids (and
/// the items' content fingerprints, ``ContentFingerprint``) in sets beside each stream
/// (StylecastContracts defines every key and field).
///
/// Each batch is decided by one Lua script: for each record in order, "id seen?" (also earlier in
/// the same batch), "content seen?", else remember both, write the record's body and append the
/// stream entry. All of it is one atomic step, so a batch is queued whole or not at all, a record
/// is queued at most once however often it is sent, and a queued record always has its own body:
/// two records with one id in a batch, or two clients sending the same batch, cannot leave a
/// queued id without its body or with another record's. The script touches the bodies' keys
/// (`stylecast:item:{<id>}`, one slot each) beside the batch keys (`{items.ingested}`): it runs
/// on one Redis primary, not across Redis Cluster slots.
struct IngestStore: Sendable {
    /// What happened to one record of a batch.
    enum Outcome: Int, Sendable {
        case accepted = 0
        case duplicateID = 1
        case duplicateContent = 2
    }

    let redis: RedisClient

    /// Stores and queues a batch of normalised items.
    /// - Returns: One outcome per item, in order.
    func store(items: [(item: Stylecast_V1_FashionItem, fingerprint: String)]) async throws -> [Outcome] {
        var keys: [RedisArgument] = [
            .init(StylecastKeys.itemIDs), .init(StylecastKeys.itemContent), .init(IngestedItemEntry.stream.key),
        ]
        var arguments: [RedisArgument] = []
        arguments.reserveCapacity(items.count * Self.itemArgumentCount)
        for (item, fingerprint) in items {
            keys.append(RedisArgument(StylecastKeys.item(item.itemID)))
            let entry = IngestedItemEntry([
                .itemID: item.itemID, .source: item.source, .title: item.title, .description: item.description_p,
            ])
            arguments += entry.orderedValues.map { RedisArgument($0) }
            arguments += [RedisArgument(fingerprint), RedisArgument(try item.serializedBytes() as [UInt8])]
        }
        return try await run(Self.storeItemsScript, keys: keys, arguments: arguments, records: items.count)
    }

    /// Stores and queues a batch of normalised interactions (duplicates by `interaction_id`).
    /// - Returns: One outcome per interaction, in order.
    func store(interactions: [Stylecast_V1_Interaction]) async throws -> [Outcome] {
        var arguments: [RedisArgument] = []
        arguments.reserveCapacity(interactions.count * InteractionEntry.Field.allCases.count)
        for interaction in interactions {
            let entry = InteractionEntry([
                .interactionID: interaction.interactionID, .userID: interaction.userID, .itemID: interaction.itemID,
                .kind: interaction.kind, .timestamp: String(interaction.timestamp), .rating: String(interaction.rating),
                .quantity: String(interaction.quantity), .price: String(interaction.price), .source: interaction.source,
                .sequence: String(interaction.sequence),
            ])
            arguments += entry.orderedValues.map { RedisArgument($0) }
        }
        return try await run(
            Self.storeInteractionsScript, keys: [.init(StylecastKeys.interactionIDs), .init(InteractionEntry.stream.key)],
            arguments: arguments, records: interactions.count)
    }

    /// Stores and queues a batch of normalised search-interest series (duplicates by id).
    /// - Returns: One outcome per series, in order.
    func store(signals: [Stylecast_V1_SearchInterestSeries]) async throws -> [Outcome] {
        var keys: [RedisArgument] = [.init(StylecastKeys.signalIDs), .init(SignalEntry.stream.key)]
        var arguments: [RedisArgument] = []
        for series in signals {
            let id = SignalPreparation.signalID(series)
            keys.append(RedisArgument(StylecastKeys.signal(id)))
            let entry = SignalEntry([
                .signalID: id, .source: series.source, .term: series.term, .geo: series.geo, .group: series.group,
                .points: String(series.points.count),
            ])
            arguments += entry.orderedValues.map { RedisArgument($0) }
            arguments.append(RedisArgument(try series.serializedBytes() as [UInt8]))
        }
        return try await run(Self.storeSignalsScript, keys: keys, arguments: arguments, records: signals.count)
    }

    /// The stored item with this id.
    /// - Throws: ``ItemNotFound`` when there is none.
    func item(id: String) async throws -> Stylecast_V1_FashionItem {
        let reply = try await redis.send("GET", RedisArgument(StylecastKeys.item(id)))
        guard let bytes = reply.bytes else { throw ItemNotFound(itemID: id) }
        return try Stylecast_V1_FashionItem(serializedBytes: bytes)
    }

    /// Runs one of the store scripts over a batch of `records` records (none: no round trip).
    /// - Returns: One outcome per record, in order.
    private func run(
        _ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument], records: Int
    ) async throws -> [Outcome] {
        guard records > 0 else { return [] }
        let reply = try await redis.evaluate(script, keys: keys, arguments: arguments)
        let codes = (reply.array ?? []).compactMap { $0.integer.flatMap { Outcome(rawValue: Int($0)) } }
        guard codes.count == records else {
            throw RedisError.server("ingest script answered \(codes.count) outcomes for \(records) records")
        }
        return codes
    }

    /// Script arguments per item: the entry's values, then the content fingerprint and the body.
    static let itemArgumentCount = IngestedItemEntry.Field.allCases.count + 2

    // KEYS: ids, content, stream, then each item's body key. ARGV: per item the entry's values
    // (item_id first), the fingerprint, the body.
    static let storeItemsScript = RedisScript(
        """
        local n = \(itemArgumentCount)
        local codes = {}
        for i = 0, #ARGV / n - 1 do
          local b = i * n
          local id, fingerprint = ARGV[b + 1], ARGV[b + n - 1]
          if redis.call('SISMEMBER', KEYS[1], id) == 1 then
            codes[i + 1] = 1
          elseif redis.call('SISMEMBER', KEYS[2], fingerprint) == 1 then
            codes[i + 1] = 2
          else
            redis.call('SADD', KEYS[1], id)
            redis.call('SADD', KEYS[2], fingerprint)
            redis.call('SET', KEYS[4 + i], ARGV[b + n])
            redis.call('XADD', KEYS[3], '*', \(IngestedItemEntry.luaFieldArguments(base: "b")))
            codes[i + 1] = 0
          end
        end
        return codes
        """)

    /// Stores interactions, duplicates by `interaction_id` (no body).
    static let storeInteractionsScript = storeNewRecordsScript(InteractionFields.self, withBodies: false)
    /// Stores search-interest series, duplicates by `signal_id`, each body at its own key.
    static let storeSignalsScript = storeNewRecordsScript(SignalFields.self, withBodies: true)

    /// The script that queues the records of a batch whose id is new. KEYS: ids, stream, then
    /// (`withBodies`) each record's body key. ARGV: per record the entry's values (the id first),
    /// then (`withBodies`) its body.
    static func storeNewRecordsScript<Schema: WorkStreamSchema>(_: Schema.Type, withBodies: Bool) -> RedisScript {
        RedisScript(
            """
            local n = \(Schema.Field.allCases.count + (withBodies ? 1 : 0))
            local codes = {}
            for i = 0, #ARGV / n - 1 do
              local b = i * n
              if redis.call('SADD', KEYS[1], ARGV[b + 1]) == 0 then
                codes[i + 1] = 1
              else
                \(withBodies ? "redis.call('SET', KEYS[3 + i], ARGV[b + n])" : "-- no body")
                redis.call('XADD', KEYS[2], '*', \(WorkStreamEntry<Schema>.luaFieldArguments(base: "b")))
                codes[i + 1] = 0
              end
            end
            return codes
            """)
    }
}

/// `GetItem` of an id that was never stored.
struct ItemNotFound: StylecastError, Equatable {
    var itemID: String
    var failureKind: FailureKind { .notFound }
    var description: String { "item_id: no item \"\(itemID)\" is stored (ids look like \"myntra:15970\")" }
}
