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
    /// The hybrid's components, in weight order.
    static let hybridNames = ["als", "co-occurrence", "popularity", "repurchase"]

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

    func als() throws -> (Outcome, ALSConfiguration) {
        try tune("ours ALS", Grids.als(kind), refine: Grids.alsIterations(at:)) { configuration, _ in
            [
                "factors": configuration.factors, "regularization": configuration.regularization,
                "alpha": configuration.alpha, "confidence": 1 + configuration.alpha, "iterations": configuration.iterations,
                "cg_steps": configuration.conjugateGradientSteps,
            ]
        } fit: { stage, configuration in
            let model = try ALSModel.train(try matrix(stage), configuration: configuration)
            return { Metrics(stage: stage, rankings: alsRankings(stage, model: model, excludeSeen: $0)) }
        }
    }

    func coOccurrence() throws -> (Outcome, CoOccurrenceConfiguration) {
        try tune("ours co-occurrence", Grids.coOccurrence(kind)) { configuration, _ in
            [
                "pair_half_life": configuration.pairDecay.halfLife ?? "none",
                "age_half_life": configuration.ageDecay.halfLife ?? "none",
                "history_half_life": configuration.historyDecay.halfLife ?? "none",
                "neighbours": configuration.neighbours, "normalization": configuration.normalization.rawValue,
            ]
        } fit: { stage, configuration in
            let model = try train(stage, configuration)
            return { exclude in
                Metrics(stage: stage, rankings: rankings(stage, excludeSeen: exclude) { model.score(stage.query(user: $0), into: &$1) })
            }
        }
    }

    /// Repurchase candidates alone (no fill): the list holds only the user's likely re-buys.
    func repurchase() throws -> (Outcome, Double) {
        try tune("ours repurchase (candidates only)", Grids.repurchaseWindows, exclusions: [false]) { window, _ in
            ["window_days": window, "minimum_count": 2]
        } fit: { stage, window in
            let model = try RepurchaseModel(itemCount: stage.items, window: window)
            return { _ in Metrics(stage: stage) { model.candidates(stage.query(user: $0)).prefix(stage.cutoff).map(\.item) } }
        }
    }

    /// The hybrid's components trained on both stages with the configurations chosen for them alone.
    func hybridComponents(
        als: ALSConfiguration, coOccurrence: CoOccurrenceConfiguration, repurchaseWindow: Double?
    ) throws -> (valid: HybridComponents, test: HybridComponents) {
        (
            try parts(valid, als: als, coOccurrence: coOccurrence, repurchaseWindow: repurchaseWindow),
            try parts(test, als: als, coOccurrence: coOccurrence, repurchaseWindow: repurchaseWindow)
        )
    }

    /// The validation users the hybrid's weights are chosen on: a systematic sample of about
    /// 8,000 (all of them below 16,000).
    var hybridValidationUsers: [Int] {
        let users = valid.evaluatedUsers
        let step = max(1, users.count / 8000)
        return users.enumerated().filter { $0.offset % step == 0 }.map(\.element)
    }

    /// The hybrid: weights chosen on ``hybridValidationUsers`` (the validation figures are
    /// theirs), then the library's `HybridRanker.recommend` on every test user.
    /// - Parameters:
    ///   - components: From ``hybridComponents(als:coOccurrence:repurchaseWindow:)``.
    ///   - repurchaseWindow: The repurchase window of `components` (H&M), for the report.
    func hybrid(
        components: (valid: HybridComponents, test: HybridComponents), repurchaseWindow: Double?
    ) throws -> Outcome {
        let weightSets = Grids.hybridWeights(kind)
        let sample = hybridValidationUsers
        let validParts = components.valid
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
        let scored = perWeights.map { Metrics(stage: valid, rankings: $0, users: sample) }
        let bestIndex = scored.indices.max { scored[$0].primary < scored[$1].primary || (scored[$0].primary == scored[$1].primary && $0 > $1) }!
        let weights = weightSets[bestIndex]

        let ranker = try components.test.ranker(weights: weights)
        var parameters: [String: Any] = ["validation_users": sample.count]
        for (name, weight) in zip(Self.hybridNames, weights) { parameters["w_" + name] = weight }
        if let repurchaseWindow { parameters["repurchase_window_days"] = repurchaseWindow }
        return Outcome(
            model: "ours hybrid", parameters: parameters, excludeSeen: repurchaseWindow == nil, valid: scored[bestIndex],
            test: Metrics(stage: test) { ranker.recommend(test.query(user: $0), count: test.cutoff).map(\.item) },
            weights: weights)
    }

    /// The anonymous session (``AnonymousSession``): each user's id hidden and the last items of
    /// their training sequence given as views, ranked by the library's `HybridRanker` with the
    /// logged-in hybrid's components and weights, which is what the service computes for such a
    /// request. Nothing is tuned on it; the validation figures are on ``hybridValidationUsers``,
    /// as the hybrid's.
    /// - Parameters:
    ///   - weights: The hybrid's weights, chosen on validation.
    ///   - components: The hybrid's components on both stages.
    func session(weights: [Float], components: (valid: HybridComponents, test: HybridComponents)) throws -> Outcome {
        func run(_ stage: Stage, _ components: HybridComponents, users: [Int]? = nil) throws -> Metrics {
            let ranker = try components.ranker(weights: weights)
            return Metrics(stage: stage, users: users) {
                ranker.recommend(stage.sessionQuery(user: $0), count: stage.cutoff).map(\.item)
            }
        }
        let sample = hybridValidationUsers
        var parameters: [String: Any] = [
            "context_items": AnonymousSession.contextLength, "view_weight": AnonymousSession.viewWeight,
            "validation_users": sample.count,
        ]
        for (name, weight) in zip(Self.hybridNames, weights) { parameters["w_" + name] = weight }
        return Outcome(
            model: "ours session (anonymous, last \(AnonymousSession.contextLength) items as context)",
            parameters: parameters, excludeSeen: false, valid: try run(valid, components.valid, users: sample),
            test: try run(test, components.test), weights: weights)
    }

    /// The hybrid with the trend boost: strength chosen on all validation users, from
    /// `Grids.boostStrengths` (0 = the plain hybrid), then reported on test, so the boost's
    /// effect is measured on data it did not pick its strength on. The signals come from either
    /// ``AttributeTrendSignals`` (growth over the last 14 days against the 28 before) or the
    /// trend calls (``TrendCallSignals``), each over the stage's own training events.
    func trendBoost(
        calls: Bool, weights: [Float], als: ALSConfiguration, coOccurrence: CoOccurrenceConfiguration,
        repurchaseWindow: Double?
    ) throws -> Outcome {
        let rule = AttributeTrendSignals()
        func signals(_ stage: Stage) -> (items: [Float], description: [String: Any]) {
            guard calls else {
                let items = rule.itemSignals(itemAttributes: stage.itemAttributes, interactions: stage.train, now: stage.now)
                return (items, ["recent_days": rule.recentDays, "baseline_days": rule.baselineDays])
            }
            let made = TrendCallSignals.signals(of: stage)
            let top = made.rising.strengths.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
            return (made.items, [
                "values_called_test": made.called, "values_up_test": made.rising.strengths.count,
                "strongest_up_test": top.map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", "),
            ])
        }
        let test = signals(self.test)
        let model = calls ? "ours hybrid + trend-call boost" : "ours hybrid + trend boost"
        return try tune(model, Grids.boostStrengths, exclusions: [false]) { strength, tried in
            var parameters: [String: Any] = [
                "strength": strength, "valid_by_strength": Dictionary(uniqueKeysWithValues: tried.map { (String($0), $1.primary) }),
                "rising_items_test": test.items.filter { $0 > 0 }.count,
            ]
            parameters.merge(test.description) { $1 }
            return parameters
        } fit: { stage, strength in
            let parts = try parts(stage, als: als, coOccurrence: coOccurrence, repurchaseWindow: repurchaseWindow)
            let boost = ItemBoost(signals: signals(stage).items, strength: strength)
            let ranker = try parts.ranker(weights: weights, boost: boost)
            return { _ in Metrics(stage: stage) { ranker.recommend(stage.query(user: $0), count: stage.cutoff).map(\.item) } }
        }.0
    }

    /// Tunes one model on the valid stage and reports it on the test stage: each configuration of
    /// `grid`, then each that `refine` derives from the grid's best, is fitted on the valid stage
    /// and scored with each exclusion choice; the best (the first of equal primary metrics) is
    /// fitted on the test stage.
    /// - Parameters:
    ///   - exclusions: The exclusion choices tried (default: ``exclusionChoices``).
    ///   - parameters: The outcome's parameters for the chosen configuration, given every tried
    ///     configuration's validation metrics.
    ///   - fit: Fits a model on a stage; returns its metrics with or without the users' training items.
    private func tune<Configuration>(
        _ model: String, _ grid: [Configuration], exclusions: [Bool]? = nil,
        refine: (Configuration) -> [Configuration] = { _ in [] },
        parameters: (Configuration, _ tried: [(Configuration, Metrics)]) -> [String: Any],
        fit: (Stage, Configuration) throws -> (Bool) -> Metrics
    ) throws -> (Outcome, Configuration) {
        var best: (configuration: Configuration, exclude: Bool, metrics: Metrics)?
        var tried: [(Configuration, Metrics)] = []
        func consider(_ configuration: Configuration) throws {
            let metrics = try fit(valid, configuration)
            for exclude in exclusions ?? exclusionChoices {
                let scored = metrics(exclude)
                tried.append((configuration, scored))
                if best == nil || scored.primary > best!.metrics.primary { best = (configuration, exclude, scored) }
            }
        }
        for configuration in grid { try consider(configuration) }
        for configuration in refine(best!.configuration) { try consider(configuration) }
        let (configuration, exclude, validMetrics) = best!
        let outcome = Outcome(
            model: model, parameters: parameters(configuration, tried), excludeSeen: exclude, valid: validMetrics,
            test: try fit(test, configuration)(exclude))
        return (outcome, configuration)
    }

    private func parts(
        _ stage: Stage, als: ALSConfiguration, coOccurrence: CoOccurrenceConfiguration, repurchaseWindow: Double?
    ) throws -> HybridComponents {
        let model = try ALSModel.train(try matrix(stage), configuration: als)
        let co = try train(stage, coOccurrence)
        if let repurchaseWindow {
            let popularity = try PopularityModel(
                interactions: stage.train, itemCount: stage.items, now: stage.now, window: 28, decay: TimeDecay(halfLife: 7))
            let repurchase = try RepurchaseModel(itemCount: stage.items, window: repurchaseWindow)
            return HybridComponents(als: model, others: [co, popularity, repurchase], repurchase: repurchase)
        }
        let popularity = try PopularityModel(interactions: stage.train, itemCount: stage.items, now: .infinity)
        return HybridComponents(als: model, others: [co, popularity], repurchase: nil)
    }

    private func matrix(_ stage: Stage) throws -> InteractionMatrix {
        try InteractionMatrix(userCount: stage.users, itemCount: stage.items, interactions: stage.train)
    }

    private func train(_ stage: Stage, _ configuration: CoOccurrenceConfiguration) throws -> CoOccurrenceModel {
        try CoOccurrenceModel.train(
            stage.train, itemCount: stage.items, now: kind == .days ? stage.now : 0, configuration: configuration)
    }
}

/// The hybrid's components trained on one stage, in ``Experiments/hybridNames`` order.
struct HybridComponents {
    let als: ALSModel
    /// Co-occurrence, popularity and, for H&M, repurchase.
    let others: [any ItemScorer]
    /// The repurchase rule that keeps likely re-buys eligible (H&M); `nil` excludes every seen item.
    let repurchase: RepurchaseModel?

    /// The library's ranker over these components.
    /// - Parameters:
    ///   - weights: One weight per component, in ``Experiments/hybridNames`` order.
    ///   - boost: The trend boost (default off).
    func ranker(weights: [Float], boost: ItemBoost = .off) throws -> HybridRanker {
        let models: [any ItemScorer] = [als] + others
        return try HybridRanker(
            components: zip(zip(Experiments.hybridNames, models), weights).map { .init(name: $0.0, model: $0.1, weight: $1) },
            repurchase: repurchase, boost: boost)
    }
}
