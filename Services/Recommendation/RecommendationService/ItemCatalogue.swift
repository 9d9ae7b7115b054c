import StylecastProto
import Synchronization

/// What this replica knows of each item for the request rules and the item state: its
/// ``ItemFacts`` and which items are withdrawn (out of stock or hidden), from the stored bodies.
///
/// Bodies arrive from several readers at once: bulk reads at model load and for embedded items,
/// and the ``ItemStateFollower``'s reads after a state change. Each read takes a ``stamp()``
/// before it reads and passes it to ``merge(_:readAt:)``, which skips an item merged by a read
/// that began later: a slow bulk read never overwrites a newer state.
package final class ItemCatalogue: Sendable {
    private struct State {
        var facts: [String: ItemFacts] = [:]
        var withdrawn: Set<String> = []
        var merges: UInt64 = 0
        /// Raised whenever a known item's facts change.
        var factsGeneration: UInt64 = 0
        /// The stamp of the read that last set each item.
        var readStamp: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty catalogue.
    package init() {}

    /// The stamp a reader takes before it reads bodies, for ``merge(_:readAt:)``.
    package func stamp() -> UInt64 {
        state.withLock { state in
            state.merges += 1
            return state.merges
        }
    }

    /// Takes in the bodies one read returned, except where a read that began later already set
    /// the item.
    /// - Parameters:
    ///   - items: Stored bodies by item id.
    ///   - stamp: What ``stamp()`` returned before the read.
    package func merge(_ items: [String: Stylecast_V1_FashionItem], readAt stamp: UInt64) {
        state.withLock { state in
            for (id, item) in items where state.readStamp[id, default: 0] <= stamp {
                let facts = ItemFacts(item)
                if let known = state.facts[id], known != facts { state.factsGeneration += 1 }
                state.facts[id] = facts
                state.readStamp[id] = stamp
                if facts.isListed { state.withdrawn.remove(id) } else { state.withdrawn.insert(id) }
            }
        }
    }

    /// Every item's facts and the withdrawn items, as one consistent copy.
    package var snapshot: (facts: [String: ItemFacts], withdrawn: Set<String>) {
        state.withLock { ($0.facts, $0.withdrawn) }
    }

    /// Counts the changes of known items' facts (a price, an attribute, stock or hidden): what a
    /// list computed with filters depends on beyond the model. A new item does not count.
    package var factsGeneration: UInt64 { state.withLock { $0.factsGeneration } }

    /// The items out of stock or hidden.
    package var withdrawn: Set<String> { state.withLock { $0.withdrawn } }

    /// The ids of every item known.
    package var itemIDs: [String] { state.withLock { Array($0.facts.keys) } }
}
