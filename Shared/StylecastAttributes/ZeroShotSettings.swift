import Foundation

/// When the zero-shot classifier may name a value of one kind, and how sure it then is.
public struct ZeroShotRule: Sendable, Hashable {
    /// Least score of the best prototype for a value to be emitted: its cosine similarity minus
    /// the mean similarity to all prototypes of the kind (``ZeroShotMatch/score``).
    public var minimumScore: Float
    /// Least lead of the best prototype's similarity over the runner-up's.
    public var minimumMargin: Float
    /// Maps the best prototype's score to a confidence (see ``ZeroShotCalibration``).
    public var calibration: ZeroShotCalibration

    /// Creates a rule.
    /// - Parameters:
    ///   - minimumScore: Least score of the best prototype (similarity minus the kind's mean).
    ///   - minimumMargin: Least lead over the runner-up, in cosine units.
    ///   - calibration: Similarity to confidence.
    public init(minimumScore: Float, minimumMargin: Float, calibration: ZeroShotCalibration) {
        self.minimumScore = minimumScore
        self.minimumMargin = minimumMargin
        self.calibration = calibration
    }
}

/// A logistic map from the best prototype's score `s` (``ZeroShotMatch/score``) to a confidence:
/// `1 / (1 + exp(-slope * (s - midpoint)))`, capped at ``maximum`` so that a zero-shot value
/// never claims the certainty of a lexicon match (1).
///
/// The parameters are fitted by `attributes-eval` (logistic regression of "the best value is
/// correct" on `s`, on the tuning half of the evaluation sample), so the confidence estimates
/// the share of such predictions that are right.
public struct ZeroShotCalibration: Sendable, Hashable {
    /// The score at which the confidence is 0.5.
    public var midpoint: Float
    /// Steepness, per unit of score.
    public var slope: Float
    /// The cap on the confidence.
    public static let maximum: Float = 0.99

    /// Creates a calibration.
    /// - Parameters:
    ///   - midpoint: Score at confidence 0.5.
    ///   - slope: Steepness per unit of score.
    public init(midpoint: Float, slope: Float) {
        self.midpoint = midpoint
        self.slope = slope
    }

    /// The confidence of a prediction whose score is `score`, in [0, 0.99].
    public func confidence(score: Float) -> Float {
        min(Self.maximum, 1 / (1 + exp(-slope * (score - midpoint))))
    }
}

/// Which kinds the zero-shot classifier covers, with one ``ZeroShotRule`` each.
public struct ZeroShotSettings: Sendable, Hashable {
    /// The rule of each kind, enabled or not.
    public var rules: [AttributeKind: ZeroShotRule]
    /// The kinds the classifier answers for; prototypes are built for these only.
    public var enabledKinds: Set<AttributeKind>

    /// Creates settings.
    /// - Parameters:
    ///   - rules: A rule per kind; an enabled kind without a rule is ignored.
    ///   - enabledKinds: The kinds to classify.
    public init(rules: [AttributeKind: ZeroShotRule], enabledKinds: Set<AttributeKind>) {
        self.rules = rules
        self.enabledKinds = enabledKinds.filter { rules[$0] != nil }
    }

    /// The measured defaults (docs/attributes.md, "Zero-shot"). `scripts/bench/attributes.sh`
    /// found no threshold at which zero-shot additions reach precision 0.75 for colour, pattern
    /// or category on its Myntra and H&M sample, and style, material and silhouette have no
    /// labels to measure against, so no kind is on by default. The rules below apply to kinds
    /// switched on by configuration: calibrations are the fitted ones (colour, category; pattern
    /// did not fit and borrows category's), thresholds sit above where the sample's wrong values
    /// cluster.
    public static let measured = ZeroShotSettings(rules: measuredRules, enabledKinds: measuredKinds)

    /// Kinds on by default: none (see ``measured``).
    public static let measuredKinds: Set<AttributeKind> = []

    /// Rules for kinds switched on by configuration; style, material and silhouette (no labels)
    /// share category's.
    public static let measuredRules: [AttributeKind: ZeroShotRule] = {
        let category = ZeroShotRule(
            minimumScore: 0.2, minimumMargin: 0.05, calibration: ZeroShotCalibration(midpoint: 0.29, slope: 19.4))
        return [
            .color: ZeroShotRule(
                minimumScore: 0.2, minimumMargin: 0.05, calibration: ZeroShotCalibration(midpoint: 0.28, slope: 13.6)),
            .pattern: category, .style: category, .material: category, .silhouette: category, .category: category,
        ]
    }()
}
