import Foundation
import StylecastErrors

/// The standard Theta method (Assimakopoulos & Nikolopoulos 2000) in the form of Hyndman &
/// Billah (2003): simple exponential smoothing with a drift of half the regression slope,
/// forecast_h = SES_h + (b / 2) ((h - 1) + 1/alpha - (1 - alpha)^n / alpha).
///
/// When the season length is above 1, the history holds two full seasons and the
/// autocorrelation test at lag m passes (90%), the series is first seasonally adjusted by a
/// classical decomposition (multiplicative for strictly positive series, else additive) and
/// the forecasts are reseasonalised. Intervals are those of SES on the adjusted series,
/// sigma^2 (1 + (h - 1) alpha^2), scaled by the seasonal factor.
public struct ThetaForecaster: Forecaster {
    /// Observations per season (1 when not seasonal).
    public var seasonLength: Int

    /// Creates a Theta forecaster.
    /// - Parameter seasonLength: Observations per season, e.g. 52 for weekly data with a yearly cycle.
    public init(seasonLength: Int = 1) {
        self.seasonLength = seasonLength
    }

    public func forecast(_ history: [Double], horizon: Int, levels: [Double] = [80, 95]) throws(InvalidInput)
        -> Forecast
    {
        try ForecastLimits.validate(history: history, horizon: horizon, seasonLength: seasonLength, levels: levels)
        return Self.fit(history, horizon: horizon, seasonLength: seasonLength).forecast(levels: levels)
    }

    /// Fits and forecasts a validated history.
    static func fit(_ y: [Double], horizon: Int, seasonLength m: Int) -> ModelFit {
        let n = y.count
        var adjusted = y
        var factors: [Double]? = nil
        var kind = SeasonalDecomposition.Kind.multiplicative
        if SeasonalDecomposition.isSeasonal(y, seasonLength: m) {
            kind = y.allSatisfy { $0 > 0 } ? .multiplicative : .additive
            factors = SeasonalDecomposition.indices(y, seasonLength: m, kind: kind)
            if let factors {
                for t in 0..<n { adjusted[t] = kind == .multiplicative ? y[t] / factors[t % m] : y[t] - factors[t % m] }
            }
        }
        guard n >= 3, let ses = ETSFit.fit(adjusted, model: .simple, seasonLength: 1) else {
            return NaiveForecaster.fit(y, horizon: horizon)
        }
        let alpha = ses.parameters.alpha
        let slope = LinearRegression.fit(adjusted).slope
        let base = ses.forecast(horizon: horizon)
        var mean = base.mean
        var variance = base.variance
        let decay = pow(1 - alpha, Double(n)) / alpha
        for h in 1...horizon {
            mean[h - 1] += slope / 2 * (Double(h - 1) + 1 / alpha - decay)
            if let factors {
                let s = factors[(n + h - 1) % m]
                if kind == .multiplicative {
                    mean[h - 1] *= s
                    variance[h - 1] *= s * s
                } else {
                    mean[h - 1] += s
                }
            }
        }
        return ModelFit(name: "Theta", mean: mean, variance: variance, residualVariance: ses.residualVariance)
    }
}
