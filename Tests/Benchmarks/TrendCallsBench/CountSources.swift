import StylecastCalendar
import StylecastDatasets
import StylecastTrends

/// The count sources of the shared data as share series per attribute, for the fusion weights:
/// VISUELLE's sales and launches by category, colour and fabric (market IT), and H&M's purchases
/// by product type and colour group. Attributes are the files' own columns, lower-cased (the
/// service maps them onto its vocabulary first, so its attribute names differ slightly). Each is a
/// backtest set over the window of the whole data (what happened after each origin is read from
/// its shares) whose rules read, per origin, each attribute's shares and counts as known then: the
/// window, its thin weeks and edges from the totals up to the origin week only.
enum CountSource {
    static func visuelle(dataDirectory: String) throws -> [BacktestSet] {
        var launches: [String: [CivilDay: Double]] = [:]
        var sales: [String: [CivilDay: Double]] = [:]
        var launchTotals: [CivilDay: Double] = [:]
        var salesTotals: [CivilDay: Double] = [:]
        for split in ["train", "test"] {
            var reader = try DatasetReader(source: .visuelle, path: "\(dataDirectory)/visuelle/\(split).csv")
            while let entry = try reader.nextEntry() {
                guard case .item(let item)? = entry.record, let release = CivilDay(iso: item.releaseDate)?.monday else {
                    continue
                }
                let attributes = [("category", item.category), ("color", item.color), ("material", item.fabric)]
                    .filter { !$0.1.isEmpty }.map { "\($0.0):\($0.1.lowercased())" }
                launchTotals[release, default: 0] += 1
                for attribute in attributes { launches[attribute, default: [:]][release, default: 0] += 1 }
                let weekly = (item.extra["weekly_sales"] ?? "").split(separator: ",").compactMap { Double($0) }
                for (offset, value) in weekly.enumerated() where value > 0 {
                    let week = release.adding(days: 7 * offset)
                    salesTotals[week, default: 0] += value * 1065
                    for attribute in attributes { sales[attribute, default: [:]][week, default: 0] += value * 1065 }
                }
            }
        }
        guard let firstLaunch = launchTotals.keys.min(), let lastLaunch = launchTotals.keys.max() else { return [] }
        return [
            make(
                name: "VISUELLE sales (IT)", measure: .sales, amounts: sales, totals: salesTotals,
                launchWeeks: firstLaunch...lastLaunch, supportAmounts: launches),
            make(name: "VISUELLE launches (IT)", measure: .launches, amounts: launches, totals: launchTotals, launchWeeks: nil),
        ].compactMap { $0 }
    }

    static func hm(dataDirectory: String) throws -> [BacktestSet] {
        var attributesOf: [String: [String]] = [:]
        var articles = try DatasetReader(source: .hm, path: "\(dataDirectory)/hm/articles_train.csv.gz")
        while let entry = try articles.nextEntry() {
            guard case .item(let item)? = entry.record else { continue }
            attributesOf[item.itemID] = [("category", item.category), ("color", item.color)].filter { !$0.1.isEmpty }
                .map { "\($0.0):\($0.1.lowercased())" }
        }
        var purchases: [String: [CivilDay: Double]] = [:]
        var totals: [CivilDay: Double] = [:]
        var transactions = try DatasetReader(source: .hm, path: "\(dataDirectory)/hm/transactions_train.csv.gz")
        while let entry = try transactions.nextEntry() {
            guard case .interaction(let purchase)? = entry.record, let attributes = attributesOf[purchase.itemID] else { continue }
            let week = CivilDay(unixSeconds: purchase.timestamp).monday
            totals[week, default: 0] += purchase.quantity
            for attribute in attributes { purchases[attribute, default: [:]][week, default: 0] += purchase.quantity }
        }
        return [make(name: "H&M purchases", measure: .purchases, amounts: purchases, totals: totals, launchWeeks: nil)]
            .compactMap { $0 }
    }

    /// - Parameter supportAmounts: For sales, each attribute's launches (the products behind the units).
    private static func make(
        name: String, measure: TrendMeasure, amounts: [String: [CivilDay: Double]], totals: [CivilDay: Double],
        launchWeeks: ClosedRange<CivilDay>?, supportAmounts: [String: [CivilDay: Double]]? = nil
    ) -> BacktestSet? {
        guard let coverage = SourceCoverage(measure: measure, totals: totals, launchWeeks: launchWeeks) else { return nil }
        let attributes = amounts.keys.sorted()
        func shares(_ coverage: SourceCoverage, _ attribute: String) -> (values: [Double?], counts: [Double?]) {
            var (values, counts) = coverage.series(measure: measure, amounts: amounts[attribute]!, totals: totals)
            if let supportAmounts { counts = coverage.aligned(supportAmounts[attribute] ?? [:]) }
            return (values, counts)
        }
        var known: [Int: [(values: [Double?], counts: [Double?])]] = [:]
        for origin in TrendBacktest.origins(seriesLength: coverage.weeks.count) {
            let week = coverage.firstWeek.adding(days: 7 * origin)
            let launches = launchWeeks.map { $0.lowerBound...min($0.upperBound, week) }
            guard let then = SourceCoverage(measure: measure, totals: totals.filter { $0.key <= week }, launchWeeks: launches)
            else { continue }
            known[origin] = attributes.map { shares(then, $0) }
        }
        return BacktestSet(
            name: name, firstWeek: coverage.firstWeek, series: attributes.map { shares(coverage, $0).values }, measure: measure,
            known: { [known] series, origin in known[origin]?[series] ?? ([], []) })
    }
}
