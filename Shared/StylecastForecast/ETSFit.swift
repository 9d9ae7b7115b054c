import Foundation

/// One ETS model fitted to a history by least squares (the Gaussian maximum likelihood of
/// additive-error models), with the forecasts and variances that follow from it.
struct ETSFit {
    let model: ETSModel
    let parameters: ETSParameters
    let seasonLength: Int
    let count: Int
    let sse: Double
    let end: ETSFilter.Outcome
    /// Estimated parameters including the initial states and the error variance.
    let parameterCount: Int

    /// sigma^2 = SSE / (n - k), the bias-corrected residual variance (SSE / n when n <= k).
    var residualVariance: Double {
        let dof = count - parameterCount
        return dof > 0 ? sse / Double(dof) : sse / Double(count)
    }

    /// AICc with -2 log L = n log(SSE / n) (constants dropped); infinite when n <= k + 1.
    var aicc: Double {
        let n = Double(count)
        let k = Double(parameterCount)
        guard count - parameterCount - 1 > 0 else { return .infinity }
        let floor = 1e-300
        let aic = n * log(max(sse / n, floor)) + 2 * k
        return aic + 2 * k * (k + 1) / (n - k - 1)
    }

    /// Fits `model` to `y`: seasonal states from a classical decomposition, level and trend
    /// from a regression on the first (deseasonalised) values, then Nelder-Mead over the
    /// smoothing parameters and initial level and trend. Returns `nil` when the model cannot
    /// be fitted (too short, or a multiplicative model on non-positive data).
    static func fit(_ y: [Double], model: ETSModel, seasonLength m: Int) -> ETSFit? {
        let n = y.count
        if model.isSeasonal && (m < 2 || n < 2 * m) { return nil }
        if model.season == .multiplicative && y.contains(where: { $0 <= 0 }) { return nil }
        if n < (model.hasTrend ? 3 : 2) { return nil }
        var start = ETSParameters()
        var adjusted = y
        if model.isSeasonal {
            let kind: SeasonalDecomposition.Kind = model.season == .multiplicative ? .multiplicative : .additive
            guard let indices = SeasonalDecomposition.indices(y, seasonLength: m, kind: kind) else { return nil }
            start.season = indices
            for t in 0..<n {
                adjusted[t] = kind == .multiplicative ? y[t] / indices[t % m] : y[t] - indices[t % m]
            }
        }
        let head = Array(adjusted.prefix(max(10, min(n, 2 * m))).prefix(n))
        if model.hasTrend {
            let (intercept, slope) = LinearRegression.fit(head)
            start.level = intercept
            start.trend = slope
        } else {
            start.level = head.prefix(max(1, min(head.count, 10))).reduce(0, +) / Double(min(head.count, 10))
        }
        var scale = 0.0
        for t in 1..<max(2, n) where t < n { scale += abs(y[t] - y[t - 1]) }
        scale = max(scale / Double(max(1, n - 1)), 1e-8 * (1 + abs(start.level)))
        let map = ETSParameterMap(model: model, start: start, scale: scale)
        let seasonalCount = model.isSeasonal ? m - 1 : 0
        let parameterCount = map.dimension + seasonalCount + 1
        let optimizer = NelderMead(maximumEvaluations: 200 * map.dimension, restarts: 2)
        var scratch = start.season
        let result = y.withUnsafeBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { season in
                optimizer.minimize(start: map.initialPoint(), steps: map.steps()) { u in
                    for i in season.indices { season[i] = start.season[i] }
                    return ETSFilter.sumOfSquares(buffer, model: model, map.parameters(u), seasonLength: m, season: season)?
                        .sse ?? .infinity
                }
            }
        }
        let parameters = map.parameters(result.point)
        guard let end = y.withUnsafeBufferPointer({ ETSFilter.run($0, model: model, parameters, seasonLength: m) })
        else { return nil }
        return ETSFit(
            model: model, parameters: parameters, seasonLength: m, count: n, sse: end.sse, end: end,
            parameterCount: parameterCount)
    }

    /// Point forecasts and forecast-error variances `horizon` steps ahead.
    ///
    /// The variances are exact for the linear (class 1) models, sigma^2 (1 + sum_{j<h} c_j^2)
    /// with c_j = alpha + beta phi_j + gamma [j mod m = 0] (Hyndman et al. 2008, table 6.1);
    /// the same expression approximates them for multiplicative seasonality.
    func forecast(horizon: Int) -> ModelFit {
        let p = parameters
        let phi = model.trend == .additiveDamped ? p.phi : 1
        let m = seasonLength
        var mean = [Double](repeating: 0, count: horizon)
        var variance = mean
        let sigma2 = residualVariance
        var phiSum = 0.0
        var phiPower = 1.0
        var cumulative = 0.0
        for h in 1...horizon {
            // phi_h = phi + phi^2 + ... + phi^h (h when undamped).
            phiPower *= phi
            phiSum += phiPower
            let trendPart = model.hasTrend ? phiSum * end.trend : 0
            let base = end.level + trendPart
            if model.isSeasonal {
                let s = end.season[(count + h - 1) % m]
                mean[h - 1] = model.season == .multiplicative ? base * s : base + s
            } else {
                mean[h - 1] = base
            }
            variance[h - 1] = sigma2 * (1 + cumulative)
            var c = p.alpha
            if model.hasTrend { c += p.beta * phiSum }
            if model.isSeasonal && h % m == 0 { c += p.gamma }
            cumulative += c * c
        }
        return ModelFit(name: model.description, mean: mean, variance: variance, residualVariance: sigma2, aicc: aicc)
    }
}
