import Foundation
import StylecastCalendar

/// The trend report's content, as JSON (`Report.json`) and the source of the HTML page and the
/// CSV (docs/trends.md, "Report").
///
/// Per market (and "all markets" fused), the top risers and decliners as cards: stage, trailing
/// and forecast year-over-year growth with its 80% interval, the stage a quarter before, a
/// sparkline of this year against last year with the forecast, the evidence per source, up to
/// five example items, and a sentence in English and in Chinese built from the numbers only.
/// `calls` lists every call of every market (what `report.csv` holds).
struct TrendReport: Sendable, Codable {
    /// The market code of the section that fuses every market.
    static let allMarkets = "ALL"

    /// `value` rounded to 6 decimals: the calls' numbers as the JSON and the CSV both hold them.
    static func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

    /// `value` to 4 significant digits: the charts' points.
    static func chartValue(_ value: Double) -> Double { Double(String(format: "%.4g", value)) ?? value }

    /// The series of one source and measure behind a card (one per market in its scope).
    struct Evidence: Sendable, Codable {
        var source: String
        var measure: String
        /// Markets of these series (one for a market's card).
        var markets: [String]
        /// Series with a stage, and how many of them point up, stay flat, point down.
        var staged: Int
        var up: Int
        var flat: Int
        var down: Int
        /// The stage of a single series; empty for several or none.
        var stage: String
        /// Mean trailing and forecast growth (on the log scale) of the series with a stage.
        var growth: Double?
        var forecastGrowth: Double?
        /// Support summed over the series, and the minimum one series needs.
        var support: Double
        var minimumSupport: Double
        /// The weeks read: the earliest first and the latest last week.
        var firstWeek: String
        var lastWeek: String
    }

    struct Example: Sendable, Codable {
        var itemId: String
        var title: String
    }

    /// One attribute in one market.
    struct Card: Sendable, Codable {
        var market: String
        var kind: String
        var value: String
        var stage: String
        var direction: String
        var growth: Double
        var forecastGrowth: Double
        var forecastGrowthLower: Double
        var forecastGrowthUpper: Double
        var velocity: Double
        var acceleration: Double
        var seasonality: Double
        var confidence: Double
        var supportedSeries: Int
        var agreeingSeries: Int
        /// The stage 13 weeks before; `nil` when it had none then.
        var previousStage: String?
        /// The series drawn: the evidence with the most support.
        var chartSource: String
        var chartMeasure: String
        /// The first week of the chart (a Monday): `this_year[i]` is the value of the week `i`
        /// weeks after it, `last_year[i]` that of the week 52 before; `null` where not read.
        var chartFirstWeek: String
        var thisYear: [Double?]
        var lastYear: [Double?]
        /// The 12-week forecast from the week after the last of `this_year`, with its 80% band.
        var forecast: [Double]
        var forecastLower: [Double]
        var forecastUpper: [Double]
        var evidence: [Evidence]
        var examples: [Example]
        var narrativeEn: String
        var narrativeZh: String
        /// Whether `stylecast report --designs` draws a design for this card.
        var designSlot: Bool
    }

    /// The cards of one market.
    struct MarketSection: Sendable, Codable {
        var market: String
        /// The latest week read in this market.
        var week: String
        var sources: [String]
        var risers: [Card]
        var decliners: [Card]
    }

    /// One row of `report.csv`.
    struct Call: Sendable, Codable, Equatable {
        var market: String
        var kind: String
        var value: String
        var stage: String
        var direction: String
        var growth: Double
        var velocity: Double
        var acceleration: Double
        var seasonality: Double
        var forecastGrowth: Double
        var forecastGrowthLower: Double
        var forecastGrowthUpper: Double
        var confidence: Double
        var supportedSeries: Int
        var agreeingSeries: Int
        var previousStage: String
    }

    var generatedAt: String
    /// The `as_of` asked for (empty = latest) and the latest week read.
    var asOf: String
    var week: String
    /// The latest week read by the calls of a quarter ago ("previous_stage"): each source 13 weeks
    /// before its own last week read.
    var previousWeek: String
    var markets: [MarketSection]
    var coverage: [CoverageRow]
    var calls: [Call]
    var risingColors: [Swatch]
    var clusters: [StyleClusters.Cluster]
    var mapPoints: [StyleClusters.Point]

    /// The weeks one source reads in one market and measure.
    struct CoverageRow: Sendable, Codable, Equatable {
        var source: String
        var market: String
        var measure: String
        var firstWeek: String
        var lastWeek: String
        var thinWeeks: Int
        var series: Int
    }

    /// A swatch of a rising colour (all markets).
    struct Swatch: Sendable, Codable {
        var name: String
        var hex: String
        var stage: String
    }

    /// The report as compact JSON with snake_case keys (`stylecast report` writes it indented).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
