import Foundation

/// Renders a ``TrendReport`` as one self-contained HTML page: inline CSS and SVG, no scripts, no
/// external resources. Markets are picked with radio buttons styled as tabs (CSS only), "all
/// markets" first.
package enum ReportHTML {
    static func render(_ report: TrendReport) -> String {
        var body = """
            <h1>Stylecast trend report</h1>
            <p class="meta">Calls at the week of \(escape(report.week))\(report.asOf.isEmpty ? " (each source's latest week)" : " (as of \(escape(report.asOf)))")\
            \(report.previousWeek.isEmpty ? "" : "; \"a quarter ago\" is each source 13 weeks before its last week read (the latest of them \(escape(report.previousWeek)))"). \
            \(report.calls.count) calls in \(report.markets.count) market views; generated \(escape(report.generatedAt)).</p>
            <p class="meta">Growth is against the same weeks a year before, on shares of each source's volume \
            (search interest as it is). Stages, thresholds and the backtest behind them: docs/trends.md.</p>
            """
        body += "<div class=\"picker\">"
        for (index, section) in report.markets.enumerated() {
            body += "<input type=\"radio\" name=\"market\" id=\"pick-\(anchor(section.market))\" class=\"pick\"\(index == 0 ? " checked" : "")>"
        }
        body += "<nav class=\"markets-nav\"><span>Market:</span>"
        for section in report.markets {
            body += "<label for=\"pick-\(anchor(section.market))\">\(escape(marketName(section.market)))</label>"
        }
        body += "</nav><div class=\"markets\">"
        for section in report.markets { body += market(section) }
        body += "</div></div>"
        body += palette(report)
        body += coverage(report)
        body += styleMap(report)
        let pickRules = report.markets.map {
            "#pick-\(anchor($0.market)):checked ~ .markets #market-\(anchor($0.market)) { display: block; }"
                + " #pick-\(anchor($0.market)):checked ~ nav label[for=pick-\(anchor($0.market))] { background: #264653; color: #fff; }"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Stylecast trend report</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; background: #fff; }
            h1 { margin-bottom: 0.2em; } .meta { color: #666; margin: 0.2em 0; }
            .pick { display: none; }
            nav.markets-nav { margin: 1em 0; display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center; }
            nav.markets-nav label { border: 1px solid #264653; border-radius: 3px; padding: 0.1em 0.5em; cursor: pointer; white-space: nowrap; }
            section.market { display: none; }
            .cards { display: flex; flex-wrap: wrap; gap: 0.8em; }
            article.card { width: 330px; border: 1px solid #ddd; border-radius: 4px; padding: 0.6em; font-size: 0.8em; }
            article.card.up { border-top: 4px solid #e76f51; } article.card.down { border-top: 4px solid #264653; }
            article.card header { font-size: 1.2em; margin-bottom: 0.3em; } .kind { color: #666; font-size: 0.8em; }
            .stage { padding: 0 0.4em; border-radius: 3px; color: #fff; background: #888; font-size: 0.8em; }
            .rising-star { background: #d62828; } .sustained-riser { background: #e76f51; } .seasonal-riser { background: #f4a261; }
            .stable { background: #999; } .seasonal-decliner { background: #457b9d; } .sustained-decliner { background: #264653; }
            .falling-star { background: #1d3557; }
            .narrative { margin: 0.3em 0; } .narrative[lang=zh] { color: #444; }
            table { border-collapse: collapse; } td, th { padding: 0.1em 0.4em; border-bottom: 1px solid #eee; text-align: left; }
            table.evidence { font-size: 0.9em; width: 100%; } .examples { color: #444; }
            .swatches { display: flex; flex-wrap: wrap; gap: 1em; }
            .swatch div { width: 64px; height: 64px; border: 1px solid #ccc; } .swatch span { font-size: 0.8em; }
            .design img { border: 1px solid #ddd; }
            \(pickRules)
            </style></head>
            <body>
            \(body)
            </body></html>
            """
    }

    static func marketName(_ code: String) -> String { code == TrendReport.allMarkets ? "All markets" : code }

    static func anchor(_ code: String) -> String {
        String(code.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "_" })
    }

    private static func market(_ section: TrendReport.MarketSection) -> String {
        var html = """
            <section class="market" id="market-\(anchor(section.market))" data-market="\(escape(section.market))">
            <h2>\(escape(marketName(section.market)))</h2>
            <p class="meta">Sources: \(escape(section.sources.joined(separator: ", "))); latest week read \(escape(section.week)).</p>
            """
        html += "<h3>Top risers</h3>"
        html += section.risers.isEmpty ? "<p>No attribute is rising here.</p>" : "<div class=\"cards\">" + section.risers.map(card).joined() + "</div>"
        html += "<h3>Top decliners</h3>"
        html += section.decliners.isEmpty ? "<p>No attribute is declining here.</p>" : "<div class=\"cards\">" + section.decliners.map(card).joined() + "</div>"
        return html + "</section>"
    }

    /// The placeholder `stylecast report --designs` replaces with a design drawn for the card.
    static func designSlot(market: String, kind: String, value: String) -> String {
        "<!--design-slot:\(escape(market)):\(escape(kind))=\(escape(value))-->"
    }

    private static func card(_ card: TrendReport.Card) -> String {
        let stageName = card.stage.replacingOccurrences(of: "-", with: " ")
        var html = """
            <article class="card \(card.direction)" data-market="\(escape(card.market))" data-attribute="\(escape(card.kind))=\(escape(card.value))" data-stage="\(card.stage)">
            <header><b>\(escape(card.value))</b> <span class="kind">\(escape(card.kind))</span> <span class="stage \(card.stage)">\(stageName)</span></header>
            <p class="numbers">Year on year <b>\(percent(card.growth))</b> · forecast <b>\(percent(card.forecastGrowth))</b> \
            (80%: \(percent(card.forecastGrowthLower)) to \(percent(card.forecastGrowthUpper))) · confidence \(String(format: "%.2f", card.confidence)) · \
            \(card.agreeingSeries) of \(card.supportedSeries) series agree · a quarter ago: \(escape(card.previousStage?.replacingOccurrences(of: "-", with: " ") ?? "no stage"))</p>
            \(sparkline(card))
            <p class="narrative" lang="en">\(escape(card.narrativeEn))</p>
            <p class="narrative" lang="zh">\(escape(card.narrativeZh))</p>
            <table class="evidence"><tr><th>source</th><th>measure</th><th>calls</th><th>YoY</th><th>forecast</th><th>support</th></tr>
            """
        for row in card.evidence {
            let calls: String
            if row.markets.count == 1 {
                calls = row.stage.isEmpty ? "no stage (below support)" : escape(row.stage.replacingOccurrences(of: "-", with: " "))
            } else {
                calls = "\(row.markets.count) markets: \(row.up) up, \(row.flat) flat, \(row.down) down"
                    + (row.staged < row.markets.count ? ", \(row.markets.count - row.staged) below support" : "")
            }
            html += """
                <tr><td>\(escape(row.source))</td><td>\(escape(row.measure))</td><td>\(calls)</td>\
                <td>\(row.growth.map(percent) ?? "")</td><td>\(row.forecastGrowth.map(percent) ?? "")</td>\
                <td>\(String(format: "%.0f", row.support))\(row.markets.count == 1 ? " / \(String(format: "%.0f", row.minimumSupport))" : "")</td></tr>
                """
        }
        html += "</table>"
        if !card.examples.isEmpty {
            html += "<p class=\"examples\">Examples: "
                + card.examples.map { "\(escape($0.title)) <small>(\(escape($0.itemId)))</small>" }.joined(separator: "; ") + "</p>"
        }
        if card.designSlot { html += designSlot(market: card.market, kind: card.kind, value: card.value) }
        return html + "</article>"
    }

    /// This year (solid), the same weeks last year (grey, dashed) and the forecast in its 80%
    /// band, on the drawn series' own scale; a gap where a week was not read.
    private static func sparkline(_ card: TrendReport.Card) -> String {
        let width = 320.0
        let height = 90.0
        let steps = card.thisYear.count + card.forecast.count
        // The scale follows the values and the forecast; a wide band is cut at the top.
        let all = card.thisYear.compactMap { $0 } + card.lastYear.compactMap { $0 } + card.forecast
        let top = max(1.25 * (all.max() ?? 1), 1e-12)
        func x(_ index: Int) -> Int { Int((4 + (width - 8) * Double(index) / Double(max(steps - 1, 1))).rounded()) }
        func y(_ value: Double) -> Int { Int((height - 14 - (height - 22) * min(value, top) / top).rounded()) }
        /// One polyline per run of read weeks.
        func lines(_ values: [Double?], from start: Int, style: String) -> String {
            var runs: [[String]] = [[]]
            for (offset, value) in values.enumerated() {
                if let value { runs[runs.count - 1].append("\(x(start + offset)),\(y(value))") } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            return runs.filter { !$0.isEmpty }.map { "<polyline points=\"\($0.joined(separator: " "))\" \(style)/>" }.joined()
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="\(escape(card.chartSource)) \(escape(card.chartMeasure)): this year, last year and forecast">
            <rect width="100%" height="100%" fill="#fafafa"/>
            """
        if !card.forecast.isEmpty {
            let start = card.thisYear.count
            let upper = card.forecastUpper.enumerated().map { "\(x(start + $0.offset)),\(y($0.element))" }
            let lower = card.forecastLower.enumerated().reversed().map { "\(x(start + $0.offset)),\(y($0.element))" }
            svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"#e76f51\" fill-opacity=\"0.2\"/>"
            let last = card.thisYear.last.flatMap { $0 }.map { [Optional($0)] } ?? []
            svg += lines(last + card.forecast.map { Optional($0) }, from: start - last.count, style: "fill=\"none\" stroke=\"#e76f51\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"")
        }
        svg += lines(card.lastYear, from: 0, style: "fill=\"none\" stroke=\"#aaa\" stroke-width=\"1\" stroke-dasharray=\"2 2\"")
        svg += lines(card.thisYear, from: 0, style: "fill=\"none\" stroke=\"#264653\" stroke-width=\"1.5\"")
        svg += "<text x=\"4\" y=\"\(Int(height) - 3)\" font-size=\"9\" fill=\"#666\">\(escape(card.chartFirstWeek))</text>"
        svg += "<text x=\"\(Int(width) - 150)\" y=\"\(Int(height) - 3)\" font-size=\"9\" fill=\"#666\">\(escape(card.chartSource)) \(escape(card.chartMeasure)); grey: last year</text>"
        return svg + "</svg>"
    }

    private static func palette(_ report: TrendReport) -> String {
        var html = "<section id=\"palette\"><h2>Rising colours (all markets)</h2><div class=\"swatches\">"
        if report.risingColors.isEmpty { html += "<p>No colour is rising.</p>" }
        for swatch in report.risingColors {
            html += """
                <div class="swatch"><div style="background:\(swatch.hex)"></div>\
                <span>\(escape(swatch.name)) \(swatch.hex) (\(escape(swatch.stage.replacingOccurrences(of: "-", with: " "))))</span></div>
                """
        }
        return html + "</div></section>"
    }

    private static func coverage(_ report: TrendReport) -> String {
        var html = """
            <section id="coverage"><h2>Sources and their weeks</h2><p class="meta">Nothing is read past a source's last \
            week; weeks too thin to read are left out.</p><table><tr><th>source</th><th>market</th><th>measure</th>\
            <th>first week</th><th>last week</th><th>thin weeks</th><th>series</th></tr>
            """
        for row in report.coverage {
            html += """
                <tr><td>\(escape(row.source))</td><td>\(escape(row.market))</td><td>\(escape(row.measure))</td>\
                <td>\(escape(row.firstWeek))</td><td>\(escape(row.lastWeek))</td><td>\(row.thinWeeks)</td><td>\(row.series)</td></tr>
                """
        }
        return html + "</table></section>"
    }

    private static let clusterColors = ["#e63946", "#457b9d", "#2a9d8f", "#f4a261", "#8338ec", "#ff006e", "#3a86ff", "#6a994e"]

    /// The items on their first two principal components, coloured by cluster, with labels.
    private static func styleMap(_ report: TrendReport) -> String {
        var html = "<section id=\"styles\"><h2>Style map</h2>"
        guard !report.clusters.isEmpty else { return html + "<p>Too few embedded items to cluster.</p></section>" }
        let size = 520.0
        let xs = report.mapPoints.map(\.x)
        let ys = report.mapPoints.map(\.y)
        let (minX, maxX, minY, maxY) = (xs.min() ?? 0, xs.max() ?? 1, ys.min() ?? 0, ys.max() ?? 1)
        func sx(_ v: Double) -> Double { 10 + (size - 20) * (v - minX) / max(maxX - minX, 1e-9) }
        func sy(_ v: Double) -> Double { size - 10 - (size - 20) * (v - minY) / max(maxY - minY, 1e-9) }
        html += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\"><rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>"
        for point in report.mapPoints {
            html += String(
                format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%@\" fill-opacity=\"0.5\"/>", sx(point.x), sy(point.y),
                clusterColors[point.cluster % clusterColors.count])
        }
        for (index, cluster) in report.clusters.enumerated() {
            html += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" fill=\"%@\">%d: %@</text>",
                sx(cluster.x), sy(cluster.y), clusterColors[index % clusterColors.count], index + 1,
                escape(cluster.labels.joined(separator: ", ")))
        }
        html += "</svg><ol>"
        for cluster in report.clusters {
            html += "<li>\(escape(cluster.labels.joined(separator: ", "))) (\(cluster.size) items)</li>"
        }
        return html + "</ol></section>"
    }

    static func percent(_ value: Double) -> String { String(format: "%+.0f%%", value * 100) }

    /// `text` safe inside HTML text and double-quoted attributes (`&`, `<`, `>`, `"`); the
    /// client's report pages use it too.
    package static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
