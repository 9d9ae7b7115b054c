import Foundation
import StylecastCalendar
import StylecastTrends
import Testing

/// The committed sample report (docs/sample-report, written by scripts/demo.sh from the shared
/// data) against the report's promises: it is what a reader of the repository sees first.
@Suite("the committed sample report")
struct SampleReportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/sample-report")

    static func json() throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as? [String: Any])
    }

    @Test("every card has a stage consistent with its numbers, support behind it and no week past its source's window")
    func cards() throws {
        let report = try Self.json()
        let lastWeeks = Dictionary(
            uniqueKeysWithValues: (report["coverage"] as? [[String: Any]] ?? []).map {
                ("\($0["source"] ?? "") \($0["market"] ?? "") \($0["measure"] ?? "")", $0["last_week"] as? String ?? "")
            })
        let parameters = TrendParameters.standard
        var cards = 0
        for section in report["markets"] as? [[String: Any]] ?? [] {
            for card in (section["risers"] as? [[String: Any]] ?? []) + (section["decliners"] as? [[String: Any]] ?? []) {
                cards += 1
                let name = "\(section["market"] ?? "") \(card["kind"] ?? "")=\(card["value"] ?? "")"
                let stage = try #require(LifecycleStage(rawValue: card["stage"] as? String ?? ""), "\(name) has no stage")
                let forecast = try #require(card["forecast_growth"] as? Double)
                let growth = try #require(card["growth"] as? Double)
                switch stage {
                case .risingStar: #expect(forecast >= parameters.upThreshold && growth >= 1, "\(name)")
                case .sustainedRiser: #expect(forecast >= parameters.upThreshold && growth >= parameters.upThreshold, "\(name)")
                case .seasonalRiser: #expect(forecast >= parameters.upThreshold, "\(name)")
                case .stable: Issue.record("\(name): a stable card")
                case .fallingStar, .seasonalDecliner: #expect(forecast <= parameters.downThreshold, "\(name)")
                case .sustainedDecliner: #expect(forecast <= parameters.downThreshold && growth <= parameters.downThreshold, "\(name)")
                }
                #expect((card["supported_series"] as? Int ?? 0) >= 1, "\(name)")
                let evidence = card["evidence"] as? [[String: Any]] ?? []
                #expect(evidence.contains { ($0["staged"] as? Int ?? 0) > 0 }, "\(name): no evidence with a stage")
                let first = try #require(CivilDay(iso: card["chart_first_week"] as? String ?? ""))
                let last = first.adding(days: 7 * ((card["this_year"] as? [Any])?.count ?? 1) - 7).iso
                let limit = try #require(lastWeeks["\(card["chart_source"] ?? "") \(card["chart_measure"] ?? "")"], "\(name)")
                #expect(last <= limit, "\(name): chart to \(last), its source read to \(limit)")
            }
        }
        #expect(cards > 100)
    }

    @Test("report.csv parses and holds the JSON's calls; every market with data has a tab on the page")
    func csvAndMarkets() throws {
        let report = try Self.json()
        let calls = report["calls"] as? [[String: Any]] ?? []
        let csv = try String(contentsOf: Self.folder.appendingPathComponent("report.csv"), encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").dropLast()
        #expect(rows.first?.split(separator: ",").count == 16)
        #expect(rows.count == calls.count + 1)
        for (row, call) in zip(rows.dropFirst(), calls) {
            // The sample's values hold no comma or quote (checked here), so a split reads the fields.
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 16, "\(row)")
            guard fields.count == 16 else { continue }
            #expect(fields[0] == call["market"] as? String && fields[2] == call["value"] as? String)
            #expect(fields[3] == call["stage"] as? String && fields[15] == call["previous_stage"] as? String)
            #expect(Double(fields[9]) == call["forecast_growth"] as? Double && Double(fields[5]) == call["growth"] as? Double)
        }
        let markets = (report["markets"] as? [[String: Any]] ?? []).compactMap { $0["market"] as? String }
        let withData = Set((report["coverage"] as? [[String: Any]] ?? []).compactMap { $0["market"] as? String })
        #expect(markets.first == "ALL" && Set(markets.dropFirst()) == withData)
        let html = try String(contentsOf: Self.folder.appendingPathComponent("report.html"), encoding: .utf8)
        for market in markets { #expect(html.contains("<label for=\"pick-\(market)\">"), "no tab for \(market)") }
        #expect(!html.contains("<script"))
    }
}
