import Logging
import StylecastCalendar
import Synchronization

/// An at-least-once work queue on a Redis stream with a consumer group.
///
/// Producers ``enqueue(_:)`` entries; each consumer of a group reads new entries, handles them,
/// and acknowledges an entry only after its handler returned. Entries a consumer took but did
/// not acknowledge (its process died) stay pending and are claimed by any consumer of the group
/// once idle for ``Configuration/claimIdleTime``; a living consumer renews the entries it holds
/// (``renew(_:)``) so that they never go idle while in its hands. What a handler's error does to
/// its entry depends on the error (``FailureDisposition``): a temporary failure (Redis or a
/// dependency unavailable, a queue full) is retried by the same consumer with back-off, spending
/// no delivery; a fault of the entry (invalid input) sends it to the dead-letter stream at once;
/// any other error counts a delivery, and an entry that has failed ``Configuration/maxDeliveries``
/// times is moved, with the reason, to the dead-letter stream. Handlers must therefore be
/// idempotent (see ``IdempotentApplier``).
///
/// Key layout: the caller names the stream and the dead-letter stream; both must carry the
/// same hash tag (e.g. `stylecast:{items.ingested}` and `stylecast:{items.ingested}:dead`)
/// because dead-lettering moves an entry atomically with one script.
///
/// A dead-letter entry has the fields `original-id`, `original-stream`, `group`, `consumer`,
/// `reason`, `delivery-count`, then each original field as `field:<name>`; ``DeadLetters`` lists
/// and replays them. A replayed entry carries `replay-for: <group>`, and the consumers of every
/// other group acknowledge it without calling their handler.
public struct WorkQueue: Sendable {
    /// The client commands go through.
    public let client: RedisClient
    /// The stream key.
    public let stream: String
    /// The consumer group name.
    public let group: String
    /// This consumer's name, unique within the group (e.g. host name plus process ID).
    public let consumer: String
    /// Claim, retry and dead-letter settings.
    public let configuration: Configuration
    private let logger: Logger

    /// Creates a queue handle; nothing is sent until a method is called.
    /// - Parameters:
    ///   - client: The Redis client.
    ///   - stream: The stream key, e.g. `stylecast:{items.ingested}`.
    ///   - group: The consumer group, one per consuming service.
    ///   - consumer: This consumer's name, unique within the group.
    ///   - configuration: Claim, retry and dead-letter settings.
    ///   - logger: Receives handler failures, dead-lettering and outages.
    /// - Throws: ``RedisError/invalidArgument(_:)`` when the dead-letter stream does not share
    ///   the stream's hash slot, or a count or duration is not positive.
    public init(
        client: RedisClient, stream: String, group: String, consumer: String,
        configuration: Configuration, logger: Logger = Logger(label: "stylecast.workqueue")
    ) throws(RedisError) {
        guard RedisKey.shareHashSlot([stream, configuration.deadLetterStream]) else {
            throw .invalidArgument(
                "dead-letter stream '\(configuration.deadLetterStream)' must carry the hash tag of '\(stream)'")
        }
        guard configuration.maxDeliveries >= 1, configuration.batchSize >= 1, configuration.concurrency >= 1 else {
            throw .invalidArgument("maxDeliveries, batchSize and concurrency must be at least 1")
        }
        guard configuration.claimIdleTime > .zero, configuration.blockTime > .zero else {
            throw .invalidArgument("claimIdleTime and blockTime must be positive")
        }
        self.client = client
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "stream"] = "\(stream)"
        logger[metadataKey: "group"] = "\(group)"
        logger[metadataKey: "consumer"] = "\(consumer)"
        self.logger = logger
    }

    /// Creates the consumer group (and the stream, if missing); does nothing if it exists.
    /// - Parameter startID: Where a new group starts reading: `"0"` (default) takes entries
    ///   already in the stream, `"$"` only later ones.
    /// - Throws: A ``RedisError`` other than the group already existing.
    public func ensureGroup(startingAt startID: String = "0") async throws(RedisError) {
        do {
            try await client.send([
                "XGROUP", "CREATE", RedisArgument(stream), RedisArgument(group), RedisArgument(startID),
                "MKSTREAM",
            ])
        } catch where error.serverErrorCode == "BUSYGROUP" {
            return
        }
    }

    /// Appends an entry to the stream.
    /// - Parameter fields: Field names and values, in order (at least one).
    /// - Returns: The new entry's ID.
    /// - Throws: A ``RedisError``.
    @discardableResult
    public func enqueue(_ fields: [(name: String, value: String)]) async throws(RedisError) -> String {
        guard !fields.isEmpty else { throw .invalidArgument("a stream entry needs at least one field") }
        let reply = try await client.send(
            ["XADD", RedisArgument(stream), "*"] + fields.flatMap { [RedisArgument($0.name), RedisArgument($0.value)] })
        guard let id = reply.string else { throw .protocolError("XADD answered \(reply)") }
        return id
    }

    /// Appends an entry to the stream, fields sorted by name.
    /// - Parameter fields: Field names and values (at least one).
    /// - Returns: The new entry's ID.
    /// - Throws: A ``RedisError``.
    @discardableResult
    public func enqueue(fields: [String: String]) async throws(RedisError) -> String {
        try await enqueue(fields.sorted(by: { $0.key < $1.key }).map { (name: $0.key, value: $0.value) })
    }

    /// Reads entries never delivered to this group (`XREADGROUP ... >`); they become pending
    /// for this consumer with delivery count 1.
    /// - Parameters:
    ///   - count: Most entries (default ``Configuration/batchSize``).
    ///   - block: How long to wait when there are none, or `nil` not to wait.
    /// - Returns: The entries, possibly none.
    /// - Throws: A ``RedisError`` (`NOGROUP` as ``RedisError/server(_:)`` if the group is missing).
    public func readNew(count: Int? = nil, block: Duration? = nil) async throws(RedisError) -> [Entry] {
        try await readNew(count: count, block: block, on: client)
    }

    /// ``readNew(count:block:)`` through `reader`: a blocking read goes on a connection of its own.
    private func readNew(count: Int?, block: Duration?, on reader: RedisClient) async throws(RedisError) -> [Entry] {
        var arguments: [RedisArgument] = [
            "XREADGROUP", "GROUP", RedisArgument(group), RedisArgument(consumer),
            "COUNT", RedisArgument(count ?? configuration.batchSize),
        ]
        var timeout: Duration?
        if let block {
            arguments += ["BLOCK", RedisArgument(Swift.max(1, block.wholeMilliseconds))]
            timeout = client.configuration.commandTimeout + block
        }
        arguments += ["STREAMS", RedisArgument(stream), ">"]
        let reply = try await reader.send(arguments, timeout: timeout)
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw .protocolError("XREADGROUP answered \(reply)") }
        var entries: [Entry] = []
        for streamReply in streams {
            guard let pair = streamReply.array, pair.count == 2, let list = pair[1].array else {
                throw .protocolError("XREADGROUP stream reply \(streamReply)")
            }
            entries += try list.map { item throws(RedisError) in try Self.parseEntry(item, deliveryCount: 1) }
        }
        return entries
    }

    /// Acknowledges handled entries (`XACK`), removing them from the pending list.
    /// - Parameter ids: Entry IDs.
    /// - Returns: How many were pending and are now acknowledged.
    /// - Throws: A ``RedisError``.
    @discardableResult
    public func acknowledge(_ ids: [String]) async throws(RedisError) -> Int {
        guard !ids.isEmpty else { return 0 }
        let reply = try await client.send(
            ["XACK", RedisArgument(stream), RedisArgument(group)] + ids.map { RedisArgument($0) })
        return Int(reply.integer ?? 0)
    }

    /// Claims entries of any consumer of the group that have been pending for at least
    /// ``Configuration/claimIdleTime`` (`XAUTOCLAIM`), so that entries of a dead consumer are
    /// delivered again. Each claim counts as a delivery.
    /// - Parameters:
    ///   - count: Most entries (default ``Configuration/batchSize``).
    ///   - cursor: Where the scan of the pending list goes on (`0-0` from its start).
    /// - Returns: The claimed entries with their delivery counts (from `XPENDING`).
    /// - Throws: A ``RedisError``.
    public func claimStale(count: Int? = nil, cursor: String = "0-0") async throws(RedisError) -> [Entry] {
        try await claimStale(count: count, from: cursor).entries
    }

    /// ``claimStale(count:cursor:)`` with the cursor the next call goes on from (`0-0` once the
    /// whole pending list was scanned).
    func claimStale(count: Int?, from cursor: String) async throws(RedisError) -> (entries: [Entry], next: String) {
        let reply = try await client.send([
            "XAUTOCLAIM", RedisArgument(stream), RedisArgument(group), RedisArgument(consumer),
            RedisArgument(configuration.claimIdleTime.wholeMilliseconds), RedisArgument(cursor),
            "COUNT", RedisArgument(count ?? configuration.batchSize),
        ])
        guard let parts = reply.array, parts.count >= 2, let next = parts[0].string, let list = parts[1].array else {
            throw .protocolError("XAUTOCLAIM answered \(reply)")
        }
        var entries = try list.filter { !$0.isNull }.map { item throws(RedisError) in
            try Self.parseEntry(item, deliveryCount: 0)
        }
        guard !entries.isEmpty else { return ([], next) }

        // XAUTOCLAIM does not report delivery counts; one XPENDING per entry, one round trip.
        let counts = try await client.pipeline(
            entries.map { entry in
                [
                    "XPENDING", RedisArgument(stream), RedisArgument(group), RedisArgument(entry.id),
                    RedisArgument(entry.id), "1",
                ]
            })
        for index in entries.indices {
            guard let rows = counts[index].array else {
                throw .protocolError("XPENDING answered \(counts[index])")
            }
            // An entry acknowledged by someone else in between has no row; it is done.
            let row = rows.first?.array
            entries[index].deliveryCount = row?.count == 4 ? Int(row?[3].integer ?? 0) : 0
        }
        return (entries.filter { $0.deliveryCount > 0 }, next)
    }

    /// Renews this consumer's hold on entries it is handling: their idle time starts again from
    /// zero (`XCLAIM ... 0 ... JUSTID`, which does not count a delivery), so no other consumer
    /// claims them meanwhile.
    /// - Parameter ids: Entry IDs held by this consumer.
    /// - Returns: The IDs still pending (the others were acknowledged or dead-lettered meanwhile).
    /// - Throws: A ``RedisError``.
    @discardableResult
    public func renew(_ ids: [String]) async throws(RedisError) -> [String] {
        guard !ids.isEmpty else { return [] }
        let reply = try await client.send(
            ["XCLAIM", RedisArgument(stream), RedisArgument(group), RedisArgument(consumer), "0"]
                + ids.map { RedisArgument($0) } + ["JUSTID"])
        return (reply.array ?? []).compactMap(\.string)
    }

    /// Moves an entry to the dead-letter stream with the reason and acknowledges it, atomically
    /// (one script). Does nothing if the entry is no longer pending (someone acknowledged it).
    /// - Parameters:
    ///   - entry: The entry that keeps failing.
    ///   - reason: Why, e.g. the last error's description.
    /// - Returns: The dead-letter entry's ID, or `nil` if the entry was no longer pending.
    /// - Throws: A ``RedisError``.
    @discardableResult
    public func deadLetter(_ entry: Entry, reason: String) async throws(RedisError) -> String? {
        let header: [RedisArgument] = [
            RedisArgument(group), RedisArgument(consumer), RedisArgument(entry.id), RedisArgument(reason),
            RedisArgument(entry.deliveryCount),
        ]
        let reply = try await client.evaluate(
            Self.deadLetterScript,
            keys: [RedisArgument(stream), RedisArgument(configuration.deadLetterStream)],
            arguments: header + entry.fields.flatMap { [RedisArgument("field:" + $0.name), RedisArgument($0.value)] })
        logger.warning(
            "Entry moved to the dead-letter stream",
            metadata: [
                "entry": "\(entry.id)", "deliveries": "\(entry.deliveryCount)", "reason": "\(reason)",
            ])
        return reply.isNull ? nil : reply.string
    }

    /// Consumes until the task is cancelled or `shouldStop` says so: claims stale entries,
    /// reads new ones, calls `handler` for each (one at a time, or up to
    /// ``Configuration/concurrency`` at once), and acknowledges an entry only after `handler`
    /// returned. While a batch is in hand a heartbeat renews it every third of
    /// ``Configuration/claimIdleTime``, so its entries are claimed by others only if this
    /// consumer dies. A handler error is dealt with by its ``FailureDisposition``:
    /// - ``FailureDisposition/temporary``: the same entry is tried again after a pause (from
    ///   ``Configuration/retryDelay`` doubling to ``Configuration/maximumRetryDelay``), no
    ///   delivery spent: a consumer pauses while Redis refuses writes or a dependency is down;
    /// - ``FailureDisposition/permanent``: the entry goes to the dead-letter stream at once;
    /// - ``FailureDisposition/counted``: the entry stays pending, is delivered again after
    ///   ``Configuration/claimIdleTime``, and goes to the dead-letter stream once it has failed
    ///   on its ``Configuration/maxDeliveries``-th delivery. An entry claimed with more
    ///   deliveries than that (its consumers kept dying on it) is dead-lettered without calling
    ///   `handler`.
    ///
    /// `shouldStop` is asked between entries: once it is true, the consumer finishes the entries
    /// it already read (at most ``Configuration/batchSize``, so none stays pending in its name;
    /// one failing for now is left pending instead of retried) and returns. Creates the group if needed. While Redis is unavailable
    /// (``RedisError/isUnavailable``) it waits ``Configuration/retryDelay`` and tries again.
    /// Returns within about ``Configuration/blockTime`` of cancellation or of the stop. The
    /// blocking read runs on a connection of its own (``RedisClient/dedicatedClient()``, closed
    /// on return), so a consumer waiting for work holds none of the shared pool's connections.
    /// - Parameters:
    ///   - shouldStop: Whether to stop (e.g. the service shuts down gracefully); default never.
    ///   - handler: Handles one entry; must be idempotent.
    /// - Throws: A ``RedisError`` that retrying cannot fix (e.g. a wrong key type).
    public func run(
        until shouldStop: @escaping @Sendable () -> Bool = { false },
        handler: @escaping @Sendable (Entry) async throws -> Void
    ) async throws(RedisError) {
        try await run(until: shouldStop, batchHandler: nil, handler: handler)
    }

    /// ``run(until:handler:)`` with a fast path for whole batches: each batch read is first
    /// given to `batchHandler`, which handles the entries it can at once (e.g. their writes in
    /// one script, ``IdempotentApplier/apply(batch:shared:)``) and returns the others; those it
    /// handled are acknowledged with one `XACK`. The entries it returns, and all of the batch
    /// when it throws, go through `handler` one by one with every rule above, so `batchHandler`
    /// may leave whatever needs care (a failure, a redelivery) to `handler`. Both must be
    /// idempotent, and handling an entry either way must have the same effect. Entries replayed
    /// for another group or delivered too often never reach `batchHandler`.
    /// - Parameters:
    ///   - shouldStop: Whether to stop (e.g. the service shuts down gracefully); default never.
    ///   - batchHandler: Handles what it can of a batch; returns the entries it left.
    ///   - handler: Handles one entry; must be idempotent.
    /// - Throws: A ``RedisError`` that retrying cannot fix (e.g. a wrong key type).
    public func run(
        until shouldStop: @escaping @Sendable () -> Bool = { false },
        batchHandler: (@Sendable ([Entry]) async throws -> [Entry])?,
        handler: @escaping @Sendable (Entry) async throws -> Void
    ) async throws(RedisError) {
        let reader = client.dedicatedClient()
        do {
            try await consume(reader: reader, until: shouldStop, batchHandler: batchHandler, handler: handler)
        } catch {
            await reader.shutdown()
            throw error
        }
        await reader.shutdown()
    }

    /// The loop of ``run(until:handler:)``, blocking reads through `reader`.
    private func consume(
        reader: RedisClient, until shouldStop: @escaping @Sendable () -> Bool,
        batchHandler: (@Sendable ([Entry]) async throws -> [Entry])?,
        handler: @escaping @Sendable (Entry) async throws -> Void
    ) async throws(RedisError) {
        var groupReady = false
        var cursor = "0-0"
        while !Task.isCancelled, !shouldStop() {
            do {
                if !groupReady {
                    try await ensureGroup()
                    groupReady = true
                }
                let (stale, next) = try await claimStale(count: nil, from: cursor)
                cursor = next
                try await processBatch(stale, shouldStop: shouldStop, batchHandler: batchHandler, handler: handler)
                guard !Task.isCancelled, !shouldStop() else { return }
                // Block only when there was nothing stale, so claimed work is not delayed.
                let fresh = try await readNew(
                    count: nil, block: stale.isEmpty && cursor == "0-0" ? configuration.blockTime : nil, on: reader)
                try await processBatch(fresh, shouldStop: shouldStop, batchHandler: batchHandler, handler: handler)
            } catch where error.isUnavailable || error == .cancelled {
                guard !Task.isCancelled else { return }
                logger.warning("Redis unavailable; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: configuration.retryDelay)
            } catch where error.serverErrorCode == "NOGROUP" {
                // The stream or group was deleted under us: recreate and go on.
                groupReady = false
                cursor = "0-0"
            }
        }
    }

    /// Handles a batch, in order or ``Configuration/concurrency`` entries at once, renewing the
    /// entries not yet done while it works.
    private func processBatch(
        _ batch: [Entry], shouldStop: @escaping @Sendable () -> Bool,
        batchHandler: (@Sendable ([Entry]) async throws -> [Entry])?,
        handler: @escaping @Sendable (Entry) async throws -> Void
    ) async throws(RedisError) {
        guard !batch.isEmpty else { return }
        let remaining = RemainingEntries(batch.map(\.id))
        let heartbeat = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: configuration.claimIdleTime / 3)
                guard !Task.isCancelled else { return }
                _ = try? await renew(remaining.ids)
            }
        }
        defer { heartbeat.cancel() }
        var batch = batch
        if let batchHandler {
            batch = await handleAtOnce(batch, with: batchHandler, remaining: remaining)
            guard !batch.isEmpty, !Task.isCancelled else { return }
        }
        guard configuration.concurrency > 1, batch.count > 1 else {
            for entry in batch {
                // Cancelled: the rest stays pending for a later claim. Stopping: the batch in hand
                // is finished first, so that nothing stays pending in this consumer's name.
                guard !Task.isCancelled else { return }
                try await process(entry, shouldStop: shouldStop, handler: handler)
                remaining.remove(entry.id)
            }
            return
        }
        // Up to `concurrency` entries at once, each handled and acknowledged on its own as above.
        // A Redis error stops new starts; the ones running finish, then it is thrown.
        let handleOne: @Sendable (Entry) async -> RedisError? = { [self] entry in
            do throws(RedisError) {
                try await process(entry, shouldStop: shouldStop, handler: handler)
                remaining.remove(entry.id)
                return nil
            } catch {
                return error
            }
        }
        let failure: RedisError? = await withTaskGroup(of: RedisError?.self) { group in
            var next = 0
            var failure: RedisError?
            while next < Swift.min(configuration.concurrency, batch.count) {
                let entry = batch[next]
                next += 1
                group.addTask { await handleOne(entry) }
            }
            for await result in group {
                if failure == nil { failure = result }
                guard failure == nil, next < batch.count, !Task.isCancelled else { continue }
                let entry = batch[next]
                next += 1
                group.addTask { await handleOne(entry) }
            }
            return failure
        }
        if let failure { throw failure }
    }

    /// The fast path of ``run(until:batchHandler:handler:)``: gives the ordinary entries of
    /// `batch` to `batchHandler`, acknowledges those it handled at once, and returns what is
    /// left for the entry-by-entry path (all of the batch when the handler or the
    /// acknowledgement failed).
    private func handleAtOnce(
        _ batch: [Entry], with batchHandler: @Sendable ([Entry]) async throws -> [Entry], remaining: RemainingEntries
    ) async -> [Entry] {
        let ordinary = batch.filter { $0[DeadLetters.replayField] == nil && $0.deliveryCount <= configuration.maxDeliveries }
        guard !ordinary.isEmpty else { return batch }
        do {
            let left = Set(try await batchHandler(ordinary).map(\.id))
            let handled = ordinary.map(\.id).filter { !left.contains($0) }
            try await acknowledge(handled)
            for id in handled { remaining.remove(id) }
            let done = Set(handled)
            return batch.filter { !done.contains($0.id) }
        } catch {
            if !Task.isCancelled {
                logger.debug(
                    "Batch not handled at once; its entries are handled one by one",
                    metadata: ["entries": "\(ordinary.count)", "error": "\(error)"])
            }
            return batch
        }
    }

    private func process(
        _ entry: Entry, shouldStop: @Sendable () -> Bool, handler: @Sendable (Entry) async throws -> Void
    ) async throws(RedisError) {
        // A dead letter replayed for another group (``DeadLetters/replay(ids:)``): this group
        // handled the original already.
        if let target = entry[DeadLetters.replayField], target != group {
            try await acknowledge([entry.id])
            return
        }
        if entry.deliveryCount > configuration.maxDeliveries {
            try await deadLetter(
                entry,
                reason:
                    "delivered \(entry.deliveryCount) times without acknowledgement (max \(configuration.maxDeliveries))"
            )
            return
        }
        var pause = configuration.retryDelay
        while true {
            do {
                try await handler(entry)
                break
            } catch {
                // Cancelled mid-handler: not the entry's fault; it stays pending for a later claim.
                if Task.isCancelled { return }
                switch FailureDisposition(of: error) {
                case .temporary:
                    logger.notice(
                        "Handler failed for now; the entry is tried again, no delivery spent",
                        metadata: ["entry": "\(entry.id)", "error": "\(error)", "pause_ms": "\(pause.wholeMilliseconds)"])
                    try? await Task.sleep(for: pause)
                    // Stopping while the world is down: leave the entry pending for the next consumer.
                    if Task.isCancelled || shouldStop() { return }
                    pause = Swift.min(pause * 2, configuration.maximumRetryDelay)
                    continue
                case .permanent:
                    try await deadLetter(entry, reason: "\(error)")
                    return
                case .counted:
                    if entry.deliveryCount >= configuration.maxDeliveries {
                        try await deadLetter(entry, reason: "\(error)")
                    } else {
                        logger.notice(
                            "Handler failed; entry stays pending for redelivery",
                            metadata: [
                                "entry": "\(entry.id)", "deliveries": "\(entry.deliveryCount)", "error": "\(error)",
                            ])
                    }
                    return
                }
            }
        }
        try await acknowledge([entry.id])
    }

    static func parseEntry(_ value: RedisValue, deliveryCount: Int) throws(RedisError) -> Entry {
        guard let pair = value.array, pair.count == 2, let id = pair[0].string else {
            throw .protocolError("stream entry \(value)")
        }
        let fields = pair[1].stringPairs.map { Entry.Field(name: $0.name, value: $0.value) }
        return Entry(id: id, fields: fields, deliveryCount: deliveryCount)
    }

    /// KEYS: stream, dead-letter stream. ARGV: group, consumer, id, reason, delivery count,
    /// then `field:<name>`, value pairs.
    static let deadLetterScript = RedisScript(
        """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 then return false end
        local fields = {'original-id', ARGV[3], 'original-stream', KEYS[1], 'group', ARGV[1],
            'consumer', ARGV[2], 'reason', ARGV[4], 'delivery-count', ARGV[5]}
        for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
        local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        return id
        """)
}

/// The IDs of a batch not yet done, shared with its heartbeat.
private final class RemainingEntries: Sendable {
    private let state: Mutex<[String]>

    init(_ ids: [String]) { state = Mutex(ids) }

    var ids: [String] { state.withLock { $0 } }

    func remove(_ id: String) { state.withLock { $0.removeAll { $0 == id } } }
}
