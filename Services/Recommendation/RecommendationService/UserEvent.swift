import StylecastRecommender

/// One event of a user's history as the service keeps it: the item, when, how strong, and
/// whether it was a purchase (only purchases can make an item a repurchase candidate).
package struct UserEvent: Sendable, Equatable {
    /// Item index in the model.
    package var item: Int32
    /// Days since 1970.
    package var day: Double
    /// Strength (``LoggedInteraction/weight``).
    package var weight: Float
    /// Whether the event is a purchase.
    package var isPurchase: Bool

    /// The event as the models' queries carry it.
    package var historyEvent: HistoryEvent { HistoryEvent(item: Int(item), time: day, weight: weight) }
}
