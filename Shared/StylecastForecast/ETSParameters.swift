import Foundation

/// Smoothing parameters and initial states of one ETS fit.
struct ETSParameters {
    var alpha = 0.0
    var beta = 0.0
    var gamma = 0.0
    var phi = 1.0
    var level = 0.0
    var trend = 0.0
    /// Seasonal states for positions `t % m` of the history (empty when not seasonal).
    var season: [Double] = []
}

/// Maps an unconstrained vector to admissible parameters, so that Nelder-Mead needs no bounds.
///
/// The usual region of Hyndman et al. (2008, section 5.3) is built in: 1e-4 <= alpha <= 0.9999,
/// 1e-4 <= beta <= alpha, 1e-4 <= gamma <= 1 - alpha, 0.8 <= phi <= 0.98. The initial level
/// and trend move in units of the series' scale around their heuristic starting values.
struct ETSParameterMap {
    static let lower = 1e-4
    static let upper = 0.9999
    static let phiRange = 0.8...0.98

    let model: ETSModel
    let start: ETSParameters
    let scale: Double

    /// Number of unconstrained coordinates: the smoothing parameters and the initial level and trend.
    var dimension: Int {
        2 + (model.hasTrend ? 2 : 0) + (model.isSeasonal ? 1 : 0) + (model.trend == .additiveDamped ? 1 : 0)
    }

    @inline(__always) static func logistic(_ u: Double) -> Double { 1 / (1 + exp(-u)) }
    @inline(__always) static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-6), 1 - 1e-6)
        return log(q / (1 - q))
    }

    /// The coordinates of the conventional starting values (alpha 0.2, beta 0.1 alpha,
    /// gamma 0.05 (1 - alpha), phi 0.97; states at their heuristics).
    func initialPoint() -> [Double] {
        var u = [Self.logit((0.2 - Self.lower) / (Self.upper - Self.lower)), 0]
        if model.hasTrend { u += [Self.logit(0.1), 0] }
        if model.isSeasonal { u.append(Self.logit(0.05)) }
        if model.trend == .additiveDamped {
            u.append(Self.logit((0.97 - Self.phiRange.lowerBound) / (Self.phiRange.upperBound - Self.phiRange.lowerBound)))
        }
        return u
    }

    /// Initial simplex edges: two logit units for the smoothing parameters, a tenth of the
    /// scale for the states.
    func steps() -> [Double] {
        var s = [2.0, 0.1]
        if model.hasTrend { s += [2, 0.1] }
        if model.isSeasonal { s.append(2) }
        if model.trend == .additiveDamped { s.append(2) }
        return s
    }

    /// The parameters at coordinates `u` (seasonal states stay at their heuristic values).
    func parameters(_ u: [Double]) -> ETSParameters {
        var p = start
        p.alpha = Self.lower + (Self.upper - Self.lower) * Self.logistic(u[0])
        p.level = start.level + u[1] * scale
        var i = 2
        if model.hasTrend {
            p.beta = Self.lower + max(0, p.alpha - Self.lower) * Self.logistic(u[i])
            p.trend = start.trend + u[i + 1] * scale * 0.1
            i += 2
        }
        if model.isSeasonal {
            p.gamma = Self.lower + max(0, 1 - p.alpha - Self.lower) * Self.logistic(u[i])
            i += 1
        }
        if model.trend == .additiveDamped {
            let width = Self.phiRange.upperBound - Self.phiRange.lowerBound
            p.phi = Self.phiRange.lowerBound + width * Self.logistic(u[i])
        }
        return p
    }
}
