import Foundation

/// The year-over-year measures of one weekly series at its last week (the origin), and the
/// 12-week forecast they come with (docs/trends.md, "Seasonal growth").
///
/// Fashion is seasonal, so every comparison is with the same weeks a year before. With `y` the
/// series, `t` its last week, `ε` half a percent of its largest value (so that a zero week does
/// not divide by zero) and means taken over the weeks observed:
/// - `level` = mean of `y[t-11...t]`, `lastYearLevel` = mean of `y[t-63...t-52]`, and the
///   trailing growth `growth` = (level + ε) / (lastYearLevel + ε) - 1;
/// - the seasonal profile `ŝ(j)`: the series smoothed by a centred moving average of `2k + 1`
///   weeks around the week `j` a year back, the window cut at `t` (so for a wide window and the
///   last forecast weeks it reaches into recent weeks: measured on the first half of the
///   backtest, cutting it at the end of last year's same 12 weeks instead scores 0.589 against
///   0.602), with the half-width `k` chosen per series from ``profileHalfWidths`` by
///   leave-one-out cross-validation over its last 64 weeks (each week predicted by the mean of
///   its neighbours within `k`, the smallest squared error wins): a noisy series is smoothed
///   widely, a clean seasonal one narrowly, so that smoothing neither keeps the noise of last
///   year's weeks nor flattens a real seasonal peak or trough;
/// - the forecast of week `t + h` (h = 1...12) is `ŝ(t + h - 52)` times the trailing growth
///   factor damped by `growthDamping`: last year's shape at this year's level;
/// - `forecastGrowth` = (mean forecast + ε) / (mean of `y[t-51...t-40]` + ε) - 1: the next
///   12 weeks against the same weeks a year before, the number a call is made on;
/// - the seasonally adjusted series `a(w) = ln(y(w) + ε) - ln(ŝ(w - 52) + ε)`: its weekly
///   least-squares slope over the last 12 weeks is the `velocity`, the slope over the last 6
///   minus the slope over the 6 before the `acceleration`;
/// - `seasonality` = 1 - var(a) / var(ln(y + ε)) over the last (up to) 52 weeks, clipped to
///   [0, 1]: the share of the series' movement that last year's profile explains;
/// - the 80% interval of the forecast growth is ±1.28 `σ_g` on the log scale, with
///   `σ_g = intervalScale · sd(a)` (the measure's scale); each week's interval adds the weekly
///   noise `sd(a)` to it.
///
/// Nothing is computed with under ``requiredHistory`` weeks, when a window has fewer than half
/// of its weeks observed, or when the series has no positive value.
public struct SeasonalGrowth: Sendable, Equatable {
    /// Weeks in the trailing window and in the forecast.
    public static let window = 12
    /// Weeks in a season (a year).
    public static let season = 52
    /// Weeks a series needs: the trailing 12 and the 52 before them.
    public static let requiredHistory = window + season
    /// The half-widths, in weeks, the seasonal profile's smoothing is chosen from.
    public static let profileHalfWidths = [2, 4, 6, 8, 12, 16, 20]
    /// z of the two-sided 80% interval.
    public static let z80 = 1.2815515655446004

    /// Mean of the trailing 12 weeks.
    public var level: Double
    /// Mean of the same 12 weeks a year before.
    public var lastYearLevel: Double
    /// Trailing 12-week year-over-year growth (0.2 = +20%).
    public var growth: Double
    /// Weekly log change of the seasonally adjusted series over the last 12 weeks (0.01 ≈ +1% a week).
    public var velocity: Double
    /// Velocity over the last 6 weeks minus velocity over the 6 before.
    public var acceleration: Double
    /// Share of the series' movement explained by last year's profile, in [0, 1].
    public var seasonality: Double
    /// The forecast of the next 12 weeks, one value per week.
    public var forecast: [Double]
    /// Lower bounds of the weekly 80% intervals.
    public var forecastLower: [Double]
    /// Upper bounds of the weekly 80% intervals.
    public var forecastUpper: [Double]
    /// Mean of the same 12 weeks a year before the forecast weeks.
    public var forecastBaseline: Double
    /// Forecast year-over-year growth: mean forecast against `forecastBaseline`.
    public var forecastGrowth: Double
    /// Lower bound of the 80% interval of `forecastGrowth`.
    public var forecastGrowthLower: Double
    /// Upper bound of the 80% interval of `forecastGrowth`.
    public var forecastGrowthUpper: Double
    /// Standard deviation of ln(1 + forecast growth), behind the interval and the confidence.
    public var growthSpread: Double
    /// Standard deviation of the seasonally adjusted series `a` (the weekly noise around the profile).
    public var noise: Double
    /// `ε`: half a percent of the series' largest value, added before every ratio and logarithm.
    public var offset: Double
    /// The half-width of the profile's smoothing chosen for this series, in weeks.
    public var profileHalfWidth: Int
    /// `lastYearLevel` over the series' largest weekly value so far: how low the base of its
    /// growth was (0 = nothing a year ago, 1 = at its peak).
    public var baseRatio: Double

    /// The measures at the series' last week.
    /// - Parameters:
    ///   - series: Weekly values, oldest first, the last one the origin; `nil` = not observed.
    ///   - measure: What the values measure (picks the interval scale).
    ///   - parameters: Damping, smoothing and interval scales.
    /// - Returns: `nil` when the series is too short, too sparse or never positive.
    public init?(series: [Double?], measure: TrendMeasure = .interest, parameters: TrendParameters = .standard) {
        let n = series.count
        guard n >= Self.requiredHistory else { return nil }
        let t = n - 1
        let largest = series.lazy.compactMap { $0 }.max() ?? 0
        guard largest > 0 else { return nil }
        let epsilon = 0.005 * largest
        let window = Self.window
        let season = Self.season
        guard let level = Self.mean(series, t - window + 1...t),
            let lastYearLevel = Self.mean(series, t - window + 1 - season...t - season),
            let baseline = Self.mean(series, t + 1 - season...t + window - season)
        else { return nil }
        let pad = Self.crossValidatedHalfWidth(series, through: t)
        func profile(_ j: Int) -> Double? { Self.mean(series, j - pad...j + pad, clampingTo: 0...t, minimumShare: 0) }

        let ratio = (level + epsilon) / (lastYearLevel + epsilon)
        let factor = pow(ratio, parameters.growthDamping)
        var forecast: [Double] = []
        for h in 1...window {
            guard let s = profile(t + h - season) else { return nil }
            forecast.append(max(0, (s + epsilon) * factor - epsilon))
        }
        let forecastMean = forecast.reduce(0, +) / Double(window)

        // The seasonally adjusted series over the last (up to) 52 weeks that have a year before.
        var adjusted: [(week: Int, value: Double, raw: Double)] = []
        for w in max(season, t - season + 1)...t {
            guard let value = series[w], let s = profile(w - season) else { continue }
            adjusted.append((w, log(value + epsilon) - log(s + epsilon), log(value + epsilon)))
        }
        guard adjusted.count >= window else { return nil }
        let noise = Self.standardDeviation(adjusted.map(\.value))
        let rawSpread = Self.standardDeviation(adjusted.map(\.raw))
        let recent = adjusted.filter { $0.week > t - window }
        let halves = (recent.filter { $0.week > t - window / 2 }, recent.filter { $0.week <= t - window / 2 })

        self.level = level
        self.lastYearLevel = lastYearLevel
        growth = ratio - 1
        velocity = Self.slope(recent)
        acceleration = Self.slope(halves.0) - Self.slope(halves.1)
        seasonality = rawSpread > 0 ? min(1, max(0, 1 - (noise * noise) / (rawSpread * rawSpread))) : 0
        self.noise = noise
        offset = epsilon
        profileHalfWidth = pad
        baseRatio = lastYearLevel / largest
        growthSpread = parameters.intervalScale(for: measure) * noise
        let weeklySpread = (noise * noise + growthSpread * growthSpread).squareRoot()
        self.forecast = forecast
        forecastLower = forecast.map { max(0, ($0 + epsilon) * exp(-Self.z80 * weeklySpread) - epsilon) }
        forecastUpper = forecast.map { ($0 + epsilon) * exp(Self.z80 * weeklySpread) - epsilon }
        forecastBaseline = baseline
        let logGrowth = log((forecastMean + epsilon) / (baseline + epsilon))
        forecastGrowth = exp(logGrowth) - 1
        forecastGrowthLower = exp(logGrowth - Self.z80 * growthSpread) - 1
        forecastGrowthUpper = exp(logGrowth + Self.z80 * growthSpread) - 1
    }

    /// The half-width from ``profileHalfWidths`` whose centred mean of the neighbours (the week
    /// itself left out, the window cut at `t`) predicts the observed weeks of `t-63...t` with the
    /// least mean squared error; ties go to the narrower.
    static func crossValidatedHalfWidth(_ series: [Double?], through t: Int) -> Int {
        // Prefix sums of the observed values and of their count.
        var sums = [0.0]
        var counts = [0]
        sums.reserveCapacity(t + 2)
        counts.reserveCapacity(t + 2)
        for index in 0...t {
            sums.append(sums[index] + (series[index] ?? 0))
            counts.append(counts[index] + (series[index] == nil ? 0 : 1))
        }
        var best: (error: Double, width: Int)?
        for width in profileHalfWidths {
            var error = 0.0
            var scored = 0
            for j in max(0, t - requiredHistory + 1)...t {
                guard let value = series[j] else { continue }
                let low = max(0, j - width)
                let high = min(t, j + width)
                let count = counts[high + 1] - counts[low] - 1
                guard count > 0 else { continue }
                let neighbours = (sums[high + 1] - sums[low] - value) / Double(count)
                error += (value - neighbours) * (value - neighbours)
                scored += 1
            }
            guard scored > 0 else { continue }
            let mean = error / Double(scored)
            if best == nil || mean < best!.error { best = (mean, width) }
        }
        return best?.width ?? profileHalfWidths[profileHalfWidths.count / 2]
    }

    /// The mean of the observed values in `range` (clamped to the series), or `nil` when fewer
    /// than `minimumShare` of the range's weeks (and fewer than one) are observed.
    static func mean(
        _ series: [Double?], _ range: ClosedRange<Int>, clampingTo bounds: ClosedRange<Int>? = nil,
        minimumShare: Double = 0.5
    ) -> Double? {
        let limits = bounds ?? 0...(series.count - 1)
        let low = max(range.lowerBound, limits.lowerBound)
        let high = min(range.upperBound, limits.upperBound)
        guard bounds != nil || (low == range.lowerBound && high == range.upperBound), low <= high else { return nil }
        var sum = 0.0
        var count = 0
        for index in low...high {
            if let value = series[index] {
                sum += value
                count += 1
            }
        }
        guard count > 0, Double(count) >= minimumShare * Double(range.count) else { return nil }
        return sum / Double(count)
    }

    /// Least-squares slope of `value` against `week`; 0 with fewer than two points.
    static func slope(_ points: [(week: Int, value: Double, raw: Double)]) -> Double {
        guard points.count >= 2 else { return 0 }
        let n = Double(points.count)
        let meanX = points.reduce(0) { $0 + Double($1.week) } / n
        let meanY = points.reduce(0) { $0 + $1.value } / n
        var sxy = 0.0
        var sxx = 0.0
        for point in points {
            sxy += (Double(point.week) - meanX) * (point.value - meanY)
            sxx += (Double(point.week) - meanX) * (Double(point.week) - meanX)
        }
        return sxx > 0 ? sxy / sxx : 0
    }

    static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }
}
