import ArgumentParser
import Foundation
import StylecastClient
import StylecastProto

/// `stylecast report --out DIR`: writes the trend report as `report.html` and `report.json`,
/// optionally with designs drawn from the trends and recommendations for some customers.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the trend report (self-contained HTML and JSON), with designs and recommendations if asked.",
        discussion: """
            The page has the strongest movers with their history and forecast fan, the emerging \
            and declining attributes, swatches of rising colours and a map of the style clusters; \
            report.json has the same content. docs/trends.md describes the rules. --designs N \
            adds N designs drawn from the emerging and rising attributes (image-generation), \
            also written to DIR/designs/; --customers adds each customer's recommendations with \
            the reason for each item (recommendation, names from ingest).

            Examples:
              stylecast report --out out
              stylecast report --out out --top 12 --horizon 26
              stylecast report --out out --designs 8 --customers 0b0f...,1c2d...,3e4f...
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint(host: "127.0.0.1", port: 50055)

    @Option(help: "host:port of the image-generation service (with --designs).")
    var imageGeneration = Endpoint(host: "127.0.0.1", port: 50053)

    @Option(help: "host:port of the recommendation service (with --customers).")
    var recommendation = Endpoint(host: "127.0.0.1", port: 50054)

    @Option(help: "host:port of the ingest service (item names for the recommendations).")
    var ingest = Endpoint(host: "127.0.0.1", port: 50051)

    @Option(help: "Folder to write report.html and report.json into (created if missing).")
    var out: String

    @Option(help: "Attributes that get a history and forecast chart (0 = 8).")
    var top: UInt32 = 8

    @Option(help: "Weeks of forecast (0 = 12).")
    var horizon: UInt32 = 12

    @Option(help: "Designs to draw from the trends (0 = none).")
    var designs: UInt32 = 0

    @Option(help: "Seed of the first design.")
    var seed: UInt64 = 0

    @Option(help: "Comma-separated customer ids whose recommendations to show.")
    var customers: String = ""

    @Option(help: "Recommendations per customer.")
    var k: UInt32 = 6

    @Flag(help: "Print what was written as one JSON object.")
    var json = false

    func run() async throws {
        let (top, horizon, designCount, seed, k) = (self.top, self.horizon, self.designs, self.seed, self.k)
        let report = try await withStylecastConnection(to: target) { client in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).report(.with {
                $0.top = top
                $0.horizon = horizon
            })
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var extras = ReportExtras()
        if designCount > 0 {
            let response = try await withStylecastConnection(to: imageGeneration) { client in
                try await Stylecast_V1_ImageGeneration.Client(wrapping: client).generateFromTrends(.with {
                    $0.n = designCount
                    $0.seed = seed
                })
            }
            let folder = (out as NSString).appendingPathComponent("designs")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (index, image) in response.images.enumerated() {
                try image.png.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("design-\(index + 1).png")))
            }
            extras.designs = response
        }
        let ids = customers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !ids.isEmpty {
            extras.recommendations = try await withStylecastConnection(to: recommendation) { client in
                let service = Stylecast_V1_Recommendation.Client(wrapping: client)
                var lists: [(String, Stylecast_V1_RecommendResponse)] = []
                for id in ids { lists.append((id, try await service.recommend(.with { $0.userID = id; $0.k = k }))) }
                return lists
            }
            let itemIDs = Set(extras.recommendations.flatMap { $0.1.items.map(\.itemID) })
            extras.items = (try? await withStylecastConnection(to: ingest) { client in
                let service = Stylecast_V1_Ingest.Client(wrapping: client)
                var items: [String: Stylecast_V1_FashionItem] = [:]
                for id in itemIDs { items[id] = try? await service.getItem(.with { $0.itemID = id }) }
                return items
            }) ?? [:]
        }
        let html = (out as NSString).appendingPathComponent("report.html")
        let json = (out as NSString).appendingPathComponent("report.json")
        try Data(extras.inserted(into: report.html).utf8).write(to: URL(fileURLWithPath: html))
        try Data(try extras.merged(into: report.json).utf8).write(to: URL(fileURLWithPath: json))
        if self.json {
            try printJSON([
                "html": html, "json": json, "designs": extras.designs?.images.count ?? 0,
                "customers": extras.recommendations.count,
            ])
        } else {
            print("wrote \(html) and \(json)")
        }
    }
}
