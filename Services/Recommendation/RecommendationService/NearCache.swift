import StylecastProto
import StylecastRedis
import Synchronization

/// A copy, in process memory, of the cache entries this replica read from Redis, kept coherent
/// by Redis's invalidations (``RedisInvalidationListener``): a cache hit is answered without a
/// Redis round trip, and an entry leaves as soon as Redis reports its key changed (a new
/// interaction, a fill by any replica, expiry, a flush).
///
/// Copies are only made and served while the invalidation subscription is live; when it is
/// lost (Redis restarted, unreachable or silent for the listener's liveness) every copy is
/// dropped and lookups go to Redis, which then answers or fails as before. A copy also keeps
/// the Redis entry's own expiry, so it never outlives the entry whatever Redis's expiry lag.
///
/// A read from Redis racing an invalidation of the same key cannot leave a stale copy: the
/// read takes a ticket before it is sent, an invalidation of the key voids the ticket, and
/// only a valid ticket stores its copy.
package final class RecommendationNearCache: Sendable {
    /// One copied entry.
    package struct Entry: Sendable {
        /// The model version that computed the answer.
        package var version: UInt64
        /// The `k` it was computed for.
        package var k: Int
        /// The whole answer.
        package var response: Stylecast_V1_RecommendResponse
        /// When the Redis entry expires.
        package var expires: ContinuousClock.Instant

        /// Creates an entry.
        package init(version: UInt64, k: Int, response: Stylecast_V1_RecommendResponse, expires: ContinuousClock.Instant) {
            self.version = version
            self.k = k
            self.response = response
            self.expires = expires
        }
    }

    /// Permission to store what one Redis read returns.
    package struct Ticket: Sendable {
        fileprivate var key: String
        fileprivate var number: UInt64
        fileprivate var epoch: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Reads in flight: key -> ticket number of the latest read of that key.
        var reads: [String: UInt64] = [:]
        var nextTicket: UInt64 = 0
        /// Bumped whenever everything is dropped, voiding every ticket given before.
        var epoch: UInt64 = 0
        var isLive = false
    }

    private let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty, not yet live, near cache.
    /// - Parameter capacity: Most entries kept; when full, a new copy replaces all of them
    ///   (entries are small and refill from Redis on the next hit).
    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// The copied answer for `key`, cut to `k` items (whole with `whole`), if it was computed by
    /// model `version` for at least `k` items and has not expired.
    package func lookup(key: String, k: Int, version: UInt64, whole: Bool = false) -> Stylecast_V1_RecommendResponse? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.isLive, let entry = state.entries[key] else { return nil }
            guard entry.expires > now, entry.version == version else {
                state.entries[key] = nil
                return nil
            }
            guard entry.k >= k else { return nil }
            var response = entry.response
            if !whole, response.items.count > k { response.items.removeSubrange(k...) }
            return response
        }
    }

    /// A ticket for a Redis read of `key` about to be sent; `nil` while not live.
    package func beginRead(of key: String) -> Ticket? {
        state.withLock { state in
            guard state.isLive else { return nil }
            state.nextTicket += 1
            state.reads[key] = state.nextTicket
            return Ticket(key: key, number: state.nextTicket, epoch: state.epoch)
        }
    }

    /// Ends a read: stores `entry` if the ticket is still valid (nothing invalidated the key
    /// or dropped everything since the ticket was given).
    package func endRead(_ ticket: Ticket, storing entry: Entry?) {
        state.withLock { state in
            guard state.reads[ticket.key] == ticket.number else { return }
            state.reads[ticket.key] = nil
            guard let entry, state.isLive, state.epoch == ticket.epoch else { return }
            if state.entries.count >= capacity && state.entries[ticket.key] == nil {
                state.entries.removeAll(keepingCapacity: true)
            }
            state.entries[ticket.key] = entry
        }
    }

    /// Applies one event of the invalidation subscription.
    package func apply(_ event: RedisInvalidationListener.Event) {
        state.withLock { state in
            switch event {
            case .invalidated(let keys):
                for key in keys {
                    state.entries[key] = nil
                    state.reads[key] = nil
                }
            case .subscribed, .flushedAll, .lost:
                state.entries.removeAll()
                state.reads.removeAll()
                state.epoch += 1
                if case .subscribed = event { state.isLive = true }
                if case .lost = event { state.isLive = false }
            }
        }
    }

    /// Entries held now.
    package var count: Int { state.withLock { $0.entries.count } }

    /// Whether the subscription is live, so copies are made and served.
    package var isLive: Bool { state.withLock { $0.isLive } }
}
