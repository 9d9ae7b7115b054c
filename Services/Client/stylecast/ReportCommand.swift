import ArgumentParser
import Foundation
import GRPCCore
import StylecastClient
import StylecastGRPC
import StylecastProto

/// `stylecast report --out DIR`: writes the trend report as `report.html`, `report.json` and
/// `report.csv`, optionally with designs drawn from the trends and recommendations for some customers.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the trend report (self-contained HTML, JSON and CSV), with designs and recommendations if asked.",
        discussion: """
            Per market (and all markets together, picked with tabs on the page): the top risers \
            and decliners as cards with their stage, year-over-year and forecast growth with its \
            interval, this year against last year, the evidence per source, example items and a \
            sentence in English and Chinese; swatches of rising colours, the sources' weeks and a \
            map of the style clusters. report.json has the same content, report.csv every call. \
            docs/trends.md describes the rules. --designs N draws a design for the top riser of \
            each market and N designs from the rising attributes (image-generation), also written \
            to DIR/designs/; --customers adds each customer's recommendations with the reason for \
            each item (recommendation, names from ingest).

            Examples:
              stylecast report --out out
              stylecast report --out out --market US --as-of 2019-06-30
              stylecast report --out out --designs 8 --customers 0b0f...,1c2d...,3e4f...
            """)

    /// The largest report accepted.
    static let maximumReportBytes = 64 << 20

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint.defaultEndpoint(of: .trendAggregation)

    @Option(help: "host:port of the image-generation service (with --designs).")
    var imageGeneration = Endpoint.defaultEndpoint(of: .imageGeneration)

    @Option(help: "host:port of the recommendation service (with --customers).")
    var recommendation = Endpoint.defaultEndpoint(of: .recommendation)

    @Option(help: "host:port of the ingest service (item names for the recommendations).")
    var ingest = Endpoint.defaultEndpoint(of: .ingest)

    @Option(help: "Folder to write report.html, report.json and report.csv into (created if missing).")
    var out: String

    @Option(help: "Cards per market for risers and for decliners (0 = 6).")
    var top: UInt32 = 6

    @Option(help: "Weeks of forecast drawn on the cards (0 = 12, at most 12).")
    var horizon: UInt32 = 12

    @Option(help: "Only this market (e.g. US, IT); default: every market, and all together.")
    var market: String = ""

    @Option(help: "The report as known at the end of the week holding this date (YYYY-MM-DD).")
    var asOf: String = ""

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
        var options = CallOptions.defaults
        // A report of every market is larger than gRPC's default 4 MiB.
        options.maxResponseMessageBytes = Self.maximumReportBytes
        let report = try await withStylecastConnection(to: target) { [options] client in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).report(
                .with {
                    $0.top = top
                    $0.horizon = horizon
                    $0.market = market
                    $0.asOf = asOf
                }, options: options)
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var extras = ReportExtras()
        if designs > 0 {
            let slots = try ReportExtras.designSlots(in: report.json)
            let (cards, fromTrends) = try await withStylecastConnection(to: imageGeneration) { client in
                let service = Stylecast_V1_ImageGeneration.Client(wrapping: client)
                var cards: [ReportExtras.CardDesign] = []
                for (index, slot) in slots.enumerated() {
                    let response = try await service.generate(.with {
                        $0.prompt = slot.prompt
                        $0.count = 1
                        $0.seed = seed &+ UInt64(1000 + index)
                    })
                    if let image = response.images.first { cards.append(.init(slot: slot, image: image)) }
                }
                let fromTrends = try await service.generateFromTrends(.with {
                    $0.n = designs
                    $0.seed = seed
                })
                return (cards, fromTrends)
            }
            let folder = (out as NSString).appendingPathComponent("designs")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let files = fromTrends.images.enumerated().map { ("design-\($0.offset + 1).png", $0.element) }
                + cards.map { ($0.fileName, $0.image) }
            for (name, image) in files {
                try image.png.write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name)))
            }
            (extras.cardDesigns, extras.designs) = (cards, fromTrends)
        }
        let ids = customers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !ids.isEmpty {
            extras.recommendations = try await withStylecastConnection(to: recommendation) { client in
                let service = Stylecast_V1_Recommendation.Client(wrapping: client)
                var lists: [(String, Stylecast_V1_RecommendResponse)] = []
                for id in ids { lists.append((id, try await service.recommend(.with { $0.userID = id; $0.k = k }))) }
                return lists
            }
            extras.items = await knownItems(Set(extras.recommendations.flatMap { $0.1.items.map(\.itemID) }), ingest: ingest)
        }
        let html = (out as NSString).appendingPathComponent("report.html")
        let json = (out as NSString).appendingPathComponent("report.json")
        let csv = (out as NSString).appendingPathComponent("report.csv")
        try Data(extras.inserted(into: report.html).utf8).write(to: URL(fileURLWithPath: html))
        try Data(try extras.merged(into: report.json).utf8).write(to: URL(fileURLWithPath: json))
        try Data(report.csv.utf8).write(to: URL(fileURLWithPath: csv))
        if self.json {
            try printJSON([
                "html": html, "json": json, "csv": csv, "designs": extras.designs?.images.count ?? 0,
                "card_designs": extras.cardDesigns.count, "customers": extras.recommendations.count,
            ])
        } else {
            print("wrote \(html), \(json) and \(csv)")
        }
    }
}
