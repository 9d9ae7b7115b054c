/// The additive-error ETS recursions (Hyndman et al. 2008, table 2.1, additive-error half).
///
/// With one-step forecast mu_t = (l + phi b) + s or (l + phi b) * s and error e_t = y_t - mu_t:
/// l' = l + phi b + alpha e / r, b' = phi b + beta e / r, where r is 1 for additive or no
/// seasonality and s for multiplicative; s' = s + gamma e (additive) or s + gamma e / (l + phi b).
enum ETSFilter {
    /// The end state of a pass over the history and its sum of squared one-step errors.
    struct Outcome {
        var sse: Double
        var level: Double
        var trend: Double
        var season: [Double]
    }

    /// Runs the recursions over `y` from the states in `p`, or returns `nil` when the states
    /// leave the admissible region (a non-positive level or factor under multiplicative seasonality).
    static func run(
        _ y: UnsafeBufferPointer<Double>, model: ETSModel, _ p: ETSParameters, seasonLength m: Int
    ) -> Outcome? {
        var season = p.season
        guard let (sse, level, trend) = season.withUnsafeMutableBufferPointer({
            sumOfSquares(y, model: model, p, seasonLength: m, season: $0)
        }) else { return nil }
        return Outcome(sse: sse, level: level, trend: trend, season: season)
    }

    /// The sum of squared one-step errors and the end level and trend; `season` holds the
    /// initial seasonal states on entry and the final ones on return. The optimiser calls this
    /// with one scratch buffer, so a fit allocates nothing per evaluation.
    static func sumOfSquares(
        _ y: UnsafeBufferPointer<Double>, model: ETSModel, _ p: ETSParameters, seasonLength m: Int,
        season: UnsafeMutableBufferPointer<Double>
    ) -> (sse: Double, level: Double, trend: Double)? {
        var level = p.level
        var trend = model.hasTrend ? p.trend : 0
        let phi = model.trend == .additiveDamped ? p.phi : 1
        var sse = 0.0
        var position = 0
        let multiplicative = model.season == .multiplicative
        let seasonal = model.isSeasonal
        for t in 0..<y.count {
            let base = level + phi * trend
            var s = 0.0
            var mu = base
            if seasonal {
                s = season[position]
                mu = multiplicative ? base * s : base + s
            }
            let e = y[t] - mu
            sse += e * e
            if multiplicative {
                if base <= 0 || s <= 0 { return nil }
                level = base + p.alpha * e / s
                trend = phi * trend + p.beta * e / s
                season[position] = s + p.gamma * e / base
            } else {
                level = base + p.alpha * e
                trend = phi * trend + p.beta * e
                if seasonal { season[position] = s + p.gamma * e }
            }
            if seasonal {
                position += 1
                if position == m { position = 0 }
            }
        }
        if !sse.isFinite { return nil }
        return (sse, level, trend)
    }
}
