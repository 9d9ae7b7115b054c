import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC
import StylecastProto

/// A stage as the word the docs use ("sustained-riser"); "none" without a stage.
func stageName(_ stage: Stylecast_V1_TrendStage) -> String {
    switch stage {
    case .risingStar: "rising-star"
    case .sustainedRiser: "sustained-riser"
    case .seasonalRiser: "seasonal-riser"
    case .stable: "stable"
    case .seasonalDecliner: "seasonal-decliner"
    case .sustainedDecliner: "sustained-decliner"
    case .fallingStar: "falling-star"
    default: "none"
    }
}

/// A growth ratio as a signed percentage.
func percentText(_ value: Double) -> String { String(format: "%+.0f%%", value * 100) }

/// `stylecast trends`: attributes with their lifecycle stage.
struct TrendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trends",
        abstract: "List attributes with their lifecycle stage, year-over-year growth and forecast (ListTrends).",
        discussion: """
            Each call compares the trailing and the next 12 weeks with the same weeks a year before, \
            on shares of each source's volume, fused across sources and markets (docs/trends.md). \
            Strongest calls first. Stages: rising-star, sustained-riser, seasonal-riser, stable, \
            seasonal-decliner, sustained-decliner, falling-star; --stage also takes up, down, flat, \
            unsupported and any. `stylecast markets` lists markets and sources.

            Examples:
              stylecast trends
              stylecast trends --kind color --market US --limit 10
              stylecast trends --stage up --as-of 2019-06-30 --json
              stylecast trends --kind term --prefix sage
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint.defaultEndpoint(of: .trendAggregation)

    @Option(help: "Only this kind: color, pattern, style, material, silhouette, category, term.")
    var kind: String = ""

    @Option(help: "Only values starting with this.")
    var prefix: String = ""

    @Option(help: "Only this market's series (e.g. US, IT, WW).")
    var market: String = ""

    @Option(help: "Only this source's series (e.g. gtrends).")
    var source: String = ""

    @Option(help: "Only this stage, direction (up, down, flat), unsupported or any.")
    var stage: String = ""

    @Option(help: "The trends as known at the end of the week holding this date (YYYY-MM-DD).")
    var asOf: String = ""

    @Option(help: "Attributes to list (at most 1000).")
    var limit: UInt32 = 20

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let response = try await withStylecastConnection(to: target) { client in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listTrends(.with {
                $0.kind = kind
                $0.valuePrefix = prefix
                $0.market = market
                $0.source = source
                $0.stage = stage
                $0.asOf = asOf
                $0.limit = limit
            })
        }
        if json {
            try printJSON([
                "as_of_week": response.asOfWeek, "matched": response.matched,
                "trends": response.trends.map { trend in
                    [
                        "kind": trend.attribute.kind, "value": trend.attribute.value, "stage": stageName(trend.stage),
                        "growth": trend.numbers.growth, "velocity": trend.numbers.velocity,
                        "acceleration": trend.numbers.acceleration, "seasonality": trend.numbers.seasonality,
                        "forecast_growth": trend.numbers.forecastGrowth, "forecast_growth_lower": trend.numbers.forecastGrowthLower,
                        "forecast_growth_upper": trend.numbers.forecastGrowthUpper, "confidence": trend.confidence,
                        "supported_series": trend.supportedSeries, "agreeing_series": trend.agreeingSeries,
                        "evidence": trend.evidence.map {
                            [
                                "source": $0.source, "market": $0.market, "measure": $0.measure, "stage": stageName($0.stage),
                                "growth": $0.numbers.growth, "forecast_growth": $0.numbers.forecastGrowth, "support": $0.support,
                                "unsupported": $0.unsupported,
                            ] as [String: Any]
                        },
                    ] as [String: Any]
                },
            ])
            return
        }
        guard !response.trends.isEmpty else {
            print("no attribute matched (ingest data first, or widen the filters; stylecast markets lists markets and sources)")
            return
        }
        print("calls at the week of \(response.asOfWeek); \(response.matched) matched")
        print("attribute                          stage               YoY   forecast (80% interval)     conf  agree")
        for trend in response.trends {
            let name = "\(trend.attribute.kind): \(trend.attribute.value)"
            let numbers = trend.numbers
            let forecast = "\(percentText(numbers.forecastGrowth)) (\(percentText(numbers.forecastGrowthLower)) .. \(percentText(numbers.forecastGrowthUpper)))"
            print(
                name.padding(toLength: 35, withPad: " ", startingAt: 0)
                    + stageName(trend.stage).padding(toLength: 19, withPad: " ", startingAt: 0)
                    + percentText(numbers.growth).padding(toLength: 6, withPad: " ", startingAt: 0)
                    + forecast.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(format: "%.2f  %d/%d", trend.confidence, trend.agreeingSeries, trend.supportedSeries))
        }
    }
}
