import Logging
import ServiceLifecycle
import StylecastCalendar
import StylecastContracts
import StylecastProto
import StylecastRedis

/// What one pending sweep did.
struct PendingSweepResult: Sendable, Equatable, CustomStringConvertible {
    /// Records whose body was written and that are queued now.
    var queued = 0
    /// Records without a body whose id (and content) were released.
    var released = 0

    var description: String { "queued \(queued), released \(released)" }

    static func + (lhs: Self, rhs: Self) -> Self { Self(queued: lhs.queued + rhs.queued, released: lhs.released + rhs.released) }
}

extension IngestStore {
    /// Settles the records cut off between the store's steps and not sent again (the type's
    /// documentation): each one pending for at least `age` by Redis's clock is queued if its
    /// body was written (the batch stopped before step 3), else its id and content are released
    /// (it stopped before step 2), so that the id can be stored again.
    /// - Parameters:
    ///   - age: How long a record must have been pending, since it was last taken or resumed.
    ///   - limit: Most records settled per pending list in one sweep.
    /// - Returns: How many were queued and released.
    func sweepPending(olderThan age: Duration, limit: Int = 1000) async throws -> PendingSweepResult {
        var result = try await sweep(
            PendingList(
                ids: StylecastKeys.itemIDs, content: StylecastKeys.itemContent, pending: StylecastKeys.itemsPending,
                since: StylecastKeys.itemsPendingSince),
            age: age, limit: limit, bodyKey: StylecastKeys.item
        ) { bodies in
            // The queue step reads no fingerprint.
            let records = try bodies.map { _, bytes in
                try Self.record(item: try Stylecast_V1_FashionItem(serializedBytes: bytes), fingerprint: "")
            }
            return try await queueItems(records)
        }
        for partition in partitions.all {
            result = result + (try await sweep(
                PendingList(
                    ids: StylecastKeys.signalIDs(partition: partition), content: nil,
                    pending: StylecastKeys.signalsPending(partition: partition),
                    since: StylecastKeys.signalsPendingSince(partition: partition)),
                age: age, limit: limit, bodyKey: StylecastKeys.signal
            ) { bodies in
                let records = try bodies.map { _, bytes in
                    try Self.record(series: try Stylecast_V1_SearchInterestSeries(serializedBytes: bytes))
                }
                return try await queueSignals(records, partition: partition)
            })
        }
        return result
    }

    /// The keys of one pending list and the sets its records hold a place in.
    private struct PendingList {
        var ids: String
        /// The content fingerprints (items only).
        var content: String?
        var pending: String
        var since: String
    }

    /// One pending list's sweep, by the clock of the node that holds it (the one the decide
    /// scripts read).
    /// - Parameter requeue: Queues the records whose body exists (id and body), returning one
    ///   code per record: 0 queued now, 1 queued before.
    private func sweep(
        _ list: PendingList, age: Duration, limit: Int, bodyKey: (String) -> String,
        requeue: ([(String, [UInt8])]) async throws -> [Int]
    ) async throws -> PendingSweepResult {
        let replies = try await redis.pipelineFailingOnError([
            ["HGETALL", RedisArgument(list.since)], ["HKEYS", RedisArgument(list.pending)],
        ])
        let clock = try await redis.evaluate(Self.clockScript, keys: [RedisArgument(list.since)]).array ?? []
        guard clock.count == 2, let seconds = clock[0].integer, let micros = clock[1].integer else {
            throw RedisError.protocolError("TIME answered \(clock)")
        }
        let now = seconds * 1000 + micros / 1000
        let cutoff = now - age.wholeMilliseconds
        let pending = Set((replies[1].array ?? []).compactMap(\.string))
        var since: [String: Int64] = [:]
        for (id, value) in replies[0].fieldMap ?? [:] { since[id] = value.string.flatMap { Int64($0) } ?? 0 }
        // Pending records from before the sweep existed have no time: they start waiting now. A
        // time whose record is no longer pending (queued or released meanwhile) goes.
        let untidy = pending.filter { since[$0] == nil } + since.keys.filter { !pending.contains($0) }
        if !untidy.isEmpty {
            _ = try await redis.evaluate(
                Self.tidyScript, keys: [RedisArgument(list.pending), RedisArgument(list.since)],
                arguments: [RedisArgument(now)] + untidy.map { RedisArgument($0) })
        }
        since = since.filter { pending.contains($0.key) }
        let old = since.filter { $0.value <= cutoff }.sorted { $0.value < $1.value }.prefix(limit).map { ($0.key, $0.value) }
        guard !old.isEmpty else { return PendingSweepResult() }
        let bodies = try await redis.values(of: old.map { bodyKey($0.0) })
        var written: [(String, [UInt8])] = []
        var missing: [(String, Int64)] = []
        for ((id, seen), body) in zip(old, bodies) {
            if let body { written.append((id, body)) } else { missing.append((id, seen)) }
        }
        var result = PendingSweepResult()
        if !written.isEmpty { result.queued = try await requeue(written).filter { $0 == 0 }.count }
        if !missing.isEmpty {
            let codes = try await run(
                Self.releasePendingScript,
                keys: [list.ids, list.pending, list.since].map { RedisArgument($0) } + (list.content.map { [RedisArgument($0)] } ?? []),
                arguments: missing.flatMap { [RedisArgument($0.0), RedisArgument($0.1)] }, records: missing.count, codes: 0...1)
            result.released = codes.filter { $0 == 0 }.count
        }
        return result
    }

    /// Redis's clock on the node of KEYS[1]: `TIME`'s seconds and microseconds.
    static let clockScript = RedisScript("local clock = redis.call('TIME') return {tonumber(clock[1]), tonumber(clock[2])}")

    /// Gives each pending record without a time the time ARGV[1], and drops the times of records
    /// no longer pending. KEYS: pending, pending-since. ARGV: the time, then the ids.
    static let tidyScript = RedisScript(
        """
        for i = 2, #ARGV do
          if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
            redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[1])
          else
            redis.call('HDEL', KEYS[2], ARGV[i])
          end
        end
        return 0
        """)

    /// Releases records pending without a body, each only if its pending time is still the one
    /// the sweep read (a record resent meanwhile is its sender's). KEYS: ids, pending,
    /// pending-since, then the content set (items). ARGV: per record its id and that time.
    /// Codes: 0 released, 1 left alone.
    static let releasePendingScript = RedisScript(
        """
        local codes = {}
        for i = 1, #ARGV / 2 do
          local id, seen = ARGV[2 * i - 1], ARGV[2 * i]
          if redis.call('HGET', KEYS[3], id) == seen then
            local fingerprint = redis.call('HGET', KEYS[2], id)
            redis.call('SREM', KEYS[1], id)
            if KEYS[4] and fingerprint then redis.call('SREM', KEYS[4], fingerprint) end
            redis.call('HDEL', KEYS[2], id)
            redis.call('HDEL', KEYS[3], id)
            codes[i] = 0
          else
            codes[i] = 1
          end
        end
        return codes
        """)
}

/// Runs the pending sweep (``IngestStore/sweepPending(olderThan:limit:)``) every ``interval``
/// in each ingest replica (sweeps of several replicas at once settle each record once).
struct PendingSweeper: Service {
    /// Time between sweeps.
    static let interval: Duration = .seconds(60)

    let store: IngestStore
    /// How long a record stays pending before the sweep settles it
    /// (`STYLECAST_INGEST_PENDING_EXPIRY_S`).
    let expiry: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let result = try await store.sweepPending(olderThan: expiry)
                if result != PendingSweepResult() {
                    logger.info(
                        "pending records settled (cut off between the store's steps and not sent again)",
                        metadata: ["queued": "\(result.queued)", "released": "\(result.released)"])
                }
            } catch {
                logger.warning("pending sweep failed; trying again later", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
            } catch {
                return
            }
        }
    }
}
