import StylecastCalendar

/// Applies the writes for one stream entry at most once, so that a redelivered entry
/// changes nothing: the building block of idempotent consumers.
///
/// One Lua script, atomically: if the marker key for the entry ID exists it does nothing
/// and returns `false`; otherwise it checks every numeric increment (`INCRBY`, `INCRBYFLOAT`,
/// `HINCRBY`, `HINCRBYFLOAT`, `ZINCRBY`) is a finite number of at most ``maximumIncrement`` in
/// absolute value, and refuses the whole entry without writing if one is not; then sets the
/// marker (with an optional lifetime), runs the writes and returns `true`.
/// ``apply(batch:shared:)`` does the same for the entries of a batch in one script, with the
/// increments of one counter summed: fewer scripts and fewer commands per entry.
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
        try await apply(batch: [EntryWrites(entryID: entryID, writes: writes)]).isEmpty
    }

    /// One unit of work's writes, for ``apply(batch:shared:)``.
    public struct EntryWrites: Sendable {
        /// The ID of the unit of work, e.g. the stream entry ID.
        public var entryID: String
        /// The commands to run for it; their keys must carry the applier's hash tag.
        public var writes: [RedisWrite]

        /// - Parameters:
        ///   - entryID: The ID of the unit of work.
        ///   - writes: Its commands.
        public init(entryID: String, writes: [RedisWrite]) {
            self.entryID = entryID
            self.writes = writes
        }
    }

    /// Runs the writes of several units of work in one script, each at most once: the writes of
    /// the units none of which had run are applied together, coalesced (``RedisWrite/coalesced(_:limit:)``:
    /// increments of one counter summed, set members merged), and every unit's marker is set.
    /// When some units had already run, nothing is written in that call; they are left out and
    /// the rest is tried again, so a redelivered unit never runs twice whatever batch it comes in.
    /// - Parameters:
    ///   - batch: The units, in the order their writes would run one by one.
    ///   - shared: Writes that run once with the batch whenever any unit of it runs (e.g. what
    ///     several units need, such as a vocabulary member); they must be idempotent.
    /// - Returns: The IDs of the units that had already run; nothing was written for them.
    /// - Throws: As ``apply(entryID:writes:)``; a failure may come after earlier rounds applied
    ///   their units (each round is atomic).
    public func apply(batch: [EntryWrites], shared: [RedisWrite] = []) async throws(RedisError) -> Set<String> {
        guard Set(batch.map(\.entryID)).count == batch.count else {
            throw .invalidArgument("a batch names an entry more than once")
        }
        var pending = batch
        var alreadyApplied = Set<String>()
        while !pending.isEmpty {
            let marked = try await runScript(pending, shared: shared)
            if marked.isEmpty { break }
            for index in marked.sorted(by: >) { alreadyApplied.insert(pending.remove(at: index).entryID) }
        }
        return alreadyApplied
    }

    /// One run of ``script``: the indices (0-based) of the units whose marker was set, with
    /// nothing written, or none when the writes ran.
    private func runScript(_ batch: [EntryWrites], shared: [RedisWrite]) async throws(RedisError) -> [Int] {
        var keys = batch.map { markerKey(for: $0.entryID) }
        var keyIndex: [String: Int] = [:]
        let writes = RedisWrite.coalesced(batch.flatMap(\.writes) + shared, limit: Self.maximumIncrement)
        var arguments: [RedisArgument] = [
            RedisArgument(markerLifetime.map { Swift.max(1, $0.wholeMilliseconds) } ?? 0),
            RedisArgument(batch.count),
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
                    let index = keyIndex[key] ?? {
                        keys.append(key)
                        keyIndex[key] = keys.count
                        return keys.count
                    }()
                    arguments.append(RedisArgument("k\(index)"))
                case .argument(let argument):
                    arguments.append(RedisArgument([UInt8(ascii: "a")] + argument.bytes))
                }
            }
        }
        let reply = try await client.evaluate(Self.script, keys: keys.map { RedisArgument($0) }, arguments: arguments)
        guard let marked = reply.array else { throw .protocolError("the applier script answered \(reply)") }
        return try marked.map { value throws(RedisError) in
            guard let index = value.integer, index >= 1, index <= batch.count else {
                throw .protocolError("the applier script answered \(reply)")
            }
            return Int(index) - 1
        }
    }

    /// KEYS: the units' markers, then the written keys. ARGV: marker lifetime (ms, 0 for none),
    /// number of units, number of writes, increment limit, then per write its word count and its
    /// words, `k<index into KEYS>` or `a<argument>`. Answers the 1-based indices of the units
    /// already marked (writing nothing), or an empty list once the writes ran.
    static let script = RedisScript(
        """
        local units = tonumber(ARGV[2])
        local marked = {}
        for u = 1, units do
            if redis.call('EXISTS', KEYS[u]) == 1 then marked[#marked + 1] = u end
        end
        if #marked > 0 then return marked end
        local limit = tonumber(ARGV[4])
        local increments = {incrby = 3, incrbyfloat = 3, hincrby = 4, hincrbyfloat = 4, zincrby = 3}
        local calls = {}
        local i = 5
        for n = 1, tonumber(ARGV[3]) do
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
                        tostring(call[at]) .. ', not a finite number of at most ' .. ARGV[4] .. ' in absolute value')
                end
            end
            calls[n] = call
        end
        local lifetime = tonumber(ARGV[1])
        for u = 1, units do
            if lifetime > 0 then
                redis.call('SET', KEYS[u], '1', 'PX', lifetime)
            else
                redis.call('SET', KEYS[u], '1')
            end
        end
        for _, call in ipairs(calls) do redis.call(unpack(call)) end
        return {}
        """)
}
