import StylecastRecommender

/// A trained recommender: the id maps, the users' histories at training time and the models
/// blended by the hybrid ranker. Immutable; a refresh replaces it as a whole.
///
/// Times are days since 1970. `now` is the time of the latest interaction seen, not the wall
/// clock, so that replayed historical data (H&M is from 2018-2020) keeps its popularity window.
package final class RecommenderModel: Sendable {
    /// Identifies this training run (milliseconds since 1970 when it was trained); cache entries
    /// of another version are misses.
    package let version: UInt64
    /// The last stream entry id the training read ("0-0" when none); interactions after it
    /// reach scoring through the per-user recent events.
    package let watermark: String
    /// Users with a history.
    package let users: IdentifierIndex
    /// Items the models score.
    package let items: IdentifierIndex
    /// Each user's events at training time, by user index.
    package let histories: [[UserEvent]]
    /// Canonical category of each item (`""` when unknown).
    package let categories: [String]
    /// The latest interaction time, days.
    package let now: Double
    /// Interactions the models were trained on.
    package let interactionCount: Int
    /// How long training took.
    package let trainingMilliseconds: Double
    /// Item co-occurrence (also the neighbours of SimilarItems and CompleteTheLook).
    package let coOccurrence: CoOccurrenceModel?
    /// Recent popularity (the answer for users without a history).
    package let popularity: PopularityModel
    /// Implicit ALS; `nil` without interactions.
    package let als: ALSModel?
    /// The repurchase rule and score, over purchases only.
    package let repurchase: RepurchaseModel?
    /// Blend weights of the components.
    package let weights: BlendWeights

    /// Wraps trained models.
    package init(
        version: UInt64, watermark: String, users: IdentifierIndex, items: IdentifierIndex, histories: [[UserEvent]],
        categories: [String], now: Double, interactionCount: Int, trainingMilliseconds: Double,
        als: ALSModel?, coOccurrence: CoOccurrenceModel?, popularity: PopularityModel, repurchase: RepurchaseModel?,
        weights: BlendWeights
    ) {
        self.version = version
        self.watermark = watermark
        self.users = users
        self.items = items
        self.histories = histories
        self.categories = categories
        self.now = now
        self.interactionCount = interactionCount
        self.trainingMilliseconds = trainingMilliseconds
        self.coOccurrence = coOccurrence
        self.popularity = popularity
        self.als = als
        self.repurchase = repurchase
        self.weights = weights
    }

    /// A model of nothing: every list is empty until the first refresh with interactions.
    package static func empty(version: UInt64) -> RecommenderModel {
        // Zero items: building the popularity model cannot fail.
        RecommenderModel(
            version: version, watermark: "0-0", users: IdentifierIndex(), items: IdentifierIndex(), histories: [],
            categories: [], now: 0, interactionCount: 0, trainingMilliseconds: 0, als: nil,
            coOccurrence: nil, popularity: try! PopularityModel(interactions: [], itemCount: 0, now: 0), repurchase: nil,
            weights: BlendWeights())
    }
}
