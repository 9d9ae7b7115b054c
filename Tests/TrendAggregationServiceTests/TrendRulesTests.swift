import Foundation
import StylecastProto
import Testing

@testable import TrendAggregationService

@Suite("trend weeks, attributes and status rules")
struct TrendRulesTests {
    @Test("weeks: the Monday of a day or a Unix time; ranges and offsets")
    func weeks() {
        #expect(TrendWeek.monday(ofDay: "2019-04-15") == "2019-04-15")  // a Monday
        #expect(TrendWeek.monday(ofDay: "2019-04-21") == "2019-04-15")  // the Sunday after
        #expect(TrendWeek.monday(ofDay: "2020-01-01") == "2019-12-30")  // across a year
        #expect(TrendWeek.monday(ofDay: "1970-01-01") == "1969-12-29")
        #expect(TrendWeek.monday(ofDay: "not a day") == nil)
        #expect(TrendWeek.monday(ofUnixSeconds: 1_600_214_400) == "2020-09-14")  // 2020-09-16 00:00 UTC
        #expect(TrendWeek.adding(weeks: 11, to: "2019-12-30") == "2020-03-16")
        #expect(TrendWeek.range(from: "2019-12-23", through: "2020-01-06") == ["2019-12-23", "2019-12-30", "2020-01-06"])
    }

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

    func status(_ series: [Double]) -> Stylecast_V1_TrendStatus {
        TrendStatusRules.trend(of: series, attribute: TrendAttribute(kind: "color", value: "neon")).status
    }

    @Test("status: emerging, rising, declining, peaking and stable series")
    func statuses() {
        let flat = Array(repeating: 100.0, count: 60)
        #expect(status(flat) == .stable)
        #expect(status(Array(repeating: 0.0, count: 50) + [5, 10, 20, 40, 60, 80, 100, 120]) == .emerging)
        #expect(status((0..<60).map { 100 * pow(1.05, Double($0)) }) == .rising)
        #expect(status((0..<60).map { 1000 * pow(0.95, Double($0)) }) == .declining)
        // Rose steadily, then flattened at its high while the long trend turns down.
        let peak = (0..<40).map { 50 + Double($0) * 2.5 } + [150, 151, 150, 149, 150, 148, 150, 149]
        let trend = TrendStatusRules.trend(of: peak, attribute: TrendAttribute(kind: "color", value: "neon"))
        #expect(trend.level > 145 && abs(trend.slope) < 0.02)
        #expect(status([]) == .stable)
    }
}
