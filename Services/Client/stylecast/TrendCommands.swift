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

/// `stylecast markets`: markets and sources with data, and each source's weeks.
struct MarketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markets",
        abstract: "List the markets and sources with data and the weeks each source reads (ListMarkets).",
        discussion: """
            Examples:
              stylecast markets
              stylecast markets --as-of 2019-06-30 --json
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint.defaultEndpoint(of: .trendAggregation)

    @Option(help: "Windows as known at the end of the week holding this date (YYYY-MM-DD).")
    var asOf: String = ""

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let response = try await withStylecastConnection(to: target) { client in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listMarkets(.with { $0.asOf = asOf })
        }
        if json {
            try printJSON([
                "markets": response.markets, "sources": response.sources,
                "coverage": response.coverage.map {
                    [
                        "source": $0.source, "market": $0.market, "measure": $0.measure, "first_week": $0.firstWeek,
                        "last_week": $0.lastWeek, "thin_weeks": $0.thinWeeks, "series": $0.series,
                    ] as [String: Any]
                },
            ])
            return
        }
        print("markets: \(response.markets.joined(separator: " "))")
        print("sources: \(response.sources.joined(separator: " "))")
        print("source      market  measure     first week  last week   thin  series")
        for row in response.coverage {
            print(
                row.source.padding(toLength: 12, withPad: " ", startingAt: 0) + row.market.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + row.measure.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + "\(row.firstWeek)  \(row.lastWeek)  " + String(format: "%4d  %6d", row.thinWeeks, row.series))
        }
    }
}

/// `stylecast forecast`: the forecast of an attribute's series, or of numbers given.
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast an attribute's weekly series (GetSeries) or a series you give (Forecast), with 80% intervals.",
        discussion: """
            The model is chosen per series from the exponential smoothing family, Theta and \
            seasonal naive (docs/forecasting.md).

            Examples:
              stylecast forecast --kind color --value black --horizon 12
              stylecast forecast --kind category --value dress --measure launches --market IT
              stylecast forecast --values 3,5,4,6,8,7,9,11 --horizon 4
              stylecast forecast --values 10,20,30,10,20,30,10,20,30 --season-length 3 --json
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint.defaultEndpoint(of: .trendAggregation)

    @Option(help: "Attribute kind, e.g. color.")
    var kind: String?

    @Option(help: "Attribute value, e.g. black.")
    var value: String?

    @Option(help: "Measure: sales, purchases, launches or interest (default: the first the attribute has).")
    var measure: String = ""

    @Option(help: "Market of the series (default: the one with the most support).")
    var market: String = ""

    @Option(help: "Source of the series (default: the one with the most support).")
    var source: String = ""

    @Option(help: "The series as known at the end of the week holding this date (YYYY-MM-DD).")
    var asOf: String = ""

    @Option(parsing: .unconditional, help: "A series to forecast instead, comma-separated (negative numbers allowed).")
    var values: String?

    @Option(help: "With --values: observations per season (0 = none).")
    var seasonLength: UInt32 = 0

    @Option(help: "Weeks (steps) to forecast.")
    var horizon: UInt32 = 12

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard (values == nil) != (kind == nil && value == nil) else {
            throw ValidationError("give either --kind and --value, or --values")
        }
        if values == nil, kind == nil || value == nil { throw ValidationError("--kind and --value go together") }
    }

    func run() async throws {
        let (kind, value) = (kind ?? "", value ?? "")
        var history: [(String, Double)] = []
        let forecast: Stylecast_V1_ForecastResponse
        var measured = ""
        if let values {
            let numbers = try values.split(separator: ",").map { text -> Double in
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--values: \"\(text)\" is not a number")
                }
                return number
            }
            history = numbers.enumerated().map { ("t\($0.offset + 1)", $0.element) }
            forecast = try await withStylecastConnection(to: target) { client in
                try await Stylecast_V1_TrendAggregation.Client(wrapping: client).forecast(.with {
                    $0.history = numbers
                    $0.horizon = horizon
                    $0.seasonLength = seasonLength
                })
            }
        } else {
            let series = try await withStylecastConnection(to: target) { client in
                try await Stylecast_V1_TrendAggregation.Client(wrapping: client).getSeries(.with {
                    $0.kind = kind
                    $0.value = value
                    $0.measure = measure
                    $0.horizon = horizon
                    $0.market = market
                    $0.source = source
                    $0.asOf = asOf
                })
            }
            history = series.history.map { ($0.week, $0.value) }
            forecast = series.forecast
            measured = "\(series.measure), \(series.source) \(series.market)"
        }
        if json {
            try printJSON([
                "history": history.map { ["t": $0.0, "value": $0.1] }, "measure": measured, "model": forecast.model,
                "point": forecast.point, "lower": forecast.lower, "upper": forecast.upper,
            ])
            return
        }
        let label = values == nil ? "\(kind): \(value) (\(measured))" : "the given series"
        print("\(label): \(history.count) points, model \(forecast.model)")
        for (t, v) in history.suffix(8) { print("  \(t)  \(String(format: "%10.4g", v))") }
        for (step, point) in forecast.point.enumerated() {
            let lower = step < forecast.lower.count ? forecast.lower[step] : point
            let upper = step < forecast.upper.count ? forecast.upper[step] : point
            print(String(format: "  +%-9d  %10.4g   80%%: %.4g .. %.4g", step + 1, point, lower, upper))
        }
    }
}

/// `stylecast recommend`: recommendations for a customer or around an item.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommendations for a customer, similar items, items that complete a look, or a retrain.",
        discussion: """
            Each item comes with the model or rule that put it there (als, cooccurrence, content, \
            popular, repurchase: docs/recommendation.md). Names and categories come from the \
            ingest service when it knows the item.

            Examples:
              stylecast recommend 0b0fd5b4... --k 5
              stylecast recommend --similar 0706016001
              stylecast recommend --look 0706016001 --json
              stylecast recommend --refresh
            """)

    @Option(help: "host:port of the recommendation service.")
    var target = Endpoint.defaultEndpoint(of: .recommendation)

    @Option(help: "host:port of the ingest service (for item names; unreachable = ids only).")
    var ingest = Endpoint.defaultEndpoint(of: .ingest)

    @Argument(help: "The customer id.")
    var user: String?

    @Option(help: "Items similar to this item instead.")
    var similar: String?

    @Option(help: "Items that complete the look of this item instead.")
    var look: String?

    @Flag(help: "Retrain the models from the interactions stored so far.")
    var refresh = false

    @Option(help: "Items to return.")
    var k: UInt32 = 10

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        let modes = [user != nil, similar != nil, look != nil, refresh].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of: a customer id, --similar ITEM, --look ITEM, --refresh") }
    }

    func run() async throws {
        if refresh {
            let result = try await withStylecastConnection(to: target) { client in
                try await Stylecast_V1_Recommendation.Client(wrapping: client).refresh(.init())
            }
            if json {
                try printJSON([
                    "users": result.users, "items": result.items, "interactions": result.interactions,
                    "training_ms": result.trainingMs,
                ])
            } else {
                print(String(
                    format: "refreshed: %llu users, %llu items, %llu interactions in %.0f ms", result.users, result.items,
                    result.interactions, result.trainingMs))
            }
            return
        }
        let response = try await withStylecastConnection(to: target) { client in
            let service = Stylecast_V1_Recommendation.Client(wrapping: client)
            if let similar { return try await service.similarItems(.with { $0.itemID = similar; $0.k = k }) }
            if let look { return try await service.completeTheLook(.with { $0.itemID = look; $0.k = k }) }
            return try await service.recommend(.with { $0.userID = user ?? ""; $0.k = k })
        }
        let items = await knownItems(response.items.map(\.itemID), ingest: ingest)
        if json {
            try printJSON([
                "items": response.items.map {
                    ["item_id": $0.itemID, "score": $0.score, "reason": $0.reason, "title": items[$0.itemID]?.displayName ?? ""] as [String: Any]
                },
                "from_cache": response.fromCache, "total_ms": response.timings.totalMs,
            ])
            return
        }
        for (rank, item) in response.items.enumerated() {
            print(String(format: "%2d. %@  %-12@ %.4f  %@", rank + 1, item.itemID, item.reason, item.score, items[item.itemID]?.displayName ?? ""))
        }
        if response.items.isEmpty { print("no items") }
        print(response.fromCache ? "(from the cache)" : String(format: "(computed in %.1f ms)", response.timings.totalMs))
    }
}
