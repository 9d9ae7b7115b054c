import StylecastErrors
import StylecastProto
import StylecastRedis
import SwiftProtobuf

/// Where ingest keeps what it accepted, and how it queues it for the next stage.
///
/// | key | type | holds |
/// |---|---|---|
/// | `stylecast:item:{<item_id>}` | string | the item, binary protobuf (`FashionItem`) |
/// | `stylecast:{items.ingested}` | stream | one entry per accepted item: `item_id`, `source`, `title`, `description` |
/// | `stylecast:{items.ingested}:ids` | set | item ids stored |
/// | `stylecast:{items.ingested}:content` | set | content fingerprints stored (``ContentFingerprint``) |
/// | `stylecast:{interactions}` | stream | one entry per accepted interaction, every field of `Interaction` |
/// | `stylecast:{interactions}:ids` | set | interaction ids stored |
/// | `stylecast:signal:{<signal_id>}` | string | a search-interest series, binary protobuf |
/// | `stylecast:{signals}` | stream | one entry per accepted series: `signal_id`, `source`, `term`, `geo`, `group`, `points` |
/// | `stylecast:{signals}:ids` | set | series ids stored |
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
    /// The stream of accepted items, consumed by text-embedding.
    static let itemStream = "stylecast:{items.ingested}"
    static let itemIDs = "stylecast:{items.ingested}:ids"
    static let itemContent = "stylecast:{items.ingested}:content"
    /// The stream of accepted interactions, consumed by recommendation and trend-aggregation.
    static let interactionStream = "stylecast:{interactions}"
    static let interactionIDs = "stylecast:{interactions}:ids"
    /// The stream of accepted search-interest series, consumed by trend-aggregation.
    static let signalStream = "stylecast:{signals}"
    static let signalIDs = "stylecast:{signals}:ids"

    /// The key of an item's body.
    static func itemKey(_ itemID: String) -> String { "stylecast:item:{\(itemID)}" }
    /// The key of a series' body.
    static func signalKey(_ signalID: String) -> String { "stylecast:signal:{\(signalID)}" }

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
        guard !items.isEmpty else { return [] }
        var keys: [RedisArgument] = [.init(Self.itemIDs), .init(Self.itemContent), .init(Self.itemStream)]
        var arguments: [RedisArgument] = []
        arguments.reserveCapacity(items.count * 6)
        for (item, fingerprint) in items {
            keys.append(RedisArgument(Self.itemKey(item.itemID)))
            arguments += [
                RedisArgument(item.itemID), RedisArgument(fingerprint), RedisArgument(item.title),
                RedisArgument(item.description_p), RedisArgument(item.source),
                RedisArgument(try item.serializedBytes() as [UInt8]),
            ]
        }
        return try Self.outcomes(
            try await redis.evaluate(Self.storeItemsScript, keys: keys, arguments: arguments), expected: items.count)
    }

    /// Stores and queues a batch of normalised interactions (duplicates by `interaction_id`).
    /// - Returns: One outcome per interaction, in order.
    func store(interactions: [Stylecast_V1_Interaction]) async throws -> [Outcome] {
        guard !interactions.isEmpty else { return [] }
        var arguments: [RedisArgument] = []
        arguments.reserveCapacity(interactions.count * 10)
        for interaction in interactions {
            arguments += [
                RedisArgument(interaction.interactionID), RedisArgument(interaction.userID),
                RedisArgument(interaction.itemID), RedisArgument(interaction.kind),
                RedisArgument(interaction.timestamp), RedisArgument(String(interaction.rating)),
                RedisArgument(String(interaction.quantity)), RedisArgument(String(interaction.price)),
                RedisArgument(interaction.source), RedisArgument(interaction.sequence),
            ]
        }
        return try Self.outcomes(
            try await redis.evaluate(
                Self.storeInteractionsScript, keys: [.init(Self.interactionIDs), .init(Self.interactionStream)],
                arguments: arguments),
            expected: interactions.count)
    }

    /// Stores and queues a batch of normalised search-interest series (duplicates by id).
    /// - Returns: One outcome per series, in order.
    func store(signals: [Stylecast_V1_SearchInterestSeries]) async throws -> [Outcome] {
        guard !signals.isEmpty else { return [] }
        var keys: [RedisArgument] = [.init(Self.signalIDs), .init(Self.signalStream)]
        var arguments: [RedisArgument] = []
        for series in signals {
            let id = SignalPreparation.signalID(series)
            keys.append(RedisArgument(Self.signalKey(id)))
            arguments += [
                RedisArgument(id), RedisArgument(series.source), RedisArgument(series.term), RedisArgument(series.geo),
                RedisArgument(series.group), RedisArgument(series.points.count),
                RedisArgument(try series.serializedBytes() as [UInt8]),
            ]
        }
        return try Self.outcomes(
            try await redis.evaluate(Self.storeSignalsScript, keys: keys, arguments: arguments), expected: signals.count)
    }

    /// The stored item with this id.
    /// - Throws: ``ItemNotFound`` when there is none.
    func item(id: String) async throws -> Stylecast_V1_FashionItem {
        let reply = try await redis.send("GET", RedisArgument(Self.itemKey(id)))
        guard let bytes = reply.bytes else { throw ItemNotFound(itemID: id) }
        return try Stylecast_V1_FashionItem(serializedBytes: bytes)
    }

    private static func outcomes(_ reply: RedisValue, expected: Int) throws -> [Outcome] {
        let codes = (reply.array ?? []).compactMap { $0.integer.flatMap { Outcome(rawValue: Int($0)) } }
        guard codes.count == expected else {
            throw RedisError.server("ingest script answered \(codes.count) outcomes for \(expected) records")
        }
        return codes
    }

    // KEYS: ids, content, stream, then each item's body key. ARGV: per item id, fingerprint, title,
    // description, source, body.
    static let storeItemsScript = RedisScript(
        """
        local codes = {}
        for i = 0, #ARGV / 6 - 1 do
          local b = i * 6
          local id, fingerprint = ARGV[b + 1], ARGV[b + 2]
          if redis.call('SISMEMBER', KEYS[1], id) == 1 then
            codes[i + 1] = 1
          elseif redis.call('SISMEMBER', KEYS[2], fingerprint) == 1 then
            codes[i + 1] = 2
          else
            redis.call('SADD', KEYS[1], id)
            redis.call('SADD', KEYS[2], fingerprint)
            redis.call('SET', KEYS[4 + i], ARGV[b + 6])
            redis.call('XADD', KEYS[3], '*', 'item_id', id, 'source', ARGV[b + 5],
              'title', ARGV[b + 3], 'description', ARGV[b + 4])
            codes[i + 1] = 0
          end
        end
        return codes
        """)

    // KEYS: ids, stream. ARGV: per interaction the ten fields below.
    static let storeInteractionsScript = RedisScript(
        """
        local codes = {}
        for i = 0, #ARGV / 10 - 1 do
          local b = i * 10
          if redis.call('SADD', KEYS[1], ARGV[b + 1]) == 0 then
            codes[i + 1] = 1
          else
            redis.call('XADD', KEYS[2], '*', 'interaction_id', ARGV[b + 1], 'user_id', ARGV[b + 2],
              'item_id', ARGV[b + 3], 'kind', ARGV[b + 4], 'timestamp', ARGV[b + 5], 'rating', ARGV[b + 6],
              'quantity', ARGV[b + 7], 'price', ARGV[b + 8], 'source', ARGV[b + 9], 'sequence', ARGV[b + 10])
            codes[i + 1] = 0
          end
        end
        return codes
        """)

    // KEYS: ids, stream, then each series' body key. ARGV: per series id, source, term, geo, group,
    // point count, body.
    static let storeSignalsScript = RedisScript(
        """
        local codes = {}
        for i = 0, #ARGV / 7 - 1 do
          local b = i * 7
          if redis.call('SADD', KEYS[1], ARGV[b + 1]) == 0 then
            codes[i + 1] = 1
          else
            redis.call('SET', KEYS[3 + i], ARGV[b + 7])
            redis.call('XADD', KEYS[2], '*', 'signal_id', ARGV[b + 1], 'source', ARGV[b + 2], 'term', ARGV[b + 3],
              'geo', ARGV[b + 4], 'group', ARGV[b + 5], 'points', ARGV[b + 6])
            codes[i + 1] = 0
          end
        end
        return codes
        """)
}

/// `GetItem` of an id that was never stored.
struct ItemNotFound: StylecastError, Equatable {
    var itemID: String
    var failureKind: FailureKind { .notFound }
    var description: String { "item_id: no item \"\(itemID)\" is stored (ids look like \"myntra:15970\")" }
}
