import Foundation
import StylecastRecommender
import Testing

@Suite("Attribute trend signals")
struct AttributeTrendSignalsTests {
    /// Items 0-1 are red dresses, item 2 a blue dress, item 3 has no attributes. Red sells 2 a
    /// day in the baseline and 6 a day recently; blue the other way round.
    func interactions() -> [Interaction] {
        var events = [Interaction]()
        for day in 0..<42 {
            let recent = day >= 28
            for _ in 0..<(recent ? 6 : 2) { events.append(Interaction(user: 0, item: day % 2, time: Double(day))) }
            for _ in 0..<(recent ? 1 : 3) { events.append(Interaction(user: 1, item: 2, time: Double(day))) }
        }
        return events
    }

    let attributes = [["colour:red", "type:dress"], ["colour:red", "type:dress"], ["colour:blue", "type:dress"], []]

    @Test("growth is the log ratio of the smoothed daily rates of the two windows")
    func growth() {
        let growth = AttributeTrendSignals().growth(itemAttributes: attributes, interactions: interactions(), now: 42)
        // red: 84 recent events in 14 days, 56 baseline events in 28 days.
        #expect(abs(growth["colour:red"]! - (log(85.0 / 14) - log(57.0 / 28))) < 1e-12)
        #expect(growth["colour:blue"]! < 0)
        // dress = red + blue: 98 recent, 140 baseline.
        #expect(abs(growth["type:dress"]! - (log(99.0 / 14) - log(141.0 / 28))) < 1e-12)
    }

    @Test("items take their best rising attribute, scaled to [0, 1]; falling and bare items get 0")
    func itemSignals() {
        let signals = AttributeTrendSignals().itemSignals(itemAttributes: attributes, interactions: interactions(), now: 42)
        #expect(signals[0] == 1)
        #expect(signals[1] == 1)
        // blue falls, but its dress attribute rises: the dress growth over the red growth.
        let expected = (log(99.0 / 14) - log(141.0 / 28)) / (log(85.0 / 14) - log(57.0 / 28))
        #expect(abs(Double(signals[2]) - expected) < 1e-6)
        #expect(signals[3] == 0)
    }

    @Test("values with too few events get no signal; events after now are ignored")
    func support() {
        let rule = AttributeTrendSignals(minimumEvents: 1_000)
        #expect(rule.itemSignals(itemAttributes: attributes, interactions: interactions(), now: 42) == [0, 0, 0, 0])
        // now = 10: recent = days 0..<10 only (2 red a day), nothing before: red grows from 0.
        let growth = AttributeTrendSignals(recentDays: 10, baselineDays: 28).growth(
            itemAttributes: attributes, interactions: interactions(), now: 10)
        #expect(abs(growth["colour:red"]! - (log(21.0 / 10) - log(1.0 / 28))) < 1e-12)
    }
}
