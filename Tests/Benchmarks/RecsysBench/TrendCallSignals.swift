import StylecastCalendar
import StylecastRecommender
import StylecastTrends

/// The trend boost's signals from trend calls, as the recommendation service gets them: the
/// trend rules (`StylecastTrends`: ``SourceCoverage`` and ``TrendCall`` on the `purchases`
/// measure, the share of each week's purchases) call every product type and colour group on the
/// stage's training purchases at the stage's start, and each value called up (a riser) carries
/// its call's confidence (``RisingAttributeSignals``). The service boosts category and colour,
/// which are H&M's product type and colour group; the graphical appearance is not called.
/// Purchases of articles the sample's article file does not know count nowhere, as in the
/// service, where a purchase waits for its item to be stored.
enum TrendCallSignals {
    /// The split's day 0 (`time` is days since it; scripts/bench/recsys_anchors.py).
    static let epoch = CivilDay(year: 2018, month: 9, day: 20)!
    /// The attribute kinds of `items.tsv` the service's calls cover.
    static let kinds = ["type:", "colour:"]

    /// The rising values and their confidences, and each item's signal.
    static func signals(of stage: Stage) -> (rising: RisingAttributeSignals, items: [Float], called: Int) {
        var totals: [CivilDay: Double] = [:]
        var amounts: [String: [CivilDay: Double]] = [:]
        let boosted = stage.itemAttributes.map { $0.filter { value in kinds.contains { value.hasPrefix($0) } } }
        // As in trend-aggregation, a purchase counts (in the week's total too) only once its item
        // is stored: here, an item the article file knows (one with attributes).
        for event in stage.train where event.time < stage.now && event.item < boosted.count && !boosted[event.item].isEmpty {
            let week = epoch.adding(days: Int(event.time)).monday
            totals[week, default: 0] += 1
            for attribute in boosted[event.item] { amounts[attribute, default: [:]][week, default: 0] += 1 }
        }
        guard let coverage = SourceCoverage(measure: .purchases, totals: totals) else { return (.none, [], 0) }
        var rising: [(attribute: String, confidence: Float)] = []
        var called = 0
        for (attribute, weekly) in amounts {
            let (values, counts) = coverage.series(measure: .purchases, amounts: weekly, totals: totals)
            let call = TrendCall(measure: .purchases, values: values, counts: counts)
            guard call.stage != nil else { continue }
            called += 1
            if call.direction == .up { rising.append((attribute, Float(call.confidence))) }
        }
        let signals = RisingAttributeSignals(rising)
        return (signals, signals.itemSignals(itemAttributes: boosted), called)
    }
}
