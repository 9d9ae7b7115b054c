/// Where a series is in its life, from its year-over-year numbers (docs/trends.md, "Stages").
///
/// With `u` and `d` the up and down thresholds of ``TrendParameters`` and the numbers of
/// ``SeasonalGrowth``, the first rule that holds:
/// 1. forecast growth ≥ `u` (up):
///    - **rising star**: new and fast from a low base: last year's level at most a quarter of the
///      series' peak so far (base ratio ≤ ``lowBase``), the trailing 12 weeks at least doubled
///      against it (growth ≥ +100%), and the seasonally adjusted series still climbing (velocity > 0);
///    - **sustained riser**: the trailing 12 weeks already grew by at least `u`: rising before and after;
///    - **seasonal riser**: otherwise: the coming season is forecast above last year's, the
///      weeks behind were not;
/// 2. forecast growth ≤ `d` (down):
///    - **falling star**: the seasonally adjusted series is losing at least 2% a week (velocity ≤
///      ``fallingStarVelocity``): falling fast, not only below last year;
///    - **sustained decliner**: the trailing 12 weeks already fell by `d` or more;
///    - **seasonal decliner**: otherwise;
/// 3. **stable**.
///
/// So every riser has a forecast growth of at least `u` and every decliner one of at most `d`.
public enum LifecycleStage: String, CaseIterable, Sendable, Codable, Comparable {
    case risingStar = "rising-star"
    case sustainedRiser = "sustained-riser"
    case seasonalRiser = "seasonal-riser"
    case stable
    case seasonalDecliner = "seasonal-decliner"
    case sustainedDecliner = "sustained-decliner"
    case fallingStar = "falling-star"

    /// The direction of the call, as the backtest scores it: risers up, decliners down.
    public var direction: TrendDirection {
        switch self {
        case .risingStar, .sustainedRiser, .seasonalRiser: .up
        case .stable: .flat
        case .seasonalDecliner, .sustainedDecliner, .fallingStar: .down
        }
    }

    /// The velocity (weekly log change of the seasonally adjusted series) at or below which a
    /// decliner is a falling star: about -2% a week.
    public static let fallingStarVelocity = -0.02

    /// The largest base ratio (last year's level over the peak so far) of a rising star.
    public static let lowBase = 0.25

    /// The stage the rules give these numbers.
    /// - Parameters:
    ///   - forecastGrowth: Forecast year-over-year growth of the next 12 weeks.
    ///   - growth: Trailing 12-week year-over-year growth.
    ///   - velocity: Weekly log change of the seasonally adjusted series.
    ///   - baseRatio: Last year's level over the series' peak so far.
    ///   - parameters: The thresholds.
    public static func of(
        forecastGrowth: Double, growth: Double, velocity: Double, baseRatio: Double, parameters: TrendParameters
    ) -> LifecycleStage {
        if forecastGrowth >= parameters.upThreshold {
            if growth >= 1, velocity > 0, baseRatio <= lowBase { return .risingStar }
            return growth >= parameters.upThreshold ? .sustainedRiser : .seasonalRiser
        }
        if forecastGrowth <= parameters.downThreshold {
            if velocity <= fallingStarVelocity { return .fallingStar }
            return growth <= parameters.downThreshold ? .sustainedDecliner : .seasonalDecliner
        }
        return .stable
    }

    /// Risers first, then stable, then decliners (the order of the cases).
    public static func < (lhs: LifecycleStage, rhs: LifecycleStage) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The three-way reading of a call that the backtest scores.
public enum TrendDirection: String, CaseIterable, Sendable, Codable {
    case up
    case down
    case flat
}
