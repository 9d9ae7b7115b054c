import StylecastCalendar
import StylecastDatasets
import StylecastTrends

/// What a rule may read for one series at one origin: its values (and, for count measures, the
/// events behind them) up to the origin, as they were known then.
typealias HistoryAt = (_ series: Int, _ origin: Int) -> (values: [Double?], counts: [Double?])

/// A backtest set: weekly series on one calendar of weeks, `nil` where a series has no value.
struct BacktestSet {
    var name: String
    var firstWeek: CivilDay
    /// The series, whole: what happened after each origin is read from them.
    var series: [[Double?]]
    /// What the series measure.
    var measure: TrendMeasure = .interest
    /// What the rules read at an origin where that is not the series up to it (a count source's
    /// shares as known then).
    var known: HistoryAt? = nil

    var weekCount: Int { series.first?.count ?? 0 }

    /// The backtest's origins: indices into the weeks.
    var origins: [Int] { TrendBacktest.origins(seriesLength: weekCount) }

    func week(_ index: Int) -> String { firstWeek.adding(days: 7 * index).iso }

    /// What every rule reads for a series at an origin.
    func history(_ series: Int, at origin: Int) -> (values: [Double?], counts: [Double?]) {
        known?(series, origin) ?? (Array(self.series[series][...origin]), [])
    }

    /// Every series and origin whose outcome is known, series by series, with the half of the
    /// origins it falls in (0: first, 1: second).
    func outcomes(firstHalfOnly: Bool = false) -> [(index: Int, series: [Double?], origin: Int, half: Int, outcome: TrendDirection)] {
        let origins = origins
        let middle = origins.count / 2
        return series.enumerated().flatMap { index, series in
            origins.prefix(firstHalfOnly ? middle : origins.count).enumerated().compactMap { position, origin in
                TrendBacktest.realised(series, origin: origin).map { (index, series, origin, position < middle ? 0 : 1, $0) }
            }
        }
    }

    /// The search-interest series of a file as one set (every series on the union of their weeks).
    static func searchSeries(name: String, source: DatasetSource, path: String) throws -> BacktestSet {
        var reader = try DatasetReader(source: source, path: path)
        var collected: [[(CivilDay, Double)]] = []
        while let entry = try reader.nextEntry() {
            guard case .signal(let series)? = entry.record else { continue }
            collected.append(series.points.compactMap { point in CivilDay(iso: point.week).map { ($0.monday, point.value) } })
        }
        let days = collected.flatMap { $0.map(\.0) }
        guard let first = days.min(), let last = days.max() else {
            return BacktestSet(name: name, firstWeek: CivilDay(daysSinceEpoch: 0), series: [])
        }
        let count = (last.daysSinceEpoch - first.daysSinceEpoch) / 7 + 1
        let series = collected.map { points in
            var values = [Double?](repeating: nil, count: count)
            for (day, value) in points { values[(day.daysSinceEpoch - first.daysSinceEpoch) / 7] = value }
            return values
        }
        return BacktestSet(name: name, firstWeek: first, series: series)
    }
}
