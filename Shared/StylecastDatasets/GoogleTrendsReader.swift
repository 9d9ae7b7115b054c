import StylecastCalendar
import StylecastProto

/// The long Google Trends table `covid19_fashion_weekly.csv.gz` (geo, category_file, keyword,
/// date, hits, time): one series per (geo, category_file, keyword), source "gtrends", group =
/// category_file, points in date order.
///
/// A series' rows need not be contiguous, so series are collected and emitted when the file
/// ends, in order of first appearance, each with the line of its first row. Memory is bounded:
/// at most ``maximumSeries`` series of at most ``maximumPoints`` weeks; rows beyond are
/// rejected. Weeks start on Sunday in Google Trends; each point's `week` is the Monday of that
/// week (the date + 1 day), as `SeriesPoint` requires. Google writes "<1" for interest below
/// 1; it is read as 0.5 and the series' entry states that repair.
struct GoogleTrendsReader: FramedProducer {
    static let header = ["geo", "category_file", "keyword", "date", "hits", "time"]
    static let maximumSeries = 100_000
    static let maximumPoints = 10_000

    private struct Pending {
        var series: Stylecast_V1_SearchInterestSeries
        var firstLine: UInt64
        var weeks: Set<Int> = []
        var belowOneCount = 0
    }

    let file: CSVFile
    var framer: RecordFramer { file.framer }
    private var pending: [Pending] = []
    private var positions: [String: Int] = [:]
    private var finished = false

    init(path: String) throws(DatasetError) {
        file = try CSVFile(path: path, expectedHeader: Self.header)
    }

    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool {
        if finished { return false }
        guard let checked = try file.nextChecked(idColumn: 2, idPrefix: "gtrends:") else {
            finished = true
            for var one in pending {
                one.series.points.sort { $0.week < $1.week }
                let repair = one.belowOneCount == 0
                    ? nil : "hits \"<1\" (interest below 1) read as 0.5 in \(one.belowOneCount) week(s)"
                entries.append(.record(.signal(one.series), index: one.firstLine, repair: repair))
            }
            pending = []
            return !entries.isEmpty
        }
        switch checked {
        case .rejected(let entry):
            entries.append(entry)
        case .row(let line, let row, _):
            let id = "gtrends:\(row["geo"]):\(row["category_file"]):\(row["keyword"])"
            do {
                try add(row, line: line)
            } catch {
                entries.append(Rejection.entry(index: line, recordID: id, field: error.field, rule: error.rule))
            }
        }
        return true
    }

    private mutating func add(_ row: NamedRow, line: UInt64) throws(FieldFailure) {
        let keyword = try row.required("keyword")
        guard let week = try row.date("date").trendsWeekMonday else {
            throw FieldFailure(field: "date", rule: "must be the first day (Sunday or Monday) of a week")
        }
        let hitsText = row["hits"]
        let belowOne = hitsText == "<1"
        let hits = belowOne ? 0.5 : try row.number("hits", in: 0...100)
        let key = "\(row["geo"])\u{0}\(row["category_file"])\u{0}\(keyword)"
        let position: Int
        if let known = positions[key] {
            position = known
        } else {
            guard pending.count < Self.maximumSeries else {
                throw FieldFailure(field: "keyword", rule: "at most \(Self.maximumSeries) series per file")
            }
            var series = Stylecast_V1_SearchInterestSeries()
            series.source = "gtrends"
            series.term = keyword
            series.geo = row["geo"]
            series.group = row["category_file"]
            position = pending.count
            positions[key] = position
            pending.append(Pending(series: series, firstLine: line))
        }
        guard pending[position].series.points.count < Self.maximumPoints else {
            throw FieldFailure(field: "date", rule: "at most \(Self.maximumPoints) weeks per series")
        }
        guard pending[position].weeks.insert(week.daysSinceEpoch).inserted else {
            throw FieldFailure(field: "date", rule: "week must appear once per series")
        }
        var point = Stylecast_V1_SeriesPoint()
        point.week = week.iso
        point.value = hits
        pending[position].series.points.append(point)
        if belowOne { pending[position].belowOneCount += 1 }
    }
}
