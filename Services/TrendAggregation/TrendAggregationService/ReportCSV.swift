import Foundation

/// `report.csv`: one row per call of the report (market, attribute) with its numbers, RFC 4180
/// with a header row; growths as ratios minus one, the same values as `calls` in the JSON (a text
/// that a spreadsheet would run as a formula is prefixed with `'`).
enum ReportCSV {
    static let header = [
        "market", "kind", "value", "stage", "direction", "growth", "velocity", "acceleration", "seasonality",
        "forecast_growth", "forecast_growth_lower", "forecast_growth_upper", "confidence", "supported_series",
        "agreeing_series", "previous_stage",
    ]

    static func render(_ calls: [TrendReport.Call]) -> String {
        var lines = [header.joined(separator: ",")]
        for call in calls {
            let fields = [
                text(call.market), text(call.kind), text(call.value), call.stage, call.direction, number(call.growth),
                number(call.velocity),
                number(call.acceleration), number(call.seasonality), number(call.forecastGrowth),
                number(call.forecastGrowthLower), number(call.forecastGrowthUpper), number(call.confidence),
                String(call.supportedSeries), String(call.agreeingSeries), call.previousStage,
            ]
            lines.append(fields.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A text field that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a tab or a
    /// carriage return first: a search term as ingested can be anything) gets a leading `'`.
    static func text(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return field }
        return "'" + field
    }

    /// Shortest text that reads back as the same Double.
    static func number(_ value: Double) -> String { "\(value)" }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
