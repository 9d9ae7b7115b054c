/// How many partitions each work stream is split into (`STYLECAST_STREAM_PARTITIONS`), and which
/// partition a record goes to. Every service and the `stylecast` client must use the same count
/// on one Redis; the first service to start records it (``StylecastKeys/streamPartitionCount``),
/// and a service configured otherwise refuses to start.
///
/// Partition 0 of a stream is the stream's own key (`stylecast:{items.ingested}`), so one
/// partition is exactly the layout without partitions; partition `p > 0` has a hash tag of its
/// own (`stylecast:{items.ingested#2}`), so on Redis Cluster the partitions spread over slots,
/// each with its dead letters, id sets and the markers of what consumers write beside it.
public struct StreamPartitions: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable every service and the client read.
    public static let environmentVariable = "STYLECAST_STREAM_PARTITIONS"
    /// The most partitions a stream may have (each costs every consumer a blocking read).
    public static let maximum = 64

    /// How many partitions each stream has, 1 to ``maximum``.
    public let count: Int

    /// No partitions: every stream is one key.
    public static let single = StreamPartitions(validated: 1)

    private init(validated count: Int) { self.count = count }

    /// - Throws: ``PartitionCountError`` unless `count` is 1 to ``maximum``.
    public init(count: Int) throws(PartitionCountError) {
        guard (1...Self.maximum).contains(count) else { throw PartitionCountError(value: String(count)) }
        self.count = count
    }

    /// The count from ``environmentVariable`` (unset or empty: 1).
    /// - Throws: ``PartitionCountError`` for anything but a whole number from 1 to ``maximum``.
    public init(environment: [String: String]) throws(PartitionCountError) {
        guard let text = environment[Self.environmentVariable], !text.isEmpty else {
            self = .single
            return
        }
        guard let count = Int(text) else { throw PartitionCountError(value: text) }
        try self.init(count: count)
    }

    /// Every partition number.
    public var all: Range<Int> { 0..<count }

    /// The partition of a record: FNV-1a (64-bit) of its id's UTF-8 bytes modulo ``count``, the
    /// same in every process and version (the records of one id always meet in one partition).
    public func partition(of id: String) -> Int {
        guard count > 1 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }

    public var description: String { "\(count) partition\(count == 1 ? "" : "s")" }
}

/// A partition count that is not a whole number from 1 to ``StreamPartitions/maximum``.
public struct PartitionCountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was given.
    public var value: String

    public var description: String {
        "\(StreamPartitions.environmentVariable) must be a whole number from 1 to \(StreamPartitions.maximum), got '\(value)'"
    }
}

extension WorkStream {
    /// The hash tag of one partition: the stream's name, then `#<partition>` for partitions above 0.
    public func hashTag(partition: Int) -> String {
        partition == 0 ? rawValue : "\(rawValue)#\(partition)"
    }

    /// One partition's key: ``key`` for partition 0, e.g. `stylecast:{items.ingested#2}` for 2.
    public func key(partition: Int) -> String {
        "\(StylecastKeys.namespace):{\(hashTag(partition: partition))}"
    }

    /// Where one partition's entries that failed every delivery go.
    public func deadLetterKey(partition: Int) -> String { key(partition: partition) + ":dead" }

    /// Every partition's key, partition 0 first.
    public func keys(_ partitions: StreamPartitions) -> [String] {
        partitions.all.map { key(partition: $0) }
    }

    /// The stream and partition of a key (``key(partition:)``) or a short name (`signals`,
    /// `signals#2`).
    /// - Returns: `nil` for a name that is no work stream partition.
    public static func partition(named name: String) -> (stream: WorkStream, partition: Int)? {
        var tag = name
        let prefix = "\(StylecastKeys.namespace):{"
        if tag.hasPrefix(prefix), tag.hasSuffix("}") { tag = String(tag.dropFirst(prefix.count).dropLast()) }
        let parts = tag.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        guard let stream = WorkStream(rawValue: String(parts[0])) else { return nil }
        guard parts.count == 2 else { return (stream, 0) }
        guard let partition = Int(parts[1]), partition > 0, String(partition) == parts[1] else { return nil }
        return (stream, partition)
    }
}
