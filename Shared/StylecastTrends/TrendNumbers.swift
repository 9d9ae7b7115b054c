/// The year-over-year numbers a call is made on, of one series (``SeasonalGrowth``) or fused
/// across series (``FusedTrend``). Growths are ratios minus one (0.25 = +25%).
public protocol TrendNumbers: Sendable {
    /// Trailing 12-week year-over-year growth.
    var growth: Double { get }
    /// Weekly log change of the seasonally adjusted series over the last 12 weeks.
    var velocity: Double { get }
    /// Velocity over the last 6 weeks minus velocity over the 6 before.
    var acceleration: Double { get }
    /// Share of the movement explained by last year's profile, in [0, 1].
    var seasonality: Double { get }
    /// Forecast year-over-year growth of the next 12 weeks.
    var forecastGrowth: Double { get }
    /// Lower bound of its 80% interval.
    var forecastGrowthLower: Double { get }
    /// Upper bound of its 80% interval.
    var forecastGrowthUpper: Double { get }
}

extension SeasonalGrowth: TrendNumbers {}
extension FusedTrend: TrendNumbers {}
