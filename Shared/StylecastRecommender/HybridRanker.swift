/// Blends the min-max normalised scores of several recommenders with fixed weights, applies
/// the optional trend boost, and excludes what the user already has, unless a repurchase is
/// likely.
///
/// Exclusion rule: every item of the query's history is excluded, except the candidates of
/// `repurchase` (bought within its window or at least `minimumCount` times) when a
/// ``RepurchaseModel`` is set. Without one (e.g. Amazon, where a user reviews an item once),
/// all seen items are excluded. Weights are chosen on a validation split (see
/// docs/recommendation.md), never on the test split.
public struct HybridRanker: Sendable {
    /// One blended model.
    public struct Component: Sendable {
        /// Label for reports (e.g. `"als"`).
        public var name: String
        /// The model.
        public var model: any ItemScorer
        /// Blend weight (0 leaves the model out).
        public var weight: Float

        /// Creates a component.
        /// - Parameters:
        ///   - name: Label for reports.
        ///   - model: The model; its `itemCount` must equal the ranker's.
        ///   - weight: Blend weight.
        public init(name: String, model: any ItemScorer, weight: Float) {
            self.name = name
            self.model = model
            self.weight = weight
        }
    }

    /// The blended models.
    public var components: [Component]
    /// The repurchase rule that keeps likely re-buys eligible; `nil` excludes every seen item.
    public var repurchase: RepurchaseModel?
    /// The trend hook, off by default.
    public var boost: ItemBoost
    /// Number of items.
    public let itemCount: Int

    /// Creates a ranker.
    /// - Parameters:
    ///   - components: The models and their weights.
    ///   - repurchase: Rule for already-bought items (default `nil`: exclude them all).
    ///   - boost: Trend boost (default ``ItemBoost/off``).
    /// - Throws: ``RecommenderError/dimensionMismatch(field:expected:actual:)`` when the models
    ///   score different numbers of items, ``RecommenderError/invalidParameter(name:rule:)`` when
    ///   there is no component.
    public init(components: [Component], repurchase: RepurchaseModel? = nil, boost: ItemBoost = .off) throws(RecommenderError) {
        guard let first = components.first else { throw .invalidParameter(name: "components", rule: "must not be empty") }
        for component in components where component.model.itemCount != first.model.itemCount {
            throw .dimensionMismatch(
                field: "\(component.name) item count", expected: first.model.itemCount, actual: component.model.itemCount)
        }
        if let repurchase, repurchase.itemCount != first.model.itemCount {
            throw .dimensionMismatch(field: "repurchase item count", expected: first.model.itemCount, actual: repurchase.itemCount)
        }
        self.components = components
        self.repurchase = repurchase
        self.boost = boost
        self.itemCount = first.model.itemCount
    }

    /// Each component's scores for the query, min-max normalised to `[0, 1]`.
    /// - Parameter query: The user, history and time of the request.
    /// - Returns: One vector of `itemCount` scores per component, in component order.
    public func componentScores(_ query: RecommendationQuery) -> [[Float]] {
        components.map { component in
            var scores = [Float]()
            component.model.score(query, into: &scores)
            ScoreNormalization.minMax(&scores)
            return scores
        }
    }

    /// The weighted sum of normalised component scores, with ``boost`` applied.
    /// - Parameters:
    ///   - componentScores: From ``componentScores(_:)``.
    ///   - weights: One weight per component.
    ///   - boost: The trend boost.
    /// - Returns: One blended score per item.
    public static func blend(_ componentScores: [[Float]], weights: [Float], boost: ItemBoost = .off) -> [Float] {
        guard let count = componentScores.first?.count else { return [] }
        var blended = [Float](repeating: 0, count: count)
        for (scores, weight) in zip(componentScores, weights) where weight != 0 {
            for index in 0..<count { blended[index] += weight * scores[index] }
        }
        boost.apply(to: &blended)
        return blended
    }

    /// Sets the score of every excluded item to `-infinity` (see the exclusion rule above).
    /// - Parameters:
    ///   - scores: Blended scores, changed in place.
    ///   - query: The user's history and time.
    ///   - repurchase: The repurchase rule, or `nil` to exclude every seen item.
    public static func excludeSeen(_ scores: inout [Float], query: RecommendationQuery, repurchase: RepurchaseModel?) {
        let kept = Set(repurchase?.candidates(query).map(\.item) ?? [])
        for event in query.history where event.item >= 0 && event.item < scores.count && !kept.contains(event.item) {
            scores[event.item] = -.infinity
        }
    }

    /// The top `count` items for the query under the blend, the boost and the exclusion rule.
    /// - Parameters:
    ///   - query: The user, history and time of the request.
    ///   - count: List length.
    /// - Returns: Items by decreasing blended score, ties by increasing index.
    public func recommend(_ query: RecommendationQuery, count: Int) -> [ScoredItem] {
        var scores = Self.blend(componentScores(query), weights: components.map(\.weight), boost: boost)
        Self.excludeSeen(&scores, query: query, repurchase: repurchase)
        return TopKSelection.top(count, of: scores)
    }
}
