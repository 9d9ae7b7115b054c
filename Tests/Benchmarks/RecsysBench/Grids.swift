import StylecastRecommender

/// The hyper-parameter grids, the same points as the anchors' (scripts/bench/recsys_anchors.py).
/// `implicit` weights a positive by `c = alpha_implicit * r`, ours by `c = 1 + alpha * r`; with
/// `r = 1` the grids meet at the same confidences c in {2, 10, 40}.
enum Grids {
    static func als(_ kind: Stage.Kind) -> [ALSConfiguration] {
        let factors = kind == .sequence ? [64, 128] : [32, 64]
        return factors.flatMap { f in
            [Float(0.1), 1, 10].flatMap { regularization in
                [Float(2), 10, 40].map { confidence in
                    ALSConfiguration(factors: f, regularization: regularization, alpha: confidence - 1, iterations: 15)
                }
            }
        }
    }

    /// Iterations tried last, at the best other values.
    static func alsIterations(at best: ALSConfiguration) -> [ALSConfiguration] {
        [5, 30].map { iterations in
            var configuration = best
            configuration.iterations = iterations
            return configuration
        }
    }

    static func coOccurrence(_ kind: Stage.Kind) -> [CoOccurrenceConfiguration] {
        switch kind {
        case .sequence:
            // Half-lives in sequence positions.
            return [1.0, 3, nil].flatMap { pair in
                [1.0, 3, nil].map { history in
                    CoOccurrenceConfiguration(
                        pairDecay: TimeDecay(halfLife: pair), historyDecay: TimeDecay(halfLife: history), neighbours: 200)
                }
            }
        case .days:
            // Half-lives in days.
            return [7.0, 30, nil].flatMap { pair in
                [30.0, 180, nil].flatMap { age in
                    [14.0, 60, nil].map { history in
                        CoOccurrenceConfiguration(
                            pairDecay: TimeDecay(halfLife: pair), ageDecay: TimeDecay(halfLife: age),
                            historyDecay: TimeDecay(halfLife: history), neighbours: 200)
                    }
                }
            }
        }
    }

    /// Trend boost strengths (H&M): 0 is the plain hybrid.
    static let boostStrengths: [Float] = [0, 0.1, 0.25, 0.5, 1]

    /// Repurchase windows in days.
    static let repurchaseWindows: [Double] = [7, 14, 28, 56, 112]

    /// Hybrid weights, in component order: ALS, co-occurrence, popularity[, repurchase].
    static func hybridWeights(_ kind: Stage.Kind) -> [[Float]] {
        switch kind {
        case .sequence:
            return [Float(0), 0.25, 0.5, 1].flatMap { als in [Float(0), 0.1, 0.25].map { pop in [als, 1, pop] } }
        case .days:
            return [Float(0), 0.5].flatMap { als in
                [Float(0), 0.5, 1].flatMap { co in
                    [Float(0.25), 0.5, 1].flatMap { pop in [Float(0), 1, 3].map { rep in [als, co, pop, rep] } }
                }
            }
        }
    }
}
