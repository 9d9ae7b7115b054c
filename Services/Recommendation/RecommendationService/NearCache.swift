import StylecastContracts
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
///
/// Beside a user's entry it keeps *rule lists*: the user's ranking computed with a request's
/// attribute and price filters (``lookupRuleList(key:filters:version:)``), which exist only
/// here. They are dropped with the user's entry and whenever the user's recent events change
/// (their key shares the entry's, plus ``StylecastKeys/Recommendation/recentSuffix``), and are
/// stored with a ticket taken before the user's events were read, like copies.
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
        /// Rule lists: the user's cache key -> filters (``ListRules/filterKey``) -> list.
        var ruleLists: [String: [String: Entry]] = [:]
        var ruleListCount = 0
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
    /// - Parameter capacity: Most entries and rule lists kept together; when full, a new one
    ///   replaces all of them (they refill on the next hit).
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
            guard !whole, entry.response.items.count > k else { return entry.response }
            // Copies only the k items kept (cutting a copy of the whole list would copy all of it).
            var response = entry.response
            response.items = Array(entry.response.items.prefix(k))
            return response
        }
    }

    /// The rule list stored for `key`'s user and these filters, with the depth it was computed
    /// for, if the same model computed it and it has not expired.
    package func lookupRuleList(key: String, filters: String, version: UInt64) -> (response: Stylecast_V1_RecommendResponse, k: Int)? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.isLive, let entry = state.ruleLists[key]?[filters] else { return nil }
            guard entry.expires > now, entry.version == version else {
                state.ruleLists[key]?[filters] = nil
                state.ruleListCount -= 1
                return nil
            }
            return (entry.response, entry.k)
        }
    }

    /// Stores a rule list computed from what was read under `ticket`, if nothing invalidated
    /// the user's keys since it was taken.
    package func endRead(_ ticket: Ticket, storingRuleList entry: Entry, filters: String) {
        state.withLock { state in
            guard state.reads[ticket.key] == ticket.number else { return }
            state.reads[ticket.key] = nil
            guard state.isLive, state.epoch == ticket.epoch else { return }
            if state.entries.count + state.ruleListCount >= capacity { Self.dropAll(&state) }
            if state.ruleLists[ticket.key, default: [:]].updateValue(entry, forKey: filters) == nil { state.ruleListCount += 1 }
        }
    }

    private static func dropAll(_ state: inout State) {
        state.entries.removeAll(keepingCapacity: true)
        state.ruleLists.removeAll(keepingCapacity: true)
        state.ruleListCount = 0
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
            if state.entries.count + state.ruleListCount >= capacity && state.entries[ticket.key] == nil {
                Self.dropAll(&state)
            }
            state.entries[ticket.key] = entry
        }
    }

    /// Applies one event of the invalidation subscription.
    package func apply(_ event: RedisInvalidationListener.Event) {
        state.withLock { state in
            switch event {
            case .invalidated(let keys):
                let suffix = StylecastKeys.Recommendation.recentSuffix
                for key in keys {
                    state.entries[key] = nil
                    state.reads[key] = nil
                    // The user's entry or recent events changed: their rule lists go, and a
                    // read of their events in flight must not store one.
                    let user = key.hasSuffix(suffix) ? String(key.dropLast(suffix.count)) : key
                    state.reads[user] = nil
                    if let dropped = state.ruleLists.removeValue(forKey: user) { state.ruleListCount -= dropped.count }
                }
            case .subscribed, .flushedAll, .lost:
                state.entries.removeAll()
                state.ruleLists.removeAll()
                state.ruleListCount = 0
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
