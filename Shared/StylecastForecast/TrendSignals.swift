/// Weekly search-interest series (e.g. Google Trends, 0-100) of attribute terms, and the three
/// features a new product takes from each of its attributes' series before release.
struct TrendSignals: Sendable {
    /// Weeks of history the features look at before the release date.
    static let window = 52
    /// Weeks of the recent level.
    static let recentWeeks = 8

    /// Per term: week start day numbers (ascending) and values; missing weeks already dropped.
    private let series: [String: (days: [Int], values: [Double])]

    /// Keeps the finite, non-negative values (negative values mark a missing week, as in
    /// VISUELLE's `-1`); weeks whose date does not parse are dropped.
    init(_ signals: [String: [(week: String, value: Double)]]) {
        var series: [String: (days: [Int], values: [Double])] = [:]
        for (term, points) in signals {
            let kept = points.compactMap { point -> (Int, Double)? in
                guard let day = CalendarDay.parse(point.week), point.value.isFinite, point.value >= 0 else { return nil }
                return (day, point.value)
            }.sorted { $0.0 < $1.0 }
            series[term] = (kept.map(\.0), kept.map(\.1))
        }
        self.series = series
    }

    /// The features of `term` for a release on `releaseDay`, from the weeks that start before it,
    /// on the 0-1 scale: the mean of the last 52 weeks, the mean of the last 8, and the second
    /// minus the first (the recent trend). Zeros for an unknown term or fewer than 4 weeks.
    func features(term: String, releaseDay: Int) -> [Double] {
        guard let s = series[term] else { return [0, 0, 0] }
        var end = 0
        var low = 0
        var high = s.days.count
        while low < high {
            let mid = (low + high) / 2
            if s.days[mid] < releaseDay { low = mid + 1 } else { high = mid }
        }
        end = low
        // Only weeks within the window before release count, however sparse the series.
        var start = end
        while start > 0, s.days[start - 1] >= releaseDay - 7 * Self.window { start -= 1 }
        let count = end - start
        guard count >= 4 else { return [0, 0, 0] }
        let recentStart = max(start, end - Self.recentWeeks)
        let level = s.values[start..<end].reduce(0, +) / Double(count) / 100
        let recent = s.values[recentStart..<end].reduce(0, +) / Double(end - recentStart) / 100
        return [level, recent, recent - level]
    }
}
