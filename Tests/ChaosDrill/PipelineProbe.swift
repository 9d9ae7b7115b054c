import Foundation
import StylecastContracts
import StylecastRedis

/// The work streams, their consumer groups and the id sets, as StylecastContracts names them,
/// read straight from Redis.
///
/// With `STYLECAST_STREAM_PARTITIONS` (scripts/chaos.sh --partitions, passed on to the services)
/// each stream has that many partitions: ``ingested`` and the like name partition 0 (the faults'
/// triggers), ``streams`` every partition, and ``PipelineProbe/counts()`` sums the partitions of
/// each under partition 0's name.
enum Keys {
    /// The drill's partition count, from its environment (which the services inherit).
    static let partitions = (try? StreamPartitions(environment: ProcessInfo.processInfo.environment)) ?? .single

    static let ingested = WorkStream.itemsIngested.key
    static let embedded = WorkStream.itemsEmbedded.key
    static let interactions = WorkStream.interactions.key
    static let signals = WorkStream.signals.key
    /// Every partition of every stream.
    static let streams = WorkStream.allCases.flatMap { $0.keys(partitions) }

    /// The groups that must consume each stream (each partition).
    static let groups: [(stream: String, group: String)] = ConsumerGroup.allCases.flatMap { group in
        group.streams.flatMap { stream in stream.keys(partitions).map { ($0, group.rawValue) } }
    }

    /// The id sets of a kind, one per partition (items: one for every partition).
    static func idSets(_ kind: DataFile.Kind) -> [String] {
        switch kind {
        case .items: [StylecastKeys.itemIDs]
        case .interactions: partitions.all.map { StylecastKeys.interactionIDs(partition: $0) }
        case .signals: partitions.all.map { StylecastKeys.signalIDs(partition: $0) }
        }
    }

    /// The partition-0 name a stream partition's counts are summed under.
    static func base(_ stream: String) -> String {
        WorkStream.partition(named: stream).map(\.stream.key) ?? stream
    }

    static let itemIDs = StylecastKeys.itemIDs
    static let interactionIDs = StylecastKeys.interactionIDs
    static let signalIDs = StylecastKeys.signalIDs
    /// trend-aggregation's sources (`measure|source|market`) and each one's weekly totals.
    static let trendSources = StylecastKeys.Trends.sources
    /// trend-aggregation's series (`measure|source|market|kind|value`), one set per trend partition.
    static var trendTopics: [String] { partitions.all.map { StylecastKeys.Trends.topics(partition: $0) } }

    static func dead(_ stream: String) -> String {
        WorkStream.partition(named: stream).map { $0.stream.deadLetterKey(partition: $0.partition) } ?? stream + ":dead"
    }
    static func embedding(_ itemID: String) -> String { StylecastKeys.itemEmbedding(itemID) }
    /// The weekly totals of a `measure|source|market` member of ``trendSources``.
    static func trendTotals(_ member: String) -> String {
        let parts = member.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        return StylecastKeys.Trends.totals(
            measure: parts[0], source: parts.count > 1 ? parts[1] : "", market: parts.count > 2 ? parts[2] : "")
    }

    /// A stream's short name (`items.ingested`, `items.ingested#2`), for reports.
    static func short(_ stream: String) -> String {
        WorkStream.partition(named: stream).map { $0.stream.hashTag(partition: $0.partition) } ?? stream
    }
}

/// One consumer group's position in its stream.
struct GroupState: Sendable {
    var stream: String
    var group: String
    /// Entries in the stream.
    var length: Int
    /// Entries the group has read (`entries-read`); `nil` while Redis cannot tell, as after a
    /// restart until the group has caught up with the stream.
    var read: Int?
    /// Entries read but not acknowledged.
    var pending: Int
    /// The stream's newest entry and the group's last delivered one.
    var lastGenerated: String
    var lastDelivered: String

    /// Read everything and acknowledged everything.
    var drained: Bool { pending == 0 && (length == 0 || lastDelivered == lastGenerated) }
    var label: String { "\(group) on \(Keys.short(stream))" }
    /// Progress for logs: `read/length (pending)`, `?` for an unknown read count.
    var progress: String { "\(read.map(String.init) ?? "?")/\(length) (\(pending) pending)" }
}

/// Reads from Redis what the drill triggers on and checks.
struct PipelineProbe: Sendable {
    let redis: RedisClient

    /// Every expected group's state; a group not created yet reads as nothing read.
    func groups() async throws -> [GroupState] {
        var states: [GroupState] = []
        for status in try await redis.streamStatus(Keys.streams) {
            for (stream, name) in Keys.groups where stream == status.stream {
                let group = status.groups.first { $0.name == name }
                states.append(
                    GroupState(
                        stream: stream, group: name, length: status.length,
                        read: group == nil ? 0 : group?.entriesRead, pending: group?.pending ?? 0,
                        lastGenerated: status.lastGeneratedID, lastDelivered: group?.lastDeliveredID ?? "-"))
            }
        }
        return states
    }

    /// One group's state.
    func group(_ stream: String, _ name: String) async throws -> GroupState? {
        try await groups().first { $0.stream == stream && $0.group == name }
    }

    /// How many records of `kind` are stored: the entries of its stream, over every partition.
    /// (An id taken by a batch cut off before its entry is queued is not stored yet: a resend
    /// of the batch finishes it; ingest queues each record once, so entries = records stored.)
    func stored(_ kind: DataFile.Kind) async throws -> Int {
        let stream: WorkStream = switch kind {
        case .items: .itemsIngested
        case .interactions: .interactions
        case .signals: .signals
        }
        let replies = try await redis.pipeline(stream.keys(Keys.partitions).map { ["XLEN", RedisArgument($0)] })
        return replies.reduce(0) { $0 + Int($1.integer ?? 0) }
    }

    /// An integer reply (`XLEN`, `SCARD`, ...).
    func integer(_ arguments: RedisArgument...) async throws -> Int {
        Int(try await redis.send(arguments).integer ?? -1)
    }

    /// The counts the drill compares: id sets, streams and dead-letter streams, each summed over
    /// its partitions under partition 0's name.
    func counts() async throws -> [String: Int] {
        let idSets = [DataFile.Kind.items, .interactions, .signals].flatMap { kind in Keys.idSets(kind).map { ($0, kind.idSet) } }
        let names = idSets + Keys.streams.map { ($0, Keys.base($0)) } + Keys.streams.map { (Keys.dead($0), Keys.dead(Keys.base($0))) }
        let replies = try await redis.pipeline(
            names.map { name in [RedisArgument(name.0.hasSuffix(":ids") ? "SCARD" : "XLEN"), RedisArgument(name.0)] })
        var counts: [String: Int] = [:]
        for ((_, total), reply) in zip(names, replies) { counts[total, default: 0] += Int(reply.integer ?? -1) }
        return counts
    }

    /// Items counted in the trend series: the weekly launch totals of every source, summed.
    func trendItemTotal() async throws -> Double {
        let members = try await redis.send("SMEMBERS", RedisArgument(Keys.trendSources)).array ?? []
        let launches = members.compactMap(\.string).filter { $0.hasPrefix("launches|") }
        guard !launches.isEmpty else { return 0 }
        let replies = try await redis.pipeline(launches.map { ["HVALS", RedisArgument(Keys.trendTotals($0))] })
        return replies.flatMap { $0.array ?? [] }.compactMap { $0.string.flatMap(Double.init) }.reduce(0, +)
    }

    /// What must never shrink: counts, each group's position and acknowledgements, the trend
    /// total. Taken before Redis restarts and compared after.
    struct Snapshot: Sendable {
        var counts: [String: Int]
        var groups: [GroupState]
        /// Per group label, the entries read but not acknowledged.
        var pending: [String: Set<String>]
        var trendItems: Double
    }

    func snapshot() async throws -> Snapshot {
        let groups = try await groups()
        var pending: [String: Set<String>] = [:]
        for group in groups {
            pending[group.label] = try await pendingIDs(group.stream, group.group)
        }
        return Snapshot(counts: try await counts(), groups: groups, pending: pending, trendItems: try await trendItemTotal())
    }

    /// The IDs of a group's pending entries (at most 100,000).
    func pendingIDs(_ stream: String, _ group: String) async throws -> Set<String> {
        do {
            let reply = try await redis.send("XPENDING", RedisArgument(stream), RedisArgument(group), "-", "+", "100000")
            return Set((reply.array ?? []).compactMap { $0.array?.first?.string })
        } catch {
            if error.serverErrorCode == "NOGROUP" { return [] }
            throw error
        }
    }

    /// The ID of the stream's `position`-th entry (1-based), once the stream has that many.
    func entryID(_ stream: String, position: Int) async throws -> String? {
        let reply = try await redis.send("XRANGE", RedisArgument(stream), "-", "+", "COUNT", RedisArgument(position))
        let entries = reply.array ?? []
        guard entries.count == position else { return nil }
        return entries.last?.array?.first?.string
    }

}

/// Stream entry IDs (`<ms>-<seq>`) in stream order.
enum StreamID {
    static func parts(_ id: String) -> (UInt64, UInt64) {
        let pieces = id.split(separator: "-")
        return (UInt64(pieces.first ?? "") ?? 0, UInt64(pieces.dropFirst().first ?? "") ?? 0)
    }

    /// Whether `a` comes at or after `b`.
    static func atOrAfter(_ a: String, _ b: String) -> Bool {
        let (x, y) = (parts(a), parts(b))
        return x.0 != y.0 ? x.0 > y.0 : x.1 >= y.1
    }
}
