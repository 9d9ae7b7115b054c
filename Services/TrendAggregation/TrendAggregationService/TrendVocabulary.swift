import Logging
import StylecastContracts
import StylecastRedis
import Synchronization

/// Bounds the attribute values that become series, so that what sources send cannot grow the
/// trend keys without limit: a value longer than ``maximumValueBytes`` never gets a series, and
/// each kind (category, color, material, term, ...) admits at most `maximumValuesPerKind`
/// distinct values (`STYLECAST_TRENDS_MAX_VALUES_PER_KIND`). Values already admitted stay
/// admitted; a new value of a full kind is not counted (the record's other attributes are).
///
/// Admitted values live in `stylecast:{trends}:values:<kind>` (a set), written by the same
/// script as the entry's increments. Replicas check the set before that script, so concurrent
/// consumers may admit a few values past the limit: at most one entry's new values each.
final class TrendVocabulary: Sendable {
    /// The longest value, in UTF-8 bytes, that gets a series.
    static let maximumValueBytes = 64

    let redis: RedisClient
    let maximumValuesPerKind: Int
    private let logger: Logger
    private let warnedKinds = Mutex<Set<String>>([])

    init(redis: RedisClient, maximumValuesPerKind: Int, logger: Logger) {
        self.redis = redis
        self.maximumValuesPerKind = maximumValuesPerKind
        self.logger = logger
    }

    static func valuesKey(kind: String) -> String { StylecastKeys.Trends.values(kind: kind) }

    /// The attributes that may have a series, and the writes that record the values admitted now.
    /// - Parameter attributes: An entry's attributes.
    func admit(_ attributes: [TrendAttribute]) async throws -> (attributes: [TrendAttribute], writes: [RedisWrite]) {
        let (admitted, writes) = try await admitted(attributes)
        return (attributes.filter { admitted.contains($0) }, writes)
    }

    /// ``admit(_:)`` for the attributes of several entries at once (one Redis round trip): the
    /// set admitted, in the order the attributes come, as admitting each entry's in turn would.
    /// - Parameter attributes: The entries' attributes, in order.
    /// - Returns: Which attributes may have a series, and the writes that record those admitted now.
    func admitted(_ attributes: [TrendAttribute]) async throws -> (admitted: Set<TrendAttribute>, writes: [RedisWrite]) {
        var seen = Set<TrendAttribute>()
        let candidates = attributes.filter {
            !$0.value.isEmpty && $0.value.utf8.count <= Self.maximumValueBytes && seen.insert($0).inserted
        }
        guard !candidates.isEmpty else { return ([], []) }
        var kinds: [String] = []
        var valuesByKind: [String: [String]] = [:]
        for attribute in candidates {
            if valuesByKind[attribute.kind] == nil { kinds.append(attribute.kind) }
            valuesByKind[attribute.kind, default: []].append(attribute.value)
        }
        var commands: [[RedisArgument]] = []
        for kind in kinds {
            let key = RedisArgument(Self.valuesKey(kind: kind))
            commands.append(["SMISMEMBER", key] + valuesByKind[kind]!.map { RedisArgument($0) })
            commands.append(["SCARD", key])
        }
        let replies = try await redis.pipelineFailingOnError(commands)
        var admitted = Set<TrendAttribute>()
        var writes: [RedisWrite] = []
        for (index, kind) in kinds.enumerated() {
            let values = valuesByKind[kind]!
            let known = replies[2 * index].array?.map { $0.integer == 1 } ?? []
            var count = Int(replies[2 * index + 1].integer ?? 0)
            for (position, value) in values.enumerated() {
                let attribute = TrendAttribute(kind: kind, value: value)
                if position < known.count, known[position] {
                    admitted.insert(attribute)
                } else if count < maximumValuesPerKind {
                    admitted.insert(attribute)
                    count += 1
                    writes.append(RedisWrite(["SADD", .key(Self.valuesKey(kind: kind)), .argument(RedisArgument(value))]))
                } else if warnedKinds.withLock({ $0.insert(kind).inserted }) {
                    logger.warning(
                        "trend vocabulary full: new values of this kind get no series",
                        metadata: [
                            "kind": "\(kind)", "limit": "\(maximumValuesPerKind)",
                            "setting": "STYLECAST_TRENDS_MAX_VALUES_PER_KIND", "first_refused": "\(value)",
                        ])
                }
            }
        }
        return (admitted, writes)
    }
}
