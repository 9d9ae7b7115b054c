import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC
import StylecastProto

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
