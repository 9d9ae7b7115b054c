import StylecastErrors
import StylecastRecommender

/// Failures of the recommendation service, classified for ``ErrorStatusTable``.
package enum RecommendationError: StylecastError, Equatable {
    /// The item is neither in the trained model nor among the embedded items (NOT_FOUND).
    case unknownItem(String)
    /// None of a session context's items is known (NOT_FOUND).
    case unknownContext(Int)
    /// No model is loaded yet (UNAVAILABLE; the service is NOT_SERVING meanwhile).
    case modelNotReady
    /// The model stored in Redis cannot be decoded (UNAVAILABLE until a refresh replaces it).
    case unreadableStoredModel(String)
    /// Training failed (the recommender's own classification).
    case training(RecommenderError)

    package var failureKind: FailureKind {
        switch self {
        case .unknownItem, .unknownContext: .notFound
        case .modelNotReady, .unreadableStoredModel: .unavailable
        case .training(let error): error.failureKind
        }
    }

    package var description: String {
        switch self {
        case .unknownItem(let id): "item_id: no item \"\(id)\" is known to the recommender"
        case .unknownContext(let count): "context_item_ids: none of the \(count) items is known to the recommender"
        case .modelNotReady: "the recommendation model is not loaded yet"
        case .unreadableStoredModel(let reason): "the stored recommendation model cannot be read: \(reason)"
        case .training(let error): "training failed: \(error)"
        }
    }
}
