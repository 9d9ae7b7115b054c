/// The dead-letter stream of a ``WorkQueue``'s stream, for an operator: list what failed and
/// why, and requeue entries once the cause is fixed.
///
/// A dead-letter entry has the fields `original-id`, `original-stream`, `group`, `consumer`,
/// `reason`, `delivery-count`, then each original field as `field:<name>`. Replaying one appends
/// the original fields to the original stream with `replay-for: <group>` and deletes the
/// dead-letter entry, in one script: only that group handles the new entry (``WorkQueue``
/// acknowledges it unhandled in every other group, which had handled the original).
public struct DeadLetters: Sendable {
    /// One dead-letter entry.
    public struct Letter: Sendable, Hashable {
        /// Its ID in the dead-letter stream.
        public var id: String
        /// The failed entry's ID in its stream.
        public var originalID: String
        /// The stream it came from.
        public var originalStream: String
        /// The consumer group that gave up on it.
        public var group: String
        /// The consumer that moved it.
        public var consumer: String
        /// Why: the last error.
        public var reason: String
        /// Deliveries it had.
        public var deliveryCount: Int
        /// The original fields, in order.
        public var fields: [WorkQueue.Entry.Field]
    }

    /// The field a replayed entry carries, naming the one group that handles it.
    public static let replayField = "replay-for"

    /// The client commands go through.
    public let client: RedisClient
    /// The work stream, e.g. `stylecast:{items.ingested}`.
    public let stream: String
    /// Its dead-letter stream.
    public let deadLetterStream: String

    /// Creates a handle; nothing is sent until a method is called.
    /// - Parameters:
    ///   - client: The Redis client.
    ///   - stream: The work stream (not its `:dead` stream).
    ///   - deadLetterStream: Its dead-letter stream (same hash tag); by default the work
    ///     stream's name plus `:dead`, as every Stylecast service names it.
    public init(client: RedisClient, stream: String, deadLetterStream: String? = nil) {
        self.client = client
        self.stream = stream
        self.deadLetterStream = deadLetterStream ?? stream + ":dead"
    }

    /// The dead-letter entries, oldest first.
    /// - Parameter count: Most entries listed.
    /// - Throws: A ``RedisError``.
    public func list(count: Int = 100) async throws(RedisError) -> [Letter] {
        let reply = try await client.send(
            ["XRANGE", RedisArgument(deadLetterStream), "-", "+", "COUNT", RedisArgument(Swift.max(1, count))])
        return (reply.array ?? []).compactMap(Self.letter)
    }

    /// Appends dead-letter entries back to the work stream for their group, removing them from
    /// the dead-letter stream.
    /// - Parameter ids: The dead-letter entry IDs to replay, or `nil` for all.
    /// - Returns: Per replayed entry, its dead-letter ID and its new ID in the work stream.
    /// - Throws: A ``RedisError``.
    public func replay(ids: [String]? = nil) async throws(RedisError) -> [(deadID: String, newID: String)] {
        let chosen = if let ids { ids } else { try await list(count: 1_000_000).map(\.id) }
        var replayed: [(String, String)] = []
        for id in chosen {
            let reply = try await client.evaluate(
                Self.replayScript, keys: [RedisArgument(deadLetterStream), RedisArgument(stream)],
                arguments: [RedisArgument(id)])
            if let newID = reply.string { replayed.append((id, newID)) }
        }
        return replayed
    }

    private static func letter(_ value: RedisValue) -> Letter? {
        guard let pair = value.array, pair.count == 2, let id = pair[0].string, pair[1].array != nil else { return nil }
        var letter = Letter(
            id: id, originalID: "", originalStream: "", group: "", consumer: "", reason: "", deliveryCount: 0, fields: [])
        for (name, value) in pair[1].stringPairs {
            switch name {
            case "original-id": letter.originalID = value
            case "original-stream": letter.originalStream = value
            case "group": letter.group = value
            case "consumer": letter.consumer = value
            case "reason": letter.reason = value
            case "delivery-count": letter.deliveryCount = Int(value) ?? 0
            default:
                if name.hasPrefix("field:") {
                    letter.fields.append(.init(name: String(name.dropFirst("field:".count)), value: value))
                }
            }
        }
        return letter
    }

    /// KEYS: dead-letter stream, work stream. ARGV: dead-letter entry ID. Returns the new entry's
    /// ID, or nil when there is no such dead-letter entry.
    static let replayScript = RedisScript(
        """
        local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
        if #found == 0 then return false end
        local flat = found[1][2]
        local group = nil
        local fields = {}
        for i = 1, #flat, 2 do
            local name, value = flat[i], flat[i + 1]
            if name == 'group' then group = value end
            if string.sub(name, 1, 6) == 'field:' and name ~= 'field:replay-for' then
                fields[#fields + 1] = string.sub(name, 7)
                fields[#fields + 1] = value
            end
        end
        if group == nil or #fields == 0 then return redis.error_reply('ERR dead-letter entry ' .. ARGV[1] .. ' has no group or fields') end
        fields[#fields + 1] = 'replay-for'
        fields[#fields + 1] = group
        local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
        redis.call('XDEL', KEYS[1], ARGV[1])
        return id
        """)
}
