import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC
import StylecastProto

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
