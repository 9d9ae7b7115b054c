import StylecastRecommender
import Testing

@Suite("rising attribute signals: trend calls as per-item boost signals")
struct RisingAttributeSignalsTests {
    @Test("an item's signal is its strongest rising value; confidences are clamped and repeated values keep the larger")
    func signals() {
        let rising = RisingAttributeSignals([
            ("category:dress", 0.4), ("color:red", 0.9), ("category:dress", 0.6), ("color:green", 7),
            ("color:blue", -1), ("color:grey", .nan),
        ])
        #expect(rising.strengths == ["category:dress": 0.6, "color:red": 0.9, "color:green": 1])
        #expect(rising.signal(of: ["category:dress", "color:red"]) == 0.9)
        #expect(rising.signal(of: ["category:dress", "color:black"]) == 0.6)
        #expect(rising.signal(of: ["category:top", "color:blue"]) == 0)
        #expect(rising.itemSignals(itemAttributes: [["color:green"], [], ["category:dress"]]) == [1, 0, 0.6])
        #expect(RisingAttributeSignals.none.isEmpty && !rising.isEmpty)
    }
}
