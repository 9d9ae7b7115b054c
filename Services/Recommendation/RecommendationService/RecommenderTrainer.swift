import StylecastCalendar
import StylecastRecommender

/// Trains a ``RecommenderModel`` from logged interactions: builds the user and item indices
/// (first-seen order), then ALS, co-occurrence, popularity and the repurchase rule. Pure: no
/// Redis, no gRPC.
package struct RecommenderTrainer: Sendable {
    /// ALS latent dimension.
    package var factors: Int
    /// ALS sweeps.
    package var iterations: Int
    /// Repurchase recency window, days.
    package var repurchaseWindowDays: Double
    /// Blend weights.
    package var weights: BlendWeights

    /// Creates a trainer.
    /// - Parameters:
    ///   - factors: ALS latent dimension.
    ///   - iterations: ALS sweeps.
    ///   - repurchaseWindowDays: Repurchase window, days.
    ///   - weights: Blend weights (default ``BlendWeights/init()``).
    package init(factors: Int, iterations: Int, repurchaseWindowDays: Double, weights: BlendWeights = BlendWeights()) {
        self.factors = factors
        self.iterations = iterations
        self.repurchaseWindowDays = repurchaseWindowDays
        self.weights = weights
    }

    /// Trains on every interaction.
    /// - Parameters:
    ///   - interactions: In stream order (by time across partitions); the last position of each
    ///   partition becomes the watermark (``StreamPosition``).
    ///   - categories: Canonical category by item id (items without one get `""`).
    ///   - version: The model version to stamp.
    /// - Returns: The trained model, or an empty one without interactions.
    /// - Throws: ``RecommenderError`` when a model rejects its parameters.
    package func train(
        _ interactions: [LoggedInteraction], categories: [String: String], version: UInt64
    ) throws(RecommenderError) -> RecommenderModel {
        guard !interactions.isEmpty else { return .empty(version: version) }
        let started = ContinuousClock.now
        var users = IdentifierIndex()
        var items = IdentifierIndex()
        var events = [Interaction]()
        events.reserveCapacity(interactions.count)
        var histories = [[UserEvent]]()
        var purchases = [Interaction]()
        var now = -Double.infinity
        for logged in interactions {
            let user = users.insert(logged.userID)
            let item = items.insert(logged.itemID)
            if user == histories.count { histories.append([]) }
            let event = Interaction(user: user, item: item, time: logged.day, weight: logged.weight)
            events.append(event)
            if logged.kind == "purchase" { purchases.append(event) }
            histories[user].append(
                UserEvent(item: Int32(item), day: logged.day, weight: logged.weight, isPurchase: logged.kind == "purchase"))
            now = max(now, logged.day)
        }
        let matrix = try InteractionMatrix(userCount: users.count, itemCount: items.count, interactions: events)
        let als = try ALSModel.train(matrix, configuration: ALSConfiguration(factors: factors, iterations: iterations))
        let coOccurrence = try CoOccurrenceModel.train(
            events, itemCount: items.count, now: now, configuration: Self.coOccurrenceConfiguration)
        let popularity = try Self.popularity(histories: histories, itemCount: items.count, now: now)
        let repurchase = try RepurchaseModel(itemCount: items.count, window: repurchaseWindowDays)
        let elapsed = ContinuousClock.now - started
        return RecommenderModel(
            version: version, watermark: StreamPosition.watermark(of: interactions.lazy.map(\.entryID)), users: users, items: items, histories: histories,
            categories: items.identifiers.map { categories[$0] ?? "" }, now: now, interactionCount: interactions.count,
            trainingMilliseconds: elapsed.milliseconds,
            als: als, coOccurrence: coOccurrence, popularity: popularity, repurchase: repurchase, weights: weights)
    }

    /// The co-occurrence parameters of ``BlendWeights``, for training and for loading a model.
    static let coOccurrenceConfiguration = CoOccurrenceConfiguration(
        pairDecay: TimeDecay(halfLife: BlendWeights.coOccurrencePairHalfLifeDays),
        maximumGap: BlendWeights.coOccurrenceMaximumGapDays,
        historyDecay: TimeDecay(halfLife: BlendWeights.coOccurrenceHistoryHalfLifeDays))

    /// Decayed counts of the last ``BlendWeights/popularityWindowDays`` before `now`, summed
    /// user by user (the order a loaded model sums in too, so both give the same floats).
    static func popularity(histories: [[UserEvent]], itemCount: Int, now: Double) throws(RecommenderError) -> PopularityModel {
        let events = histories.flatMap { history in
            history.map { Interaction(user: 0, item: Int($0.item), time: $0.day, weight: $0.weight) }
        }
        return try PopularityModel(
            interactions: events, itemCount: itemCount, now: now, window: BlendWeights.popularityWindowDays,
            decay: TimeDecay(halfLife: BlendWeights.popularityHalfLifeDays))
    }
}
