import StylecastCalendar

/// Applies the writes for one stream entry at most once, so that a redelivered entry
/// changes nothing: the building block of idempotent consumers.
///
/// One Lua script, atomically: if the marker key for the entry ID exists it does nothing
/// and returns `false`; otherwise it checks every numeric increment (`INCRBY`, `INCRBYFLOAT`,
/// `HINCRBY`, `HINCRBYFLOAT`, `ZINCRBY`) is a finite number of at most ``maximumIncrement`` in
/// absolute value, and refuses the whole entry without writing if one is not; then sets the
/// marker (with an optional lifetime), runs the writes and returns `true`.
///
/// Key layout: the marker is `<markerPrefix><entryID>`, and the prefix carries a hash tag. On
/// Redis Cluster all keys of one script must share a slot, so every key the writes touch must
/// carry the same hash tag, e.g. with the prefix `app:{counts}:applied:counter:` the writes may
/// touch `app:{counts}:totals`; ``apply(entryID:writes:)`` refuses other keys.
///
/// Redis does not roll a script back: if a write fails halfway (e.g. `WRONGTYPE`), the writes
/// before it remain. The marker is set before the writes, so a redelivered entry finds it and
/// applies nothing: a script that fails part way applies its first writes once, never twice.
/// Such failures are bugs in the writes, not outages; the error reaches the caller.
public struct IdempotentApplier: Sendable {
    /// The client scripts run through.
    public let client: RedisClient
    /// What every marker key starts with; it names the consumer whose writes these are (entries
    /// applied under one prefix are applied again under another).
    public let markerPrefix: String
    /// The hash tag (without braces) shared by the marker and every written key.
    public let hashTag: String
    /// How long a marker is kept, or `nil` for ever. It must outlive any redelivery of the
    /// entry, i.e. the time until the entry is acknowledged or dead-lettered.
    public let markerLifetime: Duration?

    /// Creates an applier.
    /// - Parameters:
    ///   - client: The Redis client.
    ///   - markerPrefix: What marker keys start with, with a non-empty hash tag, e.g.
    ///     `app:{counts}:applied:counter:`.
    ///   - markerLifetime: Marker expiry, at least 1 ms, or `nil` to keep markers (default 24 h).
    public init(
        client: RedisClient, markerPrefix: String,
        markerLifetime: Duration? = .seconds(86_400)
    ) {
        precondition(RedisKey.hashTag(of: markerPrefix) != nil, "marker prefix '\(markerPrefix)' has no hash tag")
        self.client = client
        self.markerPrefix = markerPrefix
        self.hashTag = RedisKey.hashTag(of: markerPrefix) ?? ""
        self.markerLifetime = markerLifetime
    }

    /// The largest increment a write may carry, in absolute value: beyond it a float counter
    /// would lose all precision, and sums of a few such would overflow to infinity.
    public static let maximumIncrement = 1e15

    /// The marker key for an entry.
    /// - Parameter entryID: The stream entry ID (or any unique ID of the unit of work).
    public func markerKey(for entryID: String) -> String {
        markerPrefix + entryID
    }

    /// Runs `writes` unless they already ran for `entryID`, atomically.
    /// - Parameters:
    ///   - entryID: The ID of the unit of work, e.g. the stream entry ID.
    ///   - writes: The commands to run, in order; their keys must carry ``hashTag``.
    /// - Returns: `true` if the writes ran now, `false` if they had already run.
    /// - Throws: ``RedisError/invalidArgument(_:)`` for a key without the hash tag,
    ///   ``RedisError/server(_:)`` when a write fails, or a connection error.
    @discardableResult
    public func apply(entryID: String, writes: [RedisWrite]) async throws(RedisError) -> Bool {
        var keys = [markerKey(for: entryID)]
        var arguments: [RedisArgument] = [
            RedisArgument(markerLifetime.map { Swift.max(1, $0.wholeMilliseconds) } ?? 0),
            RedisArgument(writes.count),
            RedisArgument(String(Self.maximumIncrement)),
        ]
        for write in writes {
            guard !write.parts.isEmpty else { throw .invalidArgument("empty write command") }
            arguments.append(RedisArgument(write.parts.count))
            for part in write.parts {
                switch part {
                case .key(let key):
                    guard RedisKey.hashTag(of: key) == hashTag else {
                        throw .invalidArgument("key '\(key)' does not carry the hash tag {\(hashTag)}")
                    }
                    keys.append(key)
                    arguments.append(RedisArgument("k\(keys.count)"))
                case .argument(let argument):
                    arguments.append(RedisArgument([UInt8(ascii: "a")] + argument.bytes))
                }
            }
        }
        let reply = try await client.evaluate(
            Self.script, keys: keys.map { RedisArgument($0) }, arguments: arguments)
        return reply.integer == 1
    }

    /// KEYS[1]: the marker; KEYS[2...]: the writes' keys. ARGV[1]: marker lifetime in ms (0 =
    /// none); ARGV[2]: number of writes; ARGV[3]: the largest increment; then per write its word
    /// count and words, each either `k<index into KEYS>` or `a<argument bytes>`.
    static let script = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local limit = tonumber(ARGV[3])
        local increments = {incrby = 3, incrbyfloat = 3, hincrby = 4, hincrbyfloat = 4, zincrby = 3}
        local calls = {}
        local i = 4
        for n = 1, tonumber(ARGV[2]) do
            local count = tonumber(ARGV[i])
            i = i + 1
            local call = {}
            for w = 1, count do
                local word = ARGV[i]
                i = i + 1
                if string.sub(word, 1, 1) == 'k' then
                    call[w] = KEYS[tonumber(string.sub(word, 2))]
                else
                    call[w] = string.sub(word, 2)
                end
            end
            local at = increments[string.lower(call[1])]
            if at then
                local value = tonumber(call[at])
                if value == nil or value ~= value or value > limit or value < -limit then
                    return redis.error_reply('ERR stylecast: write ' .. n .. ' (' .. call[1] .. ') increments by ' ..
                        tostring(call[at]) .. ', not a finite number of at most ' .. ARGV[3] .. ' in absolute value')
                end
            end
            calls[n] = call
        end
        local lifetime = tonumber(ARGV[1])
        if lifetime > 0 then
            redis.call('SET', KEYS[1], '1', 'PX', lifetime)
        else
            redis.call('SET', KEYS[1], '1')
        end
        for _, call in ipairs(calls) do redis.call(unpack(call)) end
        return 1
        """)
}
