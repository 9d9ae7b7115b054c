import Foundation

/// The trend call of one weekly series (one source, market and attribute) at its last week:
/// its measures, its stage when it has the support for one, and how sure the call is.
public struct TrendCall: Sendable, Equatable {
    /// Why a series gets no stage.
    public enum Unsupported: Sendable, Equatable, CustomStringConvertible {
        /// Fewer than ``SeasonalGrowth/requiredHistory`` weeks, a window mostly unobserved, or
        /// no positive value.
        case tooLittleHistory(weeks: Int)
        /// Support below the measure's minimum.
        case belowMinimumSupport(support: Double, minimum: Double)

        public var description: String {
            switch self {
            case .tooLittleHistory(let weeks):
                "\(weeks) week(s) of history; a stage needs \(SeasonalGrowth.requiredHistory) with both 12-week windows at least half observed"
            case .belowMinimumSupport(let support, let minimum):
                "support \(Self.format(support)) is below the minimum \(Self.format(minimum))"
            }
        }

        private static func format(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
        }
    }

    /// What the series measures.
    public var measure: TrendMeasure
    /// The year-over-year measures, when the history allows them.
    public var growth: SeasonalGrowth?
    /// The stage; `nil` when the series has too little history or support (see `unsupported`).
    public var stage: LifecycleStage?
    /// Why there is no stage; `nil` when there is one.
    public var unsupported: Unsupported?
    /// The probability, under the forecast growth's interval, that growth lands on the stage's
    /// side of the thresholds (above `u` for risers, below `d` for decliners, between for stable).
    public var confidence: Double
    /// The support (``TrendMeasure/minimumSupport``): events in the trailing 12 weeks and the
    /// same weeks a year before (`purchases`, `launches`), products launched in them or the 11
    /// weeks before each (`sales`), or the larger of the two windows' mean interest (`interest`).
    public var support: Double

    /// The direction the backtest scores: the stage's, flat without a stage.
    public var direction: TrendDirection { stage?.direction ?? .flat }

    /// Calls one series at its last week.
    /// - Parameters:
    ///   - measure: What the values measure.
    ///   - values: Weekly values (shares, or interest), oldest first, the origin last; `nil` =
    ///     not read (outside coverage, too little volume, missing).
    ///   - counts: For `purchases` and `launches`, the attribute's events per week aligned with
    ///     `values`; for `sales`, the attribute's launches per week aligned with `values` (the
    ///     products behind the units); ignored for `interest`.
    ///   - parameters: The thresholds and forecast settings.
    public init(measure: TrendMeasure, values: [Double?], counts: [Double?] = [], parameters: TrendParameters = .standard) {
        self.measure = measure
        growth = SeasonalGrowth(series: values, measure: measure, parameters: parameters)
        support = Self.support(measure: measure, values: values, counts: counts, growth: growth)
        confidence = 0
        guard let growth else {
            unsupported = .tooLittleHistory(weeks: values.count)
            return
        }
        guard support >= measure.minimumSupport else {
            unsupported = .belowMinimumSupport(support: support, minimum: measure.minimumSupport)
            return
        }
        let stage = LifecycleStage.of(
            forecastGrowth: growth.forecastGrowth, growth: growth.growth, velocity: growth.velocity,
            baseRatio: growth.baseRatio, parameters: parameters)
        self.stage = stage
        confidence = Self.confidence(
            of: stage.direction, logGrowth: log1p(growth.forecastGrowth), spread: growth.growthSpread, parameters: parameters)
    }

    /// The probability that ln(1 + growth) ~ N(`logGrowth`, `spread`²) falls on `direction`'s
    /// side of the thresholds.
    public static func confidence(of direction: TrendDirection, logGrowth: Double, spread: Double, parameters: TrendParameters)
        -> Double
    {
        let sigma = max(spread, 1e-9)
        func below(_ threshold: Double) -> Double { 0.5 * erfc(-(log1p(threshold) - logGrowth) / (sigma * 2.0.squareRoot())) }
        switch direction {
        case .up: return 1 - below(parameters.upThreshold)
        case .down: return below(parameters.downThreshold)
        case .flat: return below(parameters.upThreshold) - below(parameters.downThreshold)
        }
    }

    private static func support(measure: TrendMeasure, values: [Double?], counts: [Double?], growth: SeasonalGrowth?) -> Double {
        if measure == .interest { return growth.map { max($0.level, $0.lastYearLevel) } ?? 0 }
        let n = counts.count
        // Sales in a window come from the items launched in it or in the weeks before it.
        let lookback = measure == .sales ? TrendMeasure.salesWeeksPerItem - 1 : 0
        let (window, season) = (SeasonalGrowth.window, SeasonalGrowth.season)
        let windows = [(n - window - lookback)..<n, (n - window - lookback - season)..<(n - season)]
        return windows.reduce(0) { total, range in
            total + range.filter { $0 >= 0 }.reduce(0) { $0 + (counts[$1] ?? 0) }
        }
    }
}
