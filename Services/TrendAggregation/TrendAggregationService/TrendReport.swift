import Foundation
import StylecastProto
import StylecastVision

/// The trend report's content, as JSON (`Report.json`) and the source of the HTML page.
struct TrendReport: Sendable, Codable {
    /// One attribute with its trend and, for the top ones, its history and forecast.
    struct Entry: Sendable, Codable {
        var kind: String
        var value: String
        var status: String
        var measure: String?
        var level: Double
        var slope: Double
        var forecastChange: Double
        var history: [Point]?
        var forecast: Forecast?
    }

    struct Point: Sendable, Codable {
        var week: String
        var value: Double
    }

    struct Forecast: Sendable, Codable {
        var model: String
        var point: [Double]
        var lower: [Double]
        var upper: [Double]
    }

    /// A colour swatch of a rising or emerging colour.
    struct Swatch: Sendable, Codable {
        var name: String
        var hex: String
        var status: String
    }

    var generatedAt: String
    var attributeCount: Int
    var top: [Entry]
    var emerging: [Entry]
    var declining: [Entry]
    var risingColors: [Swatch]
    var clusters: [StyleClusters.Cluster]
    var mapPoints: [StyleClusters.Point]

    /// Builds the report from the stored series.
    static func build(queries: TrendQueries, clusters: StyleClusters, top: Int, horizon: Int) async throws -> TrendReport {
        let all = try await queries.listTrends(.with { $0.limit = UInt32(TrendQueries.maxLimit) }).trends
        func entry(_ trend: Stylecast_V1_AttributeTrend) -> Entry {
            Entry(
                kind: trend.attribute.kind, value: trend.attribute.value, status: statusName(trend.status),
                measure: nil, level: trend.level, slope: trend.slope, forecastChange: trend.forecastChange,
                history: nil, forecast: nil)
        }
        var topEntries: [Entry] = []
        for trend in all.prefix(top) {
            var item = entry(trend)
            let series = try await queries.series(
                .with {
                    $0.kind = trend.attribute.kind
                    $0.value = trend.attribute.value
                    $0.horizon = UInt32(horizon)
                })
            item.measure = series.measure
            item.history = series.history.map { Point(week: $0.week, value: $0.value) }
            if series.hasForecast {
                item.forecast = Forecast(
                    model: series.forecast.model, point: series.forecast.point, lower: series.forecast.lower,
                    upper: series.forecast.upper)
            }
            topEntries.append(item)
        }
        let swatches = all.filter {
            $0.attribute.kind == "color" && ($0.status == .rising || $0.status == .emerging)
        }.compactMap { trend -> Swatch? in
            guard let srgb = ColorPalette.representativeSRGB[trend.attribute.value] else { return nil }
            return Swatch(name: trend.attribute.value, hex: srgb.hex, status: statusName(trend.status))
        }
        return TrendReport(
            generatedAt: ISO8601DateFormatter().string(from: Date()), attributeCount: all.count, top: topEntries,
            emerging: all.filter { $0.status == .emerging }.map(entry),
            declining: all.filter { $0.status == .declining }.map(entry), risingColors: swatches,
            clusters: clusters.clusters, mapPoints: clusters.points)
    }

    /// The report as pretty-printed JSON.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func statusName(_ status: Stylecast_V1_TrendStatus) -> String {
        switch status {
        case .emerging: "emerging"
        case .rising: "rising"
        case .peaking: "peaking"
        case .declining: "declining"
        case .stable: "stable"
        default: "unknown"
        }
    }
}
