import Foundation

/// Renders a ``TrendReport`` as one self-contained HTML page: inline CSS and SVG, no scripts,
/// no external resources.
enum ReportHTML {
    static func render(_ report: TrendReport) -> String {
        var body = """
            <h1>Stylecast trend report</h1>
            <p class="meta">Generated \(escape(report.generatedAt)) from \(report.attributeCount) attribute series.</p>
            <section id="top"><h2>Strongest movers</h2>
            """
        for entry in report.top {
            body += """
                <figure class="chart" data-attribute="\(escape(entry.kind))=\(escape(entry.value))">
                <figcaption><b>\(escape(entry.kind)): \(escape(entry.value))</b> <span class="status \(entry.status)">\(entry.status)</span>
                \(escape(entry.measure ?? "")), slope \(percent(entry.slope))/week, forecast \(percent(entry.forecastChange))\
                \(entry.forecast.map { " (\(escape($0.model)))" } ?? "")</figcaption>
                \(chart(entry))
                </figure>
                """
        }
        body += "</section>"
        body += list(id: "emerging", title: "Emerging", report.emerging)
        body += list(id: "declining", title: "Declining", report.declining)
        body += "<section id=\"palette\"><h2>Rising colours</h2><div class=\"swatches\">"
        if report.risingColors.isEmpty { body += "<p>No colour is rising or emerging.</p>" }
        for swatch in report.risingColors {
            body += """
                <div class="swatch"><div style="background:\(swatch.hex)"></div>\
                <span>\(escape(swatch.name)) \(swatch.hex) (\(swatch.status))</span></div>
                """
        }
        body += "</div></section>"
        body += styleMap(report)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Stylecast trend report</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; background: #fff; }
            h1 { margin-bottom: 0.2em; } .meta { color: #666; }
            figure.chart { display: inline-block; margin: 0.5em; padding: 0.5em; border: 1px solid #ddd; }
            figcaption { font-size: 0.85em; max-width: 420px; }
            .status { padding: 0 0.4em; border-radius: 3px; color: #fff; background: #888; }
            .emerging { background: #2a9d8f; } .rising { background: #e76f51; } .peaking { background: #f4a261; }
            .declining { background: #264653; } .stable { background: #999; }
            .swatches { display: flex; flex-wrap: wrap; gap: 1em; }
            .swatch div { width: 64px; height: 64px; border: 1px solid #ccc; } .swatch span { font-size: 0.8em; }
            table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #eee; }
            </style></head>
            <body>
            \(body)
            </body></html>
            """
    }

    private static func list(id: String, title: String, _ entries: [TrendReport.Entry]) -> String {
        var html = "<section id=\"\(id)\"><h2>\(title)</h2>"
        guard !entries.isEmpty else { return html + "<p>None.</p></section>" }
        html += "<table><tr><th>attribute</th><th>level</th><th>slope/week</th><th>forecast</th></tr>"
        for entry in entries.prefix(30) {
            html += """
                <tr><td>\(escape(entry.kind)): \(escape(entry.value))</td><td>\(String(format: "%.1f", entry.level))</td>\
                <td>\(percent(entry.slope))</td><td>\(percent(entry.forecastChange))</td></tr>
                """
        }
        return html + "</table></section>"
    }

    /// History as a line, forecast as a dashed line inside its 80% band (the fan).
    private static func chart(_ entry: TrendReport.Entry) -> String {
        let width = 420.0
        let height = 160.0
        let history = (entry.history ?? []).map(\.value)
        let forecast = entry.forecast
        let all = history + (forecast?.upper ?? []) + (forecast?.lower ?? [])
        guard !history.isEmpty, let top = all.max(), let bottom = all.min() else { return "" }
        let count = history.count + (forecast?.point.count ?? 0)
        let span = max(top - bottom, 1e-9)
        func x(_ index: Int) -> Double { 30 + (width - 40) * Double(index) / Double(max(count - 1, 1)) }
        func y(_ value: Double) -> Double { height - 20 - (height - 30) * (value - bottom) / span }
        func path(_ values: [Double], from start: Int) -> String {
            values.enumerated().map { String(format: "%.1f,%.1f", x(start + $0.offset), y($0.element)) }
                .joined(separator: " ")
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">
            <rect width="100%" height="100%" fill="#fafafa"/>
            <text x="2" y="12" font-size="10" fill="#666">\(String(format: "%.0f", top))</text>
            <text x="2" y="\(Int(height) - 20)" font-size="10" fill="#666">\(String(format: "%.0f", bottom))</text>
            """
        if let forecast, !forecast.point.isEmpty {
            let start = history.count
            let upper = forecast.upper.enumerated().map { (start + $0.offset, $0.element) }
            let lower = forecast.lower.enumerated().reversed().map { (start + $0.offset, $0.element) }
            let band = (upper + lower).map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            svg += "<polygon points=\"\(band)\" fill=\"#e76f51\" fill-opacity=\"0.2\"/>"
            svg += "<polyline points=\"\(path([history.last!] + forecast.point, from: start - 1))\" fill=\"none\" stroke=\"#e76f51\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"
        }
        svg += "<polyline points=\"\(path(history, from: 0))\" fill=\"none\" stroke=\"#264653\" stroke-width=\"1.5\"/>"
        if let first = entry.history?.first?.week, let last = entry.history?.last?.week {
            svg += "<text x=\"30\" y=\"\(Int(height) - 4)\" font-size=\"10\" fill=\"#666\">\(first)</text>"
            svg += "<text x=\"\(Int(x(history.count - 1)) - 60)\" y=\"\(Int(height) - 4)\" font-size=\"10\" fill=\"#666\">\(last)</text>"
        }
        return svg + "</svg>"
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

    private static func percent(_ value: Double) -> String { String(format: "%+.1f%%", value * 100) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
