import StylecastCalendar
import StylecastDatasets

/// A backtest set: weekly series on one calendar of weeks, `nil` where a series has no value.
struct BacktestSet {
    var name: String
    var firstWeek: CivilDay
    var names: [String]
    var series: [[Double?]]

    var weekCount: Int { series.first?.count ?? 0 }

    func week(_ index: Int) -> String { firstWeek.adding(days: 7 * index).iso }

    /// The search-interest series of a file as one set (every series on the union of their weeks).
    static func searchSeries(name: String, source: DatasetSource, path: String) throws -> BacktestSet {
        var reader = try DatasetReader(source: source, path: path)
        var collected: [(String, [(CivilDay, Double)])] = []
        while let entry = try reader.nextEntry() {
            guard case .signal(let series)? = entry.record else { continue }
            let points = series.points.compactMap { point -> (CivilDay, Double)? in
                CivilDay(iso: point.week).map { ($0.monday, point.value) }
            }
            collected.append(([series.geo, series.term].filter { !$0.isEmpty }.joined(separator: ":"), points))
        }
        let days = collected.flatMap { $0.1.map(\.0) }
        guard let first = days.min(), let last = days.max() else {
            return BacktestSet(name: name, firstWeek: CivilDay(daysSinceEpoch: 0), names: [], series: [])
        }
        let count = (last.daysSinceEpoch - first.daysSinceEpoch) / 7 + 1
        var names: [String] = []
        var series: [[Double?]] = []
        for (label, points) in collected {
            var values = [Double?](repeating: nil, count: count)
            for (day, value) in points { values[(day.daysSinceEpoch - first.daysSinceEpoch) / 7] = value }
            names.append(label)
            series.append(values)
        }
        return BacktestSet(name: name, firstWeek: first, names: names, series: series)
    }
}
