import ArgumentParser
import Foundation
import StylecastClient
import StylecastProto

/// `stylecast report --out DIR`: writes the trend report as `report.html` and `report.json`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the trend report (self-contained HTML and JSON) from trend-aggregation.",
        discussion: """
            The page has the strongest movers with their history and forecast fan, the emerging \
            and declining attributes, swatches of rising colours and a map of the style clusters; \
            report.json has the same content. docs/trends.md describes the rules.

            Examples:
              stylecast report --out out
              stylecast report --out out --top 12 --horizon 26
            """)

    @Option(help: "host:port of the trend-aggregation service.")
    var target = Endpoint(host: "127.0.0.1", port: 50055)

    @Option(help: "Folder to write report.html and report.json into (created if missing).")
    var out: String

    @Option(help: "Attributes that get a history and forecast chart (0 = 8).")
    var top: UInt32 = 8

    @Option(help: "Weeks of forecast (0 = 12).")
    var horizon: UInt32 = 12

    func run() async throws {
        let (top, horizon) = (self.top, self.horizon)
        let report = try await withStylecastConnection(to: target) { client in
            try await Stylecast_V1_TrendAggregation.Client(wrapping: client).report(.with {
                $0.top = top
                $0.horizon = horizon
            })
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let html = (out as NSString).appendingPathComponent("report.html")
        let json = (out as NSString).appendingPathComponent("report.json")
        try Data(report.html.utf8).write(to: URL(fileURLWithPath: html))
        try Data(report.json.utf8).write(to: URL(fileURLWithPath: json))
        print("wrote \(html) and \(json)")
    }
}
