import StylecastCalendar
import StylecastContracts
import StylecastRedis
import StylecastTrends

/// The weekly series in Redis (docs/architecture.md, "Redis key layout", lists the keys). An
/// attribute's keys are on its trend partition (``StylecastKeys/Trends``), the totals and sets
/// kept per source under `{trends}`; one entry's writes are applied once per tag, each tag's
/// with an idempotency marker of its own, by one Lua script (``TagGroupedApplier``).
struct TrendSeriesStore: Sendable {
    static let sourcesKey = StylecastKeys.Trends.sources
    /// Example items kept per market and attribute (the latest released).
    static let examplesKept = 200

    static func totalsKey(_ source: TrendSource) -> String {
        StylecastKeys.Trends.totals(measure: source.measure.rawValue, source: source.source, market: source.market)
    }

    let redis: RedisClient
    /// How many trend partitions the keys are split into: the stream partitions' count.
    let partitions: StreamPartitions

    init(redis: RedisClient, partitions: StreamPartitions) {
        self.redis = redis
        self.partitions = partitions
    }

    /// The set listing the series on the trend partition of `attribute`.
    func topicsKey(_ attribute: TrendAttribute) -> String {
        StylecastKeys.Trends.topics(
            partition: StylecastKeys.Trends.partition(kind: attribute.kind, value: attribute.value, of: partitions))
    }

    func seriesKey(_ topic: TrendTopic) -> String {
        StylecastKeys.Trends.series(
            measure: topic.source.measure.rawValue, source: topic.source.source, market: topic.source.market,
            kind: topic.attribute.kind, value: topic.attribute.value, partitions: partitions)
    }

    func seriesCountKey(_ topic: TrendTopic) -> String {
        StylecastKeys.Trends.seriesCount(
            measure: topic.source.measure.rawValue, source: topic.source.source, market: topic.source.market,
            kind: topic.attribute.kind, value: topic.attribute.value, partitions: partitions)
    }

    func examplesKey(market: String, attribute: TrendAttribute) -> String {
        StylecastKeys.Trends.examples(market: market, kind: attribute.kind, value: attribute.value, partitions: partitions)
    }

    // MARK: - Writes (applied by the aggregator through TagGroupedApplier)

    /// The writes that add `amount` to the source's total at `week`: once per record. They raise
    /// partition 0's view version (``viewVersion()``).
    static func totalIncrement(_ source: TrendSource, week: CivilDay, amount: Double) -> [RedisWrite] {
        [
            RedisWrite(["INCR", .key(StylecastKeys.Trends.viewVersion(partition: 0))]),
            RedisWrite(["SADD", .key(sourcesKey), .argument(RedisArgument(source.member))]),
            RedisWrite([
                "HINCRBYFLOAT", .key(totalsKey(source)), .argument(RedisArgument(week.iso)),
                .argument(RedisArgument(String(amount))),
            ]),
        ]
    }

    /// The writes that add `amount` at `week` to each attribute's series of `source` (and, for
    /// `interest`, 1 to the week's count of series summed), raising the view version of each
    /// partition written to (``viewVersion()``).
    func increments(_ source: TrendSource, attributes: [TrendAttribute], week: CivilDay, amount: Double) -> [RedisWrite] {
        let written = Set(attributes.map { StylecastKeys.Trends.partition(kind: $0.kind, value: $0.value, of: partitions) })
        let versions = written.sorted().map { RedisWrite(["INCR", .key(StylecastKeys.Trends.viewVersion(partition: $0))]) }
        return versions + attributes.flatMap { attribute -> [RedisWrite] in
            let topic = TrendTopic(source: source, attribute: attribute)
            var writes = [
                RedisWrite(["SADD", .key(topicsKey(attribute)), .argument(RedisArgument(topic.member))]),
                RedisWrite([
                    "HINCRBYFLOAT", .key(seriesKey(topic)), .argument(RedisArgument(week.iso)),
                    .argument(RedisArgument(String(amount))),
                ]),
            ]
            if source.measure == .interest {
                writes.append(RedisWrite(["HINCRBY", .key(seriesCountKey(topic)), .argument(RedisArgument(week.iso)), 1]))
            }
            return writes
        }
    }

    /// The writes that list `itemID` as an example of each attribute in `market`, keeping the
    /// latest ``examplesKept``.
    func examples(itemID: String, market: String, attributes: [TrendAttribute], releaseDay: CivilDay) -> [RedisWrite] {
        attributes.flatMap { attribute -> [RedisWrite] in
            let key = examplesKey(market: market, attribute: attribute)
            return [
                RedisWrite([
                    "ZADD", .key(key), .argument(RedisArgument(releaseDay.daysSinceEpoch)), .argument(RedisArgument(itemID)),
                ]),
                RedisWrite(["ZREMRANGEBYRANK", .key(key), 0, .argument(RedisArgument(-Self.examplesKept - 1))]),
            ]
        }
    }

    // MARK: - Reads

    /// The view version of every trend partition, in partition order: what an entry's writes
    /// raise, so that a view built at one version is current while none has changed.
    func viewVersion() async throws -> [Int64] {
        let replies = try await redis.pipelineFailingOnError(
            partitions.all.map { ["GET", RedisArgument(StylecastKeys.Trends.viewVersion(partition: $0))] })
        return replies.map { $0.string.flatMap { Int64($0) } ?? 0 }
    }

    /// Every source with data.
    func sources() async throws -> [TrendSource] {
        let reply = try await redis.send("SMEMBERS", RedisArgument(Self.sourcesKey))
        return (reply.array ?? []).compactMap { $0.string.flatMap(TrendSource.init(member:)) }.sorted()
    }

    /// Every series, of every trend partition.
    func topics() async throws -> [TrendTopic] {
        let replies = try await redis.pipelineFailingOnError(
            partitions.all.map { ["SMEMBERS", RedisArgument(StylecastKeys.Trends.topics(partition: $0))] })
        return replies.flatMap { reply in
            (reply.array ?? []).compactMap { $0.string.flatMap(TrendTopic.init(member:)) }
        }.sorted()
    }

    /// Each source's weekly totals.
    func totals(of sources: [TrendSource]) async throws -> [TrendSource: [CivilDay: Double]] {
        var result: [TrendSource: [CivilDay: Double]] = [:]
        for start in stride(from: 0, to: sources.count, by: Self.batch) {
            let chunk = Array(sources[start..<min(start + Self.batch, sources.count)])
            let replies = try await redis.pipelineFailingOnError(chunk.map { ["HGETALL", RedisArgument(Self.totalsKey($0))] })
            for (source, reply) in zip(chunk, replies) { result[source] = Self.weekValues(reply) }
        }
        return result
    }

    /// Each series' weekly amounts: events for count measures, the mean over the search series
    /// summed for `interest`.
    func amounts(of topics: [TrendTopic]) async throws -> [TrendTopic: [CivilDay: Double]] {
        var result: [TrendTopic: [CivilDay: Double]] = [:]
        for start in stride(from: 0, to: topics.count, by: Self.batch) {
            let chunk = Array(topics[start..<min(start + Self.batch, topics.count)])
            let commands = chunk.flatMap { topic -> [[RedisArgument]] in
                var commands: [[RedisArgument]] = [["HGETALL", RedisArgument(seriesKey(topic))]]
                if topic.source.measure == .interest { commands.append(["HGETALL", RedisArgument(seriesCountKey(topic))]) }
                return commands
            }
            let replies = try await redis.pipelineFailingOnError(commands)
            var index = 0
            for topic in chunk {
                var values = Self.weekValues(replies[index])
                index += 1
                if topic.source.measure == .interest {
                    let counts = Self.weekValues(replies[index])
                    index += 1
                    for (week, sum) in values { values[week] = sum / max(counts[week] ?? 1, 1) }
                }
                result[topic] = values
            }
        }
        return result
    }

    /// Up to `limit` example items of an attribute in a market released up to `day`, latest first,
    /// with their release days.
    func examples(market: String, attribute: TrendAttribute, releasedBy day: CivilDay, limit: Int) async throws
        -> [(itemID: String, released: CivilDay)]
    {
        let reply = try await redis.send(
            "ZREVRANGEBYSCORE", RedisArgument(examplesKey(market: market, attribute: attribute)),
            RedisArgument(day.daysSinceEpoch), "-inf", "WITHSCORES", "LIMIT", "0", RedisArgument(limit))
        let flat = reply.array ?? []
        return stride(from: 0, to: flat.count - 1, by: 2).compactMap { index in
            guard let id = flat[index].string, let score = flat[index + 1].string.flatMap(Int.init) else { return nil }
            return (id, CivilDay(daysSinceEpoch: score))
        }
    }

    /// Commands per pipeline round trip.
    private static let batch = 500

    private static func weekValues(_ reply: RedisValue) -> [CivilDay: Double] {
        let flat = (reply.array ?? []).compactMap(\.string)
        var values: [CivilDay: Double] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            guard let week = CivilDay(iso: flat[index]), let value = Double(flat[index + 1]) else { continue }
            values[week] = value
        }
        return values
    }
}
