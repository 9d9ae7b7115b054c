import StylecastErrors

/// Exponential smoothing: one given ETS model, or the best of a candidate set by AICc.
///
/// Candidates are ETS(A,N,N), ETS(A,A,N) and ETS(A,Ad,N); with a season length above 1 and a
/// history of at least two full seasons also the additive seasonal models, and for strictly
/// positive series the multiplicative seasonal ones. Seasonal initial states come from a
/// classical decomposition and count as m - 1 parameters in the AICc.
public struct ETSForecaster: Forecaster {
    /// Observations per season (1 when not seasonal).
    public var seasonLength: Int
    /// The models to choose from; `nil` for every admissible one.
    public var candidates: [ETSModel]?

    /// Creates an ETS forecaster.
    /// - Parameters:
    ///   - seasonLength: Observations per season.
    ///   - candidates: The models to choose from by AICc (`nil`: all admissible; one model: fit that one).
    public init(seasonLength: Int = 1, candidates: [ETSModel]? = nil) {
        self.seasonLength = seasonLength
        self.candidates = candidates
    }

    public func forecast(_ history: [Double], horizon: Int, levels: [Double] = [80, 95]) throws(InvalidInput)
        -> Forecast
    {
        try ForecastLimits.validate(history: history, horizon: horizon, seasonLength: seasonLength, levels: levels)
        if let candidates, candidates.isEmpty {
            throw InvalidInput(field: "candidates", rule: "must name at least one ETS model")
        }
        guard let best = Self.select(history, seasonLength: seasonLength, candidates: candidates) else {
            throw InvalidInput(
                field: "history",
                rule: "is too short for \(candidates?.map(\.description).joined(separator: ", ") ?? "ETS") "
                    + "(got \(history.count) values; seasonal models need 2 x seasonLength)")
        }
        return best.forecast(horizon: horizon).forecast(levels: levels)
    }

    /// Every admissible model for a history of `count` values, the smallest first.
    static func admissibleModels(_ y: [Double], seasonLength m: Int) -> [ETSModel] {
        var models: [ETSModel] = [.simple, .holt, .damped]
        if m >= 2 && y.count >= 2 * m {
            let seasons: [ETSModel.Season] = y.allSatisfy { $0 > 0 } ? [.additive, .multiplicative] : [.additive]
            for season in seasons {
                for trend in ETSModel.Trend.allCases { models.append(ETSModel(trend: trend, season: season)) }
            }
        }
        return models
    }

    /// The candidate with the smallest AICc, or `nil` when none can be fitted.
    static func select(_ y: [Double], seasonLength m: Int, candidates: [ETSModel]?) -> ETSFit? {
        var best: ETSFit?
        for model in candidates ?? admissibleModels(y, seasonLength: m) {
            guard let fit = ETSFit.fit(y, model: model, seasonLength: m) else { continue }
            if best == nil || fit.aicc < best!.aicc || (!best!.aicc.isFinite && fit.sse < best!.sse) {
                best = fit
            }
        }
        return best
    }
}
