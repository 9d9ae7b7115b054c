import Foundation
import StylecastRecommender

/// One model's tuned result on a dataset: chosen on the valid stage, reported on the test stage.
struct Outcome {
    var model: String
    var parameters: [String: Any]
    var excludeSeen: Bool?
    var valid: Metrics
    var test: Metrics
    /// The hybrid's chosen component weights.
    var weights: [Float] = []
}

/// Tunes and evaluates our models on one dataset's two stages.
struct Experiments {
    let name: String
    let valid: Stage
    let test: Stage
    var kind: Stage.Kind { valid.kind }
    /// Exclusion choices tuned on validation: Amazon always excludes seen items (the protocol).
    var exclusionChoices: [Bool] { kind == .sequence ? [true] : [true, false] }

    func popularity(window: Double?, decay: TimeDecay, label: String) throws -> Outcome {
        func run(_ stage: Stage) throws -> Metrics {
            let model = try PopularityModel(
                interactions: stage.train, itemCount: stage.items, now: kind == .days ? stage.now : .infinity,
                window: window, decay: decay)
            let scores = model.itemScores
            return Metrics(stage: stage, rankings: rankings(stage, excludeSeen: kind == .sequence) { _, out in out = scores })
        }
        return Outcome(
            model: label, parameters: ["window": window ?? "all", "half_life": decay.halfLife ?? "none"],
            excludeSeen: kind == .sequence, valid: try run(valid), test: try run(test))
    }

    func als() throws -> (Outcome, ALSConfiguration, Bool) {
        var best: (ALSConfiguration, Bool, Metrics)?
        func consider(_ configuration: ALSConfiguration) throws {
            let model = try ALSModel.train(try matrix(valid), configuration: configuration)
            for exclude in exclusionChoices {
                let metrics = Metrics(stage: valid, rankings: alsRankings(valid, model: model, excludeSeen: exclude))
                if best == nil || metrics.primary > best!.2.primary { best = (configuration, exclude, metrics) }
            }
        }
        for configuration in Grids.als(kind) { try consider(configuration) }
        for iterations in Grids.alsIterations {
            var configuration = best!.0
            configuration.iterations = iterations
            try consider(configuration)
        }
        let (configuration, exclude, validMetrics) = best!
        let model = try ALSModel.train(try matrix(test), configuration: configuration)
        let testMetrics = Metrics(stage: test, rankings: alsRankings(test, model: model, excludeSeen: exclude))
        let parameters: [String: Any] = [
            "factors": configuration.factors, "regularization": configuration.regularization,
            "alpha": configuration.alpha, "confidence": 1 + configuration.alpha, "iterations": configuration.iterations,
            "cg_steps": configuration.conjugateGradientSteps,
        ]
        return (
            Outcome(model: "ours ALS", parameters: parameters, excludeSeen: exclude, valid: validMetrics, test: testMetrics),
            configuration, exclude
        )
    }

    func coOccurrence() throws -> (Outcome, CoOccurrenceConfiguration) {
        var best: (CoOccurrenceConfiguration, Bool, Metrics)?
        for configuration in Grids.coOccurrence(kind) {
            let model = try train(valid, configuration)
            for exclude in exclusionChoices {
                let metrics = Metrics(stage: valid, rankings: rankings(valid, excludeSeen: exclude) { user, out in
                    model.score(valid.query(user: user), into: &out)
                })
                if best == nil || metrics.primary > best!.2.primary { best = (configuration, exclude, metrics) }
            }
        }
        let (configuration, exclude, validMetrics) = best!
        let model = try train(test, configuration)
        let testMetrics = Metrics(stage: test, rankings: rankings(test, excludeSeen: exclude) { user, out in
            model.score(test.query(user: user), into: &out)
        })
        let parameters: [String: Any] = [
            "pair_half_life": configuration.pairDecay.halfLife ?? "none",
            "age_half_life": configuration.ageDecay.halfLife ?? "none",
            "history_half_life": configuration.historyDecay.halfLife ?? "none",
            "neighbours": configuration.neighbours, "normalization": configuration.normalization.rawValue,
        ]
        return (
            Outcome(model: "ours co-occurrence", parameters: parameters, excludeSeen: exclude, valid: validMetrics, test: testMetrics),
            configuration
        )
    }

    /// Repurchase candidates alone (no fill): the list holds only the user's likely re-buys.
    func repurchase() throws -> (Outcome, Double) {
        func run(_ stage: Stage, window: Double) throws -> Metrics {
            let model = try RepurchaseModel(itemCount: stage.items, window: window)
            return Metrics(stage: stage) { model.candidates(stage.query(user: $0)).prefix(stage.cutoff).map(\.item) }
        }
        var best: (Double, Metrics)?
        for window in Grids.repurchaseWindows {
            let metrics = try run(valid, window: window)
            if best == nil || metrics.primary > best!.1.primary { best = (window, metrics) }
        }
        let window = best!.0
        return (
            Outcome(
                model: "ours repurchase (candidates only)", parameters: ["window_days": window, "minimum_count": 2],
                excludeSeen: false, valid: best!.1, test: try run(test, window: window)),
            window
        )
    }

    /// The hybrid: weights chosen on (a sample of) the valid stage's users, then the library's
    /// `HybridRanker.recommend` on every test user.
    func hybrid(als: ALSConfiguration, coOccurrence: CoOccurrenceConfiguration, repurchaseWindow: Double?) throws -> Outcome {
        let weightSets = Grids.hybridWeights(kind)
        let sample = Array(valid.evaluatedUsers.enumerated().filter { $0.offset % max(1, valid.evaluatedUsers.count / 8000) == 0 }.map(\.element))
        let validParts = try parts(valid, als: als, coOccurrence: coOccurrence, repurchaseWindow: repurchaseWindow)
        var perWeights = [[Int: [Int]]](repeating: [:], count: weightSets.count)
        var componentScores = [[Float]](repeating: [], count: validParts.others.count + 1)
        var block = [Float]()
        let sampled = Set(sample)
        var first = 0
        while first < valid.users {
            let users = first..<min(first + 512, valid.users)
            validParts.als.score(users: users, into: &block)
            for user in users where sampled.contains(user) {
                let query = valid.query(user: user)
                componentScores[0] = Array(block[((user - first) * valid.items)..<((user - first + 1) * valid.items)])
                ScoreNormalization.minMax(&componentScores[0])
                for (index, model) in validParts.others.enumerated() {
                    model.score(query, into: &componentScores[index + 1])
                    ScoreNormalization.minMax(&componentScores[index + 1])
                }
                for (index, weights) in weightSets.enumerated() {
                    var blended = HybridRanker.blend(componentScores, weights: weights)
                    HybridRanker.excludeSeen(&blended, query: query, repurchase: validParts.repurchase)
                    perWeights[index][user] = TopKSelection.top(valid.cutoff, of: blended).map(\.item)
                }
            }
            first = users.upperBound
        }
        let scored = perWeights.map { Metrics(stage: valid, rankings: $0) }
        let bestIndex = scored.indices.max { scored[$0].primary < scored[$1].primary || (scored[$0].primary == scored[$1].primary && $0 > $1) }!
        let weights = weightSets[bestIndex]

        let testParts = try parts(test, als: als, coOccurrence: coOccurrence, repurchaseWindow: repurchaseWindow)
        let names = ["als", "co-occurrence", "popularity", "repurchase"]
        let models: [any ItemScorer] = [testParts.als] + testParts.others
        let ranker = try HybridRanker(
            components: zip(zip(names, models), weights).map { .init(name: $0.0, model: $0.1, weight: $1) },
            repurchase: testParts.repurchase)
        var parameters: [String: Any] = ["validation_users": sample.count]
        for (name, weight) in zip(names, weights) { parameters["w_" + name] = weight }
        if let repurchaseWindow { parameters["repurchase_window_days"] = repurchaseWindow }
        return Outcome(
            model: "ours hybrid", parameters: parameters, excludeSeen: repurchaseWindow == nil, valid: scored[bestIndex],
            test: Metrics(stage: test) { ranker.recommend(test.query(user: $0), count: test.cutoff).map(\.item) },
            weights: weights)
    }

    /// The hybrid with the trend boost (``AttributeTrendSignals`` over the stage's own training
    /// events): strength chosen on all validation users, from `Grids.boostStrengths` (0 = the
    /// plain hybrid), then reported on test, so the boost's effect is measured on data it did
    /// not pick its strength on.
    func trendBoost(
        weights: [Float], als: ALSConfiguration, coOccurrence: CoOccurrenceConfiguration, repurchaseWindow: Double?
    ) throws -> Outcome {
        let rule = AttributeTrendSignals()
        func run(_ stage: Stage, strength: Float) throws -> Metrics {
            let parts = try parts(stage, als: als, coOccurrence: coOccurrence, repurchaseWindow: repurchaseWindow)
            let signals = rule.itemSignals(itemAttributes: stage.itemAttributes, interactions: stage.train, now: stage.now)
            let names = ["als", "co-occurrence", "popularity", "repurchase"]
            let ranker = try HybridRanker(
                components: zip(zip(names, [parts.als] + parts.others), weights).map {
                    .init(name: $0.0, model: $0.1, weight: $1)
                },
                repurchase: parts.repurchase, boost: ItemBoost(signals: signals, strength: strength))
            return Metrics(stage: stage) { ranker.recommend(stage.query(user: $0), count: stage.cutoff).map(\.item) }
        }
        var best: (Float, Metrics)?
        var tried: [String: Double] = [:]
        for strength in Grids.boostStrengths {
            let metrics = try run(valid, strength: strength)
            tried[String(strength)] = metrics.primary
            if best == nil || metrics.primary > best!.1.primary { best = (strength, metrics) }
        }
        let (strength, validMetrics) = best!
        let signals = rule.itemSignals(itemAttributes: test.itemAttributes, interactions: test.train, now: test.now)
        return Outcome(
            model: "ours hybrid + trend boost",
            parameters: [
                "strength": strength, "valid_by_strength": tried,
                "rising_items_test": signals.filter { $0 > 0 }.count,
                "recent_days": rule.recentDays, "baseline_days": rule.baselineDays,
            ],
            excludeSeen: false, valid: validMetrics, test: try run(test, strength: strength))
    }

    private func parts(
        _ stage: Stage, als: ALSConfiguration, coOccurrence: CoOccurrenceConfiguration, repurchaseWindow: Double?
    ) throws -> (als: ALSModel, others: [any ItemScorer], repurchase: RepurchaseModel?) {
        let model = try ALSModel.train(try matrix(stage), configuration: als)
        let co = try train(stage, coOccurrence)
        if let repurchaseWindow {
            let popularity = try PopularityModel(
                interactions: stage.train, itemCount: stage.items, now: stage.now, window: 28, decay: TimeDecay(halfLife: 7))
            let repurchase = try RepurchaseModel(itemCount: stage.items, window: repurchaseWindow)
            return (model, [co, popularity, repurchase], repurchase)
        }
        let popularity = try PopularityModel(interactions: stage.train, itemCount: stage.items, now: .infinity)
        return (model, [co, popularity], nil)
    }

    private func matrix(_ stage: Stage) throws -> InteractionMatrix {
        try InteractionMatrix(userCount: stage.users, itemCount: stage.items, interactions: stage.train)
    }

    private func train(_ stage: Stage, _ configuration: CoOccurrenceConfiguration) throws -> CoOccurrenceModel {
        try CoOccurrenceModel.train(
            stage.train, itemCount: stage.items, now: kind == .days ? stage.now : 0, configuration: configuration)
    }
}
