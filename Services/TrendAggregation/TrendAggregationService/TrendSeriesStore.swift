import StylecastProto
import StylecastRedis

/// The weekly attribute series in Redis. Every key carries the hash tag `{trends}`, so one
/// entry's increments and its idempotency marker go through one Lua script (Redis Cluster ready).
///
/// | key | type | holds |
/// |---|---|---|
/// | `stylecast:{trends}:attributes` | set | every `kind:value` that has a series |
/// | `stylecast:{trends}:series:<measure>:<kind>:<value>` | hash | week (Monday) -> amount |
/// | `stylecast:{trends}:series:signal-count:<kind>:<value>` | hash | week -> number of search series summed in `signal` |
struct TrendSeriesStore: Sendable {
    static let attributesKey = "stylecast:{trends}:attributes"

    static func seriesKey(_ measure: TrendMeasure, _ attribute: TrendAttribute) -> String {
        "stylecast:{trends}:series:\(measure.rawValue):\(attribute.kind):\(attribute.value)"
    }

    static func signalCountKey(_ attribute: TrendAttribute) -> String {
        "stylecast:{trends}:series:signal-count:\(attribute.kind):\(attribute.value)"
    }

    let redis: RedisClient

    /// The writes that add `amount` to an attribute's series at `week`.
    static func increments(_ measure: TrendMeasure, attributes: [TrendAttribute], week: String, amount: Double)
        -> [RedisWrite]
    {
        attributes.flatMap { attribute -> [RedisWrite] in
            var writes = [
                RedisWrite(["SADD", .key(attributesKey), .argument(RedisArgument(attribute.key))]),
                RedisWrite([
                    "HINCRBYFLOAT", .key(seriesKey(measure, attribute)), .argument(RedisArgument(week)),
                    .argument(RedisArgument(String(amount))),
                ]),
            ]
            if measure == .signal {
                writes.append(
                    RedisWrite(["HINCRBY", .key(signalCountKey(attribute)), .argument(RedisArgument(week)), 1]))
            }
            return writes
        }
    }

    /// Every attribute that has a series.
    func attributes() async throws -> [TrendAttribute] {
        let reply = try await redis.send("SMEMBERS", RedisArgument(Self.attributesKey))
        return (reply.array ?? []).compactMap { $0.string.flatMap(TrendAttribute.init(key:)) }.sorted()
    }

    /// The measures an attribute has data for, in ``TrendMeasure/precedence`` order.
    func measures(of attribute: TrendAttribute) async throws -> [TrendMeasure] {
        let replies = try await redis.pipeline(
            TrendMeasure.precedence.map { ["HLEN", RedisArgument(Self.seriesKey($0, attribute))] })
        return zip(TrendMeasure.precedence, replies).filter { ($1.integer ?? 0) > 0 }.map(\.0)
    }

    /// An attribute's weekly series of one measure, every week from its first to its last
    /// (weeks without data are 0; `signal` is the mean over the search series summed).
    func series(_ measure: TrendMeasure, of attribute: TrendAttribute) async throws -> [Stylecast_V1_SeriesPoint] {
        var commands: [[RedisArgument]] = [["HGETALL", RedisArgument(Self.seriesKey(measure, attribute))]]
        if measure == .signal { commands.append(["HGETALL", RedisArgument(Self.signalCountKey(attribute))]) }
        let replies = try await redis.pipeline(commands)
        let sums = Self.weekValues(replies[0])
        let counts = measure == .signal ? Self.weekValues(replies[1]) : [:]
        guard let first = sums.keys.min(), let last = sums.keys.max() else { return [] }
        return TrendWeek.range(from: first, through: last).map { week in
            .with {
                $0.week = week
                let sum = sums[week] ?? 0
                $0.value = measure == .signal ? sum / max(counts[week] ?? 1, 1) : sum
            }
        }
    }

    private static func weekValues(_ reply: RedisValue) -> [String: Double] {
        let flat = (reply.array ?? []).compactMap(\.string)
        var values: [String: Double] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) { values[flat[index]] = Double(flat[index + 1]) ?? 0 }
        return values
    }
}
