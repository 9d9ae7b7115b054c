import Prometheus
import StylecastCalendar
import StylecastContracts
import StylecastProto
import StylecastRedis
import SwiftProtobuf

/// Each user's latest Recommend answer in Redis, with a time to live.
///
/// Key `stylecast:rec:{<user id>}`: the model version (u64 LE), the `k` it was computed for
/// (u32 LE), then the binary protobuf `RecommendResponse`. An entry is a hit for a request when
/// it was computed by the current model for at least that `k`. The worker deletes the entry
/// when the user interacts; a fill is written only if the user's recent events did not change
/// since they were read (one script over the two keys, which share the user's hash tag), so a
/// fill racing an invalidation cannot store a stale answer.
///
/// With a ``RecommendationNearCache``, entries read from Redis are also copied into process
/// memory and later hits are answered from there while Redis's invalidations keep the copies
/// coherent.
package struct RecommendationCache: Sendable {
    private let redis: RedisClient
    private let timeToLive: Duration
    private let near: RecommendationNearCache?
    private let lookups: LookupCounters?

    static let fillScript = RedisScript(
        """
        if redis.call('HLEN', KEYS[2]) == tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """)

    /// Creates the cache.
    /// - Parameters:
    ///   - redis: The Redis pool.
    ///   - timeToLive: Lifetime of an entry; zero turns the cache off.
    ///   - near: Copies of the entries in process memory, or `nil` to read Redis on every lookup.
    ///   - metrics: Where to count lookups by result, `stylecast_rec_cache_lookups_total{result}`
    ///     (`near`, `redis` or `miss`); `nil` counts nothing.
    package init(
        redis: RedisClient, timeToLive: Duration, near: RecommendationNearCache? = nil,
        metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.redis = redis
        self.timeToLive = timeToLive
        self.near = near
        self.lookups = metrics.map(LookupCounters.init)
    }

    /// Whether entries are read and written at all.
    package var isEnabled: Bool { timeToLive > .zero }

    /// The cached answer for the user, cut to `k` items, if the entry is a hit.
    /// - Parameters:
    ///   - userID: The user.
    ///   - k: Items wanted.
    ///   - version: The current model's version.
    ///   - whole: Return every item the entry holds (at least `k`), not only the first `k`.
    /// - Throws: A ``RedisError`` (Redis down: UNAVAILABLE for the caller).
    package func lookup(userID: String, k: Int, version: UInt64, whole: Bool = false) async throws(RedisError)
        -> Stylecast_V1_RecommendResponse?
    {
        guard isEnabled else { return nil }
        let key = StylecastKeys.Recommendation.cache(userID: userID)
        if let near, let copy = near.lookup(key: key, k: k, version: version, whole: whole) {
            lookups?.near.increment()
            return copy
        }
        // With a ticket to copy the entry, its remaining lifetime comes in the same round trip,
        // so the copy expires with it.
        let ticket = near?.beginRead(of: key)
        let replies: [RedisValue]
        do throws(RedisError) {
            // An error reply (LOADING after a restart, WRONGTYPE) fails the lookup as `send` would.
            replies = try await redis.pipelineFailingOnError(
                [["GET", RedisArgument(key)]] + (ticket == nil ? [] : [["PTTL", RedisArgument(key)]]))
        } catch {
            if let ticket { near?.endRead(ticket, storing: nil) }
            throw error
        }
        let read = ContinuousClock.now
        let hit = Self.hit(replies[0].bytes, k: k, version: version)
        (hit == nil ? lookups?.miss : lookups?.redis)?.increment()
        if let near, let ticket {
            let remaining = replies[1].integer ?? -2
            near.endRead(
                ticket,
                storing: hit.flatMap { hit in
                    remaining > 0
                        ? .init(version: version, k: hit.k, response: hit.whole, expires: read + .milliseconds(remaining))
                        : nil
                })
        }
        return whole ? hit?.whole : hit?.response
    }

    /// Decodes an entry that is a hit for `k` and `version`: the answer cut to `k` and the whole
    /// stored answer with the `k` it was computed for.
    private static func hit(
        _ bytes: [UInt8]?, k: Int, version: UInt64
    ) -> (response: Stylecast_V1_RecommendResponse, whole: Stylecast_V1_RecommendResponse, k: Int)? {
        guard let bytes, let entry = decode(bytes), entry.version == version, entry.k >= k,
            let whole = try? Stylecast_V1_RecommendResponse(serializedBytes: Array(bytes[12...]))
        else { return nil }
        var response = whole
        if response.items.count > k { response.items.removeSubrange(k...) }
        return (response, whole, entry.k)
    }

    /// Stores an answer computed for `k` items, unless the user's recent events changed meanwhile.
    /// - Parameters:
    ///   - response: The answer.
    ///   - userID: The user.
    ///   - k: The `k` it was computed for.
    ///   - version: The model that computed it.
    ///   - recentCount: Number of the user's recent events when they were read.
    /// - Throws: A ``RedisError``.
    package func fill(
        _ response: Stylecast_V1_RecommendResponse, userID: String, k: Int, version: UInt64, recentCount: Int
    ) async throws(RedisError) {
        guard isEnabled else { return }
        var bytes = withUnsafeBytes(of: version.littleEndian) { Array($0) }
        withUnsafeBytes(of: UInt32(k).littleEndian) { bytes.append(contentsOf: $0) }
        // Serialising a message built in process cannot fail.
        bytes += try! response.serializedBytes() as [UInt8]
        let milliseconds = timeToLive.wholeMilliseconds
        try await redis.evaluate(
            Self.fillScript,
            keys: [
                RedisArgument(StylecastKeys.Recommendation.cache(userID: userID)),
                RedisArgument(StylecastKeys.Recommendation.recent(userID: userID)),
            ],
            arguments: [RedisArgument(recentCount), RedisArgument(bytes), RedisArgument(milliseconds)])
    }

    static func decode(_ bytes: [UInt8]) -> (version: UInt64, k: Int)? {
        guard bytes.count >= 12 else { return nil }
        var version: UInt64 = 0
        for index in 0..<8 { version |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        var k: UInt32 = 0
        for index in 0..<4 { k |= UInt32(bytes[8 + index]) << (8 * UInt32(index)) }
        return (version, Int(k))
    }
}

/// `stylecast_rec_cache_lookups_total{result}`: answered from the near cache, read from Redis,
/// or missed.
private struct LookupCounters: Sendable {
    let near: Counter
    let redis: Counter
    let miss: Counter

    init(metrics: PrometheusCollectorRegistry) {
        let descriptor = MetricNameDescriptor(
            namespace: "stylecast", metricName: "rec_cache_lookups", unitName: "total",
            helpText: "Recommend cache lookups by result: near (process memory), redis, miss")
        near = metrics.makeCounter(descriptor: descriptor, labels: [("result", "near")])
        redis = metrics.makeCounter(descriptor: descriptor, labels: [("result", "redis")])
        miss = metrics.makeCounter(descriptor: descriptor, labels: [("result", "miss")])
    }
}
