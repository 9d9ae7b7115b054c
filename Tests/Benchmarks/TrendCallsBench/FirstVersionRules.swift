import StylecastForecast
import StylecastTrends

/// The trend rules of the first version of trend-aggregation, as they were (commit 7a06523,
/// `TrendStatusRules`), for the backtest's anchor column. On a series' own last weeks: `level` =
/// mean of the last 4, `previous` = mean of the 4 before, `slope` = (level - previous) /
/// previous / 4; `forecast_change` = the mean of the next 8 weeks of the `AutoForecaster`
/// (season 52 with two years of history), clipped at 0, against the level. Then the first rule
/// that holds: emerging (the weeks before the last 12 averaged under 20% of the level), peaking
/// (level at least 90% of the last 26 weeks' maximum, slope above -2%, forecast falling more
/// than 5%), rising (slope at least +2% a week and a forecast that does not fall), declining
/// (slope at most -2% and a forecast that does not rise), stable. As then, weeks without a value
/// after the first count as 0. Read as calls: emerging and rising up, peaking and declining down,
/// stable flat.
enum FirstVersionRules {
    static func call(_ known: [Double?]) -> TrendDirection {
        guard let first = known.firstIndex(where: { $0 != nil }) else { return .flat }
        let series = known[first...].map { $0 ?? 0 }
        let level = mean(series.suffix(4))
        let previous = series.count > 4 ? mean(series.dropLast(4).suffix(4)) : 0
        let slope = previous > 0 ? (level - previous) / previous / 4 : (level > 0 ? 1 : 0)
        let change = forecastChange(series, level: level)
        let older = series.dropLast(12)
        let recentMaximum = series.suffix(26).max() ?? 0
        if level > 0, older.isEmpty || mean(older) < 0.2 * level { return .up }
        if level > 0, level >= 0.9 * recentMaximum, slope > -0.02, change < -0.05 { return .down }
        if slope >= 0.02, change >= 0 { return .up }
        if slope <= -0.02, change <= 0 { return .down }
        return .flat
    }

    private static func forecastChange(_ series: [Double], level: Double) -> Double {
        guard series.count >= 8, level > 0 else { return 0 }
        let seasonLength = series.count >= 104 ? 52 : 1
        guard let forecast = try? AutoForecaster(seasonLength: seasonLength).forecast(series, horizon: 8, levels: [80])
        else { return 0 }
        return (mean(forecast.mean.map { max($0, 0) }) - level) / level
    }
}

/// The mean of `values`, 0 when there are none.
func mean(_ values: some Collection<Double>) -> Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
}
