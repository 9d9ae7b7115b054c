/// A stream's length and newest entry, and where each of its consumer groups stands, from
/// `XINFO STREAM` and `XINFO GROUPS`.
public struct StreamStatus: Sendable, Equatable {
    /// The stream's key.
    public var stream: String
    /// Entries in the stream (0 when it does not exist).
    public var length: Int
    /// The newest entry's id (`0-0` when the stream does not exist or never had one).
    public var lastGeneratedID: String
    /// Its consumer groups, in Redis's order.
    public var groups: [ConsumerGroupStatus]

    /// Creates a status (``RedisClient/streamStatus(_:)`` reads them from Redis).
    public init(stream: String, length: Int, lastGeneratedID: String, groups: [ConsumerGroupStatus]) {
        self.stream = stream
        self.length = length
        self.lastGeneratedID = lastGeneratedID
        self.groups = groups
    }
}

/// Where one consumer group stands in its stream.
public struct ConsumerGroupStatus: Sendable, Equatable {
    /// The group's name.
    public var name: String
    /// The id of the last entry delivered to any of its consumers.
    public var lastDeliveredID: String
    /// Entries the group has read (`entries-read`). Redis 7 cannot tell after it reloaded its
    /// append-only file, until the group has caught up: then `nil`.
    public var entriesRead: Int?
    /// Entries not read yet (`lag`); `nil` when Redis cannot tell, as for ``entriesRead``.
    public var lag: Int?
    /// Entries delivered but not acknowledged.
    public var pending: Int

    /// Creates a status (``RedisClient/streamStatus(_:)`` reads them from Redis).
    public init(name: String, lastDeliveredID: String, entriesRead: Int?, lag: Int?, pending: Int) {
        self.name = name
        self.lastDeliveredID = lastDeliveredID
        self.entriesRead = entriesRead
        self.lag = lag
        self.pending = pending
    }
}

extension StreamStatus {
    /// Whether `group` has been delivered the stream's newest entry: it has read everything,
    /// even when Redis cannot report its `entries-read` or `lag`.
    public func hasReadAll(_ group: ConsumerGroupStatus) -> Bool { group.lastDeliveredID == lastGeneratedID }

    /// Entries `group` has read: Redis's count, else the whole stream when it has read
    /// everything, else 0 (unknown).
    public func entriesRead(_ group: ConsumerGroupStatus) -> Int {
        group.entriesRead ?? (hasReadAll(group) ? length : 0)
    }

    /// Entries `group` has still to read: Redis's lag, else 0 when it has read everything, else
    /// the stream's length less what it is known to have read (an upper bound).
    public func unread(_ group: ConsumerGroupStatus) -> Int {
        group.lag ?? (hasReadAll(group) ? 0 : max(0, length - entriesRead(group)))
    }
}

extension RedisClient {
    /// The status of each stream and its consumer groups, in one round trip. A stream that does
    /// not exist reads as empty, without groups.
    /// - Throws: ``RedisError`` when Redis cannot be reached or answers out of protocol.
    public func streamStatus(_ streams: [String]) async throws(RedisError) -> [StreamStatus] {
        let replies = try await pipeline(
            streams.flatMap { stream in
                [["XINFO", "STREAM", RedisArgument(stream)], ["XINFO", "GROUPS", RedisArgument(stream)]]
            })
        return streams.enumerated().map { index, stream in
            // Error replies (no such key) are values here, not thrown: they read as nothing.
            let info = replies[2 * index].fieldMap ?? [:]
            let groups = (replies[2 * index + 1].array ?? []).compactMap(\.fieldMap).map { fields in
                ConsumerGroupStatus(
                    name: fields["name"]?.string ?? "?",
                    lastDeliveredID: fields["last-delivered-id"]?.string ?? "0-0",
                    entriesRead: fields["entries-read"]?.integer.map(Int.init),
                    lag: fields["lag"]?.integer.map(Int.init),
                    pending: Int(fields["pending"]?.integer ?? 0))
            }
            return StreamStatus(
                stream: stream, length: Int(info["length"]?.integer ?? 0),
                lastGeneratedID: info["last-generated-id"]?.string ?? "0-0", groups: groups)
        }
    }
}
