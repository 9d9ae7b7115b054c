import Foundation
import StylecastCalendar
import StylecastContracts
import StylecastErrors
import StylecastProto
import StylecastTrends
import Testing

@testable import TrendAggregationService

@Suite("trend-aggregation: attributes, topics, request rules, report text")
struct TrendRulesTests {
    @Test("attributes: the item's own fields win over extracted ones of the same kind")
    func attributes() {
        let item = Stylecast_V1_FashionItem.with {
            $0.category = "dress"
            $0.color = "yellow"
            $0.fabric = "acrylic"
        }
        let extracted = [
            TrendAttribute(kind: "category", value: "top"), TrendAttribute(kind: "pattern", value: "floral"),
        ]
        #expect(
            TrendAttribute.of(item: item, extracted: extracted).map(\.key)
                == ["category:dress", "color:yellow", "material:acrylic", "pattern:floral"])
        #expect(TrendAttribute.decode(json: #"[{"kind":"color","value":"neon","origin":"lexicon"}]"#).map(\.key) == ["color:neon"])
        #expect(TrendAttribute.decode(json: "not json").isEmpty)
        #expect(TrendAttribute.of(term: "floral dress").map(\.key).sorted() == ["category:dress", "pattern:floral"])
        #expect(TrendAttribute(key: "style:futuristic") == TrendAttribute(kind: "style", value: "futuristic"))
        #expect(TrendAttribute(key: "nocolon") == nil)
    }

    @Test("topics and sources round-trip through their set members, a value with '|' included; no market is WW")
    func topicMembers() {
        let topic = TrendTopic(
            source: TrendSource(measure: .interest, source: "shop", market: ""), attribute: TrendAttribute(kind: "term", value: "a|b c"))
        #expect(topic.source.market == "WW")
        #expect(topic.member == "interest|shop|WW|term|a|b c")
        #expect(TrendTopic(member: topic.member) == topic)
        #expect(TrendTopic(member: "interest|shop|WW|term|") == nil)
        #expect(TrendSource(member: "bogus|shop|US") == nil)
        #expect(StylecastKeys.Trends.series(measure: "interest", source: "shop", market: "WW", kind: "term", value: "a|b c", partitions: .single)
            .hasSuffix(":interest:shop:WW:term:a|b c"))
    }

    @Test("as_of: empty is the latest, a date or date-time is its day, anything else names the field")
    func asOf() throws {
        #expect(try TrendRequestRules.asOf("") == nil)
        #expect(try TrendRequestRules.asOf("2019-06-05") == CivilDay(year: 2019, month: 6, day: 5))
        #expect(try TrendRequestRules.asOf("2019-06-05T23:10:00Z") == CivilDay(year: 2019, month: 6, day: 5))
        for bad in ["2019-13-01", "yesterday", "2019-06-05x", "1850-01-01", "20190605"] {
            let error = #expect(throws: InvalidInput.self) { try TrendRequestRules.asOf(bad) }
            #expect(error?.field == "as_of")
        }
    }

    @Test("stage filter: stage names, directions, any and unsupported; unknown names the field and the choices")
    func stageFilter() throws {
        #expect(try TrendRequestRules.stage("") == .staged)
        #expect(try TrendRequestRules.stage("falling-star") == .stage(.fallingStar))
        #expect(try TrendRequestRules.stage("up") == .direction(.up))
        #expect(try TrendRequestRules.stage("any").admits(nil))
        #expect(try !TrendRequestRules.stage("").admits(nil))
        #expect(try TrendRequestRules.stage("down").admits(.seasonalDecliner))
        let error = #expect(throws: InvalidInput.self, "peaking is not a stage") { try TrendRequestRules.stage("peaking") }
        #expect(error?.field == "stage" && error?.rule.contains("sustained-riser") == true)
        #expect(try TrendRequestRules.measure("signal") == .interest)
        #expect(try TrendRequestRules.measure("items") == .launches)
        #expect(throws: InvalidInput.self) { try TrendRequestRules.measure("units") }
        #expect(throws: InvalidInput.self) { try TrendRequestRules.kind("colour") }
    }

    @Test("report.csv quotes fields with commas and quotes, and writes numbers that read back exactly")
    func csv() {
        let call = TrendReport.Call(
            market: "US", kind: "term", value: "shorts, \"denim\"", stage: "stable", direction: "flat", growth: 0.1 + 0.2,
            velocity: -0.001, acceleration: 0, seasonality: 0.5, forecastGrowth: 0.05, forecastGrowthLower: -0.1,
            forecastGrowthUpper: 0.2, confidence: 0.7, supportedSeries: 1, agreeingSeries: 1, previousStage: "")
        let csv = ReportCSV.render([call])
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == ReportCSV.header.joined(separator: ","))
        #expect(lines[1].hasPrefix("US,term,\"shorts, \"\"denim\"\"\",stable,flat,0.30000000000000004,"))
        #expect(lines.count == 3 && lines[2].isEmpty)
        var formula = call
        formula.value = "=HYPERLINK(\"http://x\")"
        formula.market = "@US"
        let guarded = ReportCSV.render([formula]).components(separatedBy: "\r\n")[1]
        #expect(guarded.hasPrefix("'@US,term,\"'=HYPERLINK(\"\"http://x\"\")\",stable,flat,"))
        #expect(ReportCSV.render([call]).contains(",-0.001,"))  // numbers keep their sign
    }

    @Test("the narrative states the card's own numbers in English and Chinese")
    func narrative() {
        let fused = FusedTrend(
            stage: .sustainedRiser, growth: 0.31, velocity: 0.01, acceleration: 0, seasonality: 0.4, baseRatio: 0.5,
            forecastGrowth: 0.2,
            forecastGrowthLower: 0.05, forecastGrowthUpper: 0.38, confidence: 0.8, staged: 4, agreeing: 3, evidence: [])
        let text = ReportNarrative.sentences(
            attribute: TrendAttribute(kind: "color", value: "sage green"), market: "US", fused: fused, previousStage: .stable)
        #expect(text.english.contains("sustained riser") && text.english.contains("+31%") && text.english.contains("+20%"))
        #expect(text.english.contains("+5% to +38%") && text.english.contains("3 of 4 series agree") && text.english.contains("stable"))
        #expect(text.chinese.contains("持续上升") && text.chinese.contains("+31%") && text.chinese.contains("4个序列中3个"))
        #expect(ReportNarrative.sentences(
            attribute: TrendAttribute(kind: "color", value: "red"), market: "US",
            fused: FusedTrend(
                stage: nil, growth: 0, velocity: 0, acceleration: 0, seasonality: 0, forecastGrowth: 0, forecastGrowthLower: 0,
                forecastGrowthUpper: 0, confidence: 0, staged: 0, agreeing: 0, evidence: []), previousStage: nil).english.isEmpty)
    }
}
