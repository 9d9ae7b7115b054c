/// The numbers behind the trend calls: how much of the trailing growth the forecast carries, the
/// growth that makes a call "up" or "down", and the scale of the forecast interval.
///
/// ``standard`` was chosen by `scripts/bench/trend-calls.sh --select` on the backtest origins of
/// the first half of each data set's period only (docs/trends.md, "Backtest"): the grid point with
/// the best mean macro-F1 over the two search sets' first halves, and per measure the interval scale that
/// puts 80% of the first halves' realised growths inside the 80% interval (search interest on the
/// two search sets, the count measures on VISUELLE's sales and launches and H&M's purchases). The second halves were not
/// looked at to choose them; the bench reports them separately.
public struct TrendParameters: Sendable, Equatable, Hashable {
    /// The exponent that damps the trailing year-over-year growth carried into the forecast:
    /// 1 carries it in full, 0 forecasts last year's (smoothed) level.
    public var growthDamping: Double
    /// Forecast year-over-year growth from which a series is rising (e.g. 0.175 = +17.5%).
    public var upThreshold: Double
    /// Forecast year-over-year growth below which a series is declining (e.g. -0.15 = -15%).
    public var downThreshold: Double
    /// Per measure, the spread of the forecast growth (log scale) per unit of the series' weekly
    /// noise around its seasonal profile: sets the width of the 80% interval. Measures without an
    /// entry use `interest`'s.
    public var intervalScales: [TrendMeasure: Double]

    /// Creates a parameter set.
    /// - Parameters:
    ///   - growthDamping: Exponent on the trailing growth, in [0, 1].
    ///   - upThreshold: Forecast growth from which a call is up, > 0.
    ///   - downThreshold: Forecast growth below which a call is down, in (-1, 0).
    ///   - intervalScales: Growth spread per unit of weekly noise, > 0, per measure (at least `interest`).
    public init(
        growthDamping: Double, upThreshold: Double, downThreshold: Double,
        intervalScales: [TrendMeasure: Double]
    ) {
        precondition((0...1).contains(growthDamping))
        precondition(upThreshold > 0 && downThreshold > -1 && downThreshold < 0)
        precondition(intervalScales[.interest] != nil && intervalScales.values.allSatisfy { $0 > 0 })
        self.growthDamping = growthDamping
        self.upThreshold = upThreshold
        self.downThreshold = downThreshold
        self.intervalScales = intervalScales
    }

    /// The interval scale of `measure`.
    public func intervalScale(for measure: TrendMeasure) -> Double {
        intervalScales[measure] ?? intervalScales[.interest]!
    }

    /// The values chosen on the first-half backtest origins (see the type's description).
    public static let standard = TrendParameters(
        growthDamping: 0.7, upThreshold: 0.125, downThreshold: -0.1,
        intervalScales: [.interest: 0.56, .sales: 1.08, .purchases: 0.42, .launches: 0.56])
}
