import StylecastContracts
import StylecastRecommender
import Synchronization

/// The embeddings of known items for content kNN: loaded for the model's items after training
/// or loading, and extended by the worker as text-embedding publishes new items. The
/// ``ContentKNNModel`` is rebuilt lazily after a change.
package final class ContentIndex: Sendable {
    private struct State {
        var vectors: [String: [Float]] = [:]
        var built: (ids: IdentifierIndex, model: ContentKNNModel)?
    }

    private let state = Mutex(State())

    /// Creates an empty index.
    package init() {}

    /// Number of items with an embedding.
    package var count: Int { state.withLock { $0.vectors.count } }

    /// Adds or replaces embeddings (vectors of another width than the first are ignored).
    /// - Parameter vectors: Embedding by item id.
    package func insert(_ vectors: [String: [Float]]) {
        state.withLock { state in
            let width = state.vectors.first?.value.count ?? vectors.first?.value.count ?? 0
            for (id, vector) in vectors where vector.count == width && state.vectors[id] != vector {
                state.vectors[id] = vector
                state.built = nil
            }
        }
    }

    /// Whether the item has an embedding.
    package func contains(_ itemID: String) -> Bool { state.withLock { $0.vectors[itemID] != nil } }

    /// The items closest to `itemID` by cosine, itself left out; empty when it has no embedding.
    /// - Parameters:
    ///   - itemID: The item.
    ///   - count: List length.
    package func similarItems(to itemID: String, count: Int) -> [RankedItem] {
        let built: (ids: IdentifierIndex, model: ContentKNNModel)? = state.withLock { state in
            guard state.vectors[itemID] != nil else { return nil }
            if state.built == nil {
                let ids = IdentifierIndex(state.vectors.keys.sorted())
                var byIndex: [Int: [Float]] = [:]
                for (id, vector) in state.vectors { byIndex[ids[id]!] = vector }
                // Every index comes from `ids` and every vector has the first one's width.
                state.built = (ids, try! ContentKNNModel(embeddings: byIndex, itemCount: ids.count))
            }
            return state.built
        }
        guard let built, let index = built.ids[itemID] else { return [] }
        return built.model.similarItems(to: index, count: count).filter { $0.score.isFinite }.map {
            RankedItem(itemID: built.ids.identifiers[$0.item], score: Double($0.score), reason: .content)
        }
    }
}
