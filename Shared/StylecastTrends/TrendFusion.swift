import Foundation

/// One series behind an attribute's call: its source, market and call.
public struct TrendEvidence: Sendable, Equatable {
    /// The source, e.g. "gtrends", "visuelle", "hm".
    public var source: String
    /// The market, e.g. "US", "IT", or "WW" (worldwide or not stated).
    public var market: String
    /// The call of the series (its measure included).
    public var call: TrendCall

    /// Creates evidence.
    public init(source: String, market: String, call: TrendCall) {
        self.source = source
        self.market = market
        self.call = call
    }
}

/// An attribute's overall call, fused from its sources and markets (docs/trends.md, "Fusion").
///
/// Only evidence with a stage takes part. Each series' call weighs its measure's backtest score
/// (``TrendFusion/measureWeights``): 32 markets' search series that agree outweigh one purchase
/// series that does not, and a sales series outweighs a launch series. The fused numbers are
/// weighted means (of ln(1 + growth) for the growths), and the stage comes from the same rules
/// as a single series' (``LifecycleStage/of(forecastGrowth:growth:velocity:baseRatio:parameters:)``), so
/// it is always consistent with the fused numbers. `confidence` is the weight share of the
/// evidence whose direction agrees with the fused call, times the probability of the call under
/// the fused interval; for a single series it is that series' confidence.
public struct FusedTrend: Sendable, Equatable {
    /// The fused stage; `nil` when no evidence has a stage.
    public var stage: LifecycleStage?
    /// Trailing 12-week year-over-year growth.
    public var growth: Double
    /// Weekly log change of the seasonally adjusted series.
    public var velocity: Double
    /// Change of velocity between the two halves of the last 12 weeks.
    public var acceleration: Double
    /// Seasonality strength in [0, 1].
    public var seasonality: Double
    /// Last year's level over the peak so far (weighted mean over the series).
    public var baseRatio: Double
    /// Forecast year-over-year growth of the next 12 weeks.
    public var forecastGrowth: Double
    /// Lower bound of its 80% interval.
    public var forecastGrowthLower: Double
    /// Upper bound of its 80% interval.
    public var forecastGrowthUpper: Double
    /// How sure the call is, in [0, 1].
    public var confidence: Double
    /// Series with a stage behind the call.
    public var staged: Int
    /// Of those, the ones whose own direction agrees with the fused call.
    public var agreeing: Int
    /// Every series given, with or without a stage.
    public var evidence: [TrendEvidence]

    /// The direction of the fused call (flat without a stage).
    public var direction: TrendDirection { stage?.direction ?? .flat }

    /// Creates a fused trend from its parts (``TrendFusion/fuse(_:parameters:)`` computes them).
    public init(
        stage: LifecycleStage?, growth: Double, velocity: Double, acceleration: Double, seasonality: Double,
        baseRatio: Double = 1, forecastGrowth: Double, forecastGrowthLower: Double, forecastGrowthUpper: Double,
        confidence: Double, staged: Int, agreeing: Int, evidence: [TrendEvidence]
    ) {
        self.stage = stage
        self.growth = growth
        self.velocity = velocity
        self.acceleration = acceleration
        self.seasonality = seasonality
        self.baseRatio = baseRatio
        self.forecastGrowth = forecastGrowth
        self.forecastGrowthLower = forecastGrowthLower
        self.forecastGrowthUpper = forecastGrowthUpper
        self.confidence = confidence
        self.staged = staged
        self.agreeing = agreeing
        self.evidence = evidence
    }
}

/// Fuses the calls of one attribute's series.
public enum TrendFusion {
    /// Weight of each measure: the macro-F1 of its calls that have a stage, less 1/3, on the first
    /// half of the backtest origins (`scripts/bench/trend-calls.sh --select`; search interest on
    /// the Google Trends and VISUELLE search sets, sales and launches on VISUELLE's products,
    /// purchases on H&M's).
    public static let measureWeights: [TrendMeasure: Double] = [
        .interest: 0.26, .sales: 0.22, .purchases: 0.20, .launches: 0.10,
    ]

    /// The fused call of `evidence`.
    public static func fuse(_ evidence: [TrendEvidence], parameters: TrendParameters = .standard) -> FusedTrend {
        let staged = evidence.filter { $0.call.stage != nil && $0.call.growth != nil }
        var result = FusedTrend(
            stage: nil, growth: 0, velocity: 0, acceleration: 0, seasonality: 0, baseRatio: 1, forecastGrowth: 0,
            forecastGrowthLower: 0, forecastGrowthUpper: 0, confidence: 0, staged: staged.count, agreeing: 0,
            evidence: evidence)
        guard !staged.isEmpty else { return result }
        let weights = staged.map { measureWeights[$0.call.measure] ?? 0.05 }
        let total = weights.reduce(0, +)
        func mean(_ value: (SeasonalGrowth) -> Double) -> Double {
            zip(staged, weights).reduce(0) { $0 + $1.1 * value($1.0.call.growth!) } / total
        }
        let logGrowth = mean { log1p($0.growth) }
        let logForecast = mean { log1p($0.forecastGrowth) }
        let spread = mean(\.growthSpread)
        result.growth = exp(logGrowth) - 1
        result.forecastGrowth = exp(logForecast) - 1
        result.forecastGrowthLower = exp(logForecast - SeasonalGrowth.z80 * spread) - 1
        result.forecastGrowthUpper = exp(logForecast + SeasonalGrowth.z80 * spread) - 1
        result.velocity = mean(\.velocity)
        result.acceleration = mean(\.acceleration)
        result.seasonality = mean(\.seasonality)
        result.baseRatio = mean(\.baseRatio)
        let stage = LifecycleStage.of(
            forecastGrowth: result.forecastGrowth, growth: result.growth, velocity: result.velocity,
            baseRatio: result.baseRatio, parameters: parameters)
        result.stage = stage
        let agreeing = zip(staged, weights).filter { $0.0.call.direction == stage.direction }
        result.agreeing = agreeing.count
        let share = agreeing.reduce(0) { $0 + $1.1 } / total
        result.confidence = share
            * TrendCall.confidence(of: stage.direction, logGrowth: logForecast, spread: spread, parameters: parameters)
        return result
    }
}
