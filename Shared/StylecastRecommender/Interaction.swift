/// One user-item event of the training data: a purchase, a review, a click.
///
/// `time` is in whatever unit the caller uses consistently (days for H&M transactions,
/// the position in the sequence for Amazon); the time-decay parameters of the models are in
/// the same unit.
public struct Interaction: Sendable, Equatable {
    /// Dense user index, `0..<userCount`.
    public var user: Int
    /// Dense item index, `0..<itemCount`.
    public var item: Int
    /// When the event happened, in the caller's time unit.
    public var time: Double
    /// Strength of the event (`r` in the confidence `1 + alpha * r`), usually 1 per event.
    public var weight: Float

    /// Creates an interaction.
    /// - Parameters:
    ///   - user: Dense user index.
    ///   - item: Dense item index.
    ///   - time: Event time in the caller's unit (default 0 when there is no time).
    ///   - weight: Strength of the event (default 1).
    public init(user: Int, item: Int, time: Double = 0, weight: Float = 1) {
        self.user = user
        self.item = item
        self.time = time
        self.weight = weight
    }
}

/// One event of a user's history, as a query carries it.
public struct HistoryEvent: Sendable, Equatable {
    /// Dense item index.
    public var item: Int
    /// When the event happened, in the caller's time unit.
    public var time: Double
    /// Strength of the event (default 1).
    public var weight: Float

    /// Creates a history event.
    /// - Parameters:
    ///   - item: Dense item index.
    ///   - time: Event time in the caller's unit.
    ///   - weight: Strength of the event.
    public init(item: Int, time: Double = 0, weight: Float = 1) {
        self.item = item
        self.time = time
        self.weight = weight
    }
}

/// What a recommender is asked about: a user (known to the trained models or not), the
/// user's history and the moment of the request.
public struct RecommendationQuery: Sendable {
    /// The user's index in the trained models, or `nil` for a user they have not seen
    /// (matrix factorisation then folds the history in).
    public var user: Int?
    /// The user's events, any order.
    public var history: [HistoryEvent]
    /// The time of the request, in the unit of the events; ages are `now - time`.
    public var now: Double

    /// Creates a query.
    /// - Parameters:
    ///   - user: Index in the trained models, or `nil` for an unseen user.
    ///   - history: The user's events.
    ///   - now: Time of the request, in the unit of the events.
    public init(user: Int?, history: [HistoryEvent], now: Double) {
        self.user = user
        self.history = history
        self.now = now
    }
}

/// An item and its score in a ranked list.
public struct ScoredItem: Sendable, Equatable {
    /// Dense item index.
    public var item: Int
    /// The ranking score (higher first); its scale depends on the model.
    public var score: Float

    /// Creates a scored item.
    /// - Parameters:
    ///   - item: Dense item index.
    ///   - score: The ranking score.
    public init(item: Int, score: Float) {
        self.item = item
        self.score = score
    }
}
