import StylecastForecast
import StylecastProto

/// The documented rules that turn a weekly series into a trend status (docs/trends.md).
///
/// Measured on the series' own last weeks:
/// - `level`: mean of the last 4 weeks; `previous`: mean of the 4 weeks before;
/// - `slope`: (level - previous) / previous / 4, the relative change per week;
/// - `forecast_change`: mean of the next 8 weeks' forecast (``AutoForecaster``, season 52 when
///   the history holds two years, each week clipped at 0) relative to the level.
///
/// Then the first rule that holds:
/// 1. **emerging**: the level is positive and the weeks before the last 12 averaged under 20% of
///    it (or the series is younger than 12 weeks);
/// 2. **peaking**: the level is at least 90% of the last 26 weeks' maximum, the slope is above
///    -2% a week, and the forecast falls by more than 5%;
/// 3. **rising**: slope at least +2% a week and a forecast that does not fall;
/// 4. **declining**: slope at most -2% a week and a forecast that does not rise;
/// 5. **stable**: otherwise.
enum TrendStatusRules {
    /// Weeks of forecast behind `forecast_change`.
    static let horizon = 8

    /// The trend of one series.
    static func trend(of series: [Double], attribute: TrendAttribute) -> Stylecast_V1_AttributeTrend {
        var result = Stylecast_V1_AttributeTrend()
        result.attribute = .with {
            $0.kind = attribute.kind
            $0.value = attribute.value
            $0.confidence = 1
        }
        guard !series.isEmpty else {
            result.status = .stable
            return result
        }
        let level = mean(series.suffix(4))
        let previous = series.count > 4 ? mean(series.dropLast(4).suffix(4)) : 0
        let slope = previous > 0 ? (level - previous) / previous / 4 : (level > 0 ? 1 : 0)
        let forecastChange = forecastChange(series, level: level)
        result.level = level
        result.slope = slope
        result.forecastChange = forecastChange
        let older = series.dropLast(12)
        let recentMaximum = series.suffix(26).max() ?? 0
        if level > 0, older.isEmpty || mean(older) < 0.2 * level {
            result.status = .emerging
        } else if level > 0, level >= 0.9 * recentMaximum, slope > -0.02, forecastChange < -0.05 {
            result.status = .peaking
        } else if slope >= 0.02, forecastChange >= 0 {
            result.status = .rising
        } else if slope <= -0.02, forecastChange <= 0 {
            result.status = .declining
        } else {
            result.status = .stable
        }
        return result
    }

    private static func forecastChange(_ series: [Double], level: Double) -> Double {
        guard series.count >= 8, level > 0 else { return 0 }
        let seasonLength = series.count >= 104 ? 52 : 1
        guard let forecast = try? AutoForecaster(seasonLength: seasonLength).forecast(series, horizon: horizon, levels: [80])
        else { return 0 }
        // An attribute series is an amount: its forecast is clipped at 0, so the change is >= -100%.
        return (mean(forecast.mean.map { max($0, 0) }) - level) / level
    }

    private static func mean(_ values: some Collection<Double>) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
