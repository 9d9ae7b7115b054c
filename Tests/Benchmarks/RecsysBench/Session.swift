import StylecastRecommender

/// Anonymous sessions as the recommendation service serves them (`RecommenderModel.recommend`
/// with an empty user id and a context, Services/Recommendation/RecommendationService/
/// RecommenderModel+Scoring.swift): no user index, each context item a view at the latest time
/// the model knows, the hybrid blend over that history (ALS folds it in as for an unknown user),
/// and only the context items excluded.
///
/// The benchmark hides a user's id and gives the last items of their training sequence as the
/// context; the user's other training items are neither in the query nor excluded, since the
/// service knows nothing else of an anonymous visitor.
enum AnonymousSession {
    /// Context length: the last items of the user's training sequence.
    static let contextLength = 3

    /// Weight of each context item: a view, as the service's `LoggedInteraction.weight(of: "view")`
    /// (the benchmark does not link the service; the two must stay equal).
    static let viewWeight: Float = 0.2
}

extension Stage {
    /// The anonymous-session query for a user's context: no user index, the last
    /// ``AnonymousSession/contextLength`` items of the training sequence (oldest first) as views
    /// at ``latestTrainingTime``, which is also the request time.
    /// - Parameter user: The user whose context is given; the query does not name them.
    func sessionQuery(user: Int) -> RecommendationQuery {
        let context = histories[user].sorted { $0.time < $1.time }.suffix(AnonymousSession.contextLength)
        let views = context.map {
            HistoryEvent(item: $0.item, time: latestTrainingTime, weight: AnonymousSession.viewWeight)
        }
        return RecommendationQuery(user: nil, history: views, now: latestTrainingTime)
    }
}
