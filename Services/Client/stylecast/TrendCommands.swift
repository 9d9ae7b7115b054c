import ArgumentParser
import Foundation
import StylecastClient
import StylecastProto

/// Trend status as the lower-case word the docs use.
func statusName(_ status: Stylecast_V1_TrendStatus) -> String {
    switch status {
    case .emerging: "emerging"
    case .rising: "rising"
    case .peaking: "peaking"
    case .declining: "declining"
    case .stable: "stable"
    default: "unknown"
    }
}

/// Prints an object as one JSON line.
func printJSON(_ object: Any) throws {
    print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
}

/// `stylecast trends`: the attributes moving most, with their status.
struct TrendsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trends",
        abstract: "List the strongest-moving attributes with their trend status (ListTrends).",
        discussion: """
            Attributes are ordered by their absolute weekly change (|slope| x level); the status \
            rules (emerging, rising, peaking, declining, stable) are in docs/trends.md.

            Examples:
              stylecast trends
              stylecast trends --kind color --limit 10
              stylecast trends --status emerging --json
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint(host: "127.0.0.1", port: 50055)

    @Option(help: "Only this kind: color, pattern, style, material, silhouette, category.")
    var kind: String = ""

    @Option(help: "Only this status: emerging, rising, peaking, declining, stable.")
    var status: String?

    @Option(help: "Attributes to list.")
    var limit: UInt32 = 20

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let (kind, limit, status) = (kind, limit, status)
        let trends = try await withStylecastConnection(to: target) { client in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listTrends(.with {
                $0.kind = kind
                $0.limit = status == nil ? limit : 1000
            })
        }.trends.filter { status == nil || statusName($0.status) == status }.prefix(Int(limit))
        if json {
            try printJSON([
                "trends": trends.map {
                    [
                        "kind": $0.attribute.kind, "value": $0.attribute.value, "status": statusName($0.status),
                        "level": $0.level, "slope": $0.slope, "forecast_change": $0.forecastChange,
                    ] as [String: Any]
                }
            ])
            return
        }
        guard !trends.isEmpty else {
            let filter = [status.map { "status \($0)" }, kind.isEmpty ? nil : "kind \(kind)"].compactMap { $0 }
            print(filter.isEmpty ? "no trends yet: ingest data first (stylecast ingest)" : "no attribute with \(filter.joined(separator: " and "))")
            return
        }
        print("attribute                         status     level    slope/week  forecast")
        for trend in trends {
            let name = "\(trend.attribute.kind): \(trend.attribute.value)"
            print(
                name.padding(toLength: 34, withPad: " ", startingAt: 0) + statusName(trend.status).padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(format: "%8.1f  %+9.1f%%  %+7.1f%%", trend.level, trend.slope * 100, trend.forecastChange * 100))
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
              stylecast forecast --kind category --value dress --measure items
              stylecast forecast --values 3,5,4,6,8,7,9,11 --horizon 4
              stylecast forecast --values 10,20,30,10,20,30,10,20,30 --season-length 3 --json
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint(host: "127.0.0.1", port: 50055)

    @Option(help: "Attribute kind, e.g. color.")
    var kind: String?

    @Option(help: "Attribute value, e.g. black.")
    var value: String?

    @Option(help: "Measure: sales, purchases, items or signal (default: the first the attribute has).")
    var measure: String = ""

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
        let (kind, value, measure, horizon, seasonLength) = (kind ?? "", value ?? "", measure, horizon, seasonLength)
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
                })
            }
            history = series.history.map { ($0.week, $0.value) }
            forecast = series.forecast
            measured = series.measure
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
        for (t, v) in history.suffix(8) { print("  \(t)  \(String(format: "%10.2f", v))") }
        for (step, point) in forecast.point.enumerated() {
            let lower = step < forecast.lower.count ? forecast.lower[step] : point
            let upper = step < forecast.upper.count ? forecast.upper[step] : point
            print(String(format: "  +%-9d  %10.2f   80%%: %.2f .. %.2f", step + 1, point, lower, upper))
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
    var target = Endpoint(host: "127.0.0.1", port: 50054)

    @Option(help: "host:port of the ingest service (for item names; unreachable = ids only).")
    var ingest = Endpoint(host: "127.0.0.1", port: 50051)

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
        let (user, similar, look, k) = (user, similar, look, k)
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
        let names = await itemNames(response.items.map(\.itemID))
        if json {
            try printJSON([
                "items": response.items.map {
                    ["item_id": $0.itemID, "score": $0.score, "reason": $0.reason, "title": names[$0.itemID] ?? ""] as [String: Any]
                },
                "from_cache": response.fromCache, "total_ms": response.timings.totalMs,
            ])
            return
        }
        for (rank, item) in response.items.enumerated() {
            print(String(format: "%2d. %@  %-12@ %.4f  %@", rank + 1, item.itemID, item.reason, item.score, names[item.itemID] ?? ""))
        }
        if response.items.isEmpty { print("no items") }
        print(response.fromCache ? "(from the cache)" : String(format: "(computed in %.1f ms)", response.timings.totalMs))
    }

    /// Titles and categories from the ingest service; empty when it cannot tell.
    private func itemNames(_ ids: [String]) async -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return (try? await withStylecastConnection(to: ingest) { client in
            var names: [String: String] = [:]
            let service = Stylecast_V1_Ingest.Client(wrapping: client)
            for id in ids {
                guard let item = try? await service.getItem(.with { $0.itemID = id }) else { continue }
                names[id] = [item.title, item.category, item.color].filter { !$0.isEmpty }.joined(separator: " · ")
            }
            return names
        }) ?? [:]
    }
}
