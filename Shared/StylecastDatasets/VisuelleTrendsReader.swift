import StylecastCalendar
import StylecastProto

/// VISUELLE's `gtrends.csv`: a `date` column then one column per search term, one row per
/// week, -1 for a missing week. Each term becomes one series (source "visuelle", geo "IT": the
/// data set is Nunalie's, an Italian fast-fashion company's, and its trends are Italy's), emitted once
/// the whole file is read; the table is small (220 x 96). A cell that is not a number is
/// rejected at its line and that week left out of its series.
struct VisuelleTrendsReader: FramedProducer {
    let file: CSVFile
    var framer: RecordFramer { file.framer }
    private var series: [Stylecast_V1_SearchInterestSeries]
    private var firstLine: UInt64?
    private var finished = false

    init(path: String) throws(DatasetError) {
        file = try CSVFile(path: path)
        guard file.header.first == "date", file.header.count > 1 else {
            throw .wrongHeader(path: path, expected: ["date", "<term>", "..."], found: file.header)
        }
        // Each column is a series named by its term: a nameless or repeated one would give
        // series (and rejections) that cannot be told apart.
        var terms: Set<String> = []
        for (column, term) in file.header.enumerated().dropFirst() {
            guard !term.isEmpty else { throw .invalidHeader(path: path, reason: "column \(column + 1): search term must not be empty") }
            guard terms.insert(term).inserted else {
                throw .invalidHeader(path: path, reason: "column \(column + 1): search term \"\(term)\" appears twice")
            }
        }
        series = file.header.dropFirst().map { term in
            var series = Stylecast_V1_SearchInterestSeries()
            series.source = "visuelle"
            series.geo = VisuelleProductsReader.market
            series.term = term
            return series
        }
    }

    mutating func produce(into entries: inout [DatasetEntry]) throws(DatasetError) -> Bool {
        if finished { return false }
        guard let checked = try file.nextChecked(idColumn: 0, idPrefix: "") else {
            finished = true
            for var one in series {
                one.points.sort { $0.week < $1.week }
                entries.append(.record(.signal(one), index: firstLine ?? 2))
            }
            return !series.isEmpty
        }
        switch checked {
        case .rejected(let entry):
            entries.append(entry)
        case .row(let line, let row, _):
            if firstLine == nil { firstLine = line }
            guard let week = CivilDay(iso: row["date"])?.trendsWeekMonday else {
                entries.append(
                    Rejection.entry(index: line, field: "date", rule: "must be the ISO-8601 date of a Sunday or Monday"))
                return true
            }
            for (column, term) in file.header.enumerated().dropFirst() {
                guard let value = Double(row.fields[column]), value.isFinite else {
                    entries.append(
                        Rejection.entry(
                            index: line, recordID: "visuelle:" + term, field: term, rule: "must be a number (-1 = missing)"))
                    continue
                }
                if value == -1 { continue }
                var point = Stylecast_V1_SeriesPoint()
                point.week = week.iso
                point.value = value
                series[column - 1].points.append(point)
            }
        }
        return true
    }
}
