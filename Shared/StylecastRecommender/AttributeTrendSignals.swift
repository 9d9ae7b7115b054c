import Foundation

/// Per-item trend signals for ``ItemBoost``: how fast the item's attributes (category, colour,
/// pattern...) are gaining purchases, from the interactions alone.
///
/// For each attribute value, `recent` counts its items' events in the `recentDays` before `now`
/// and `baseline` those in the `baselineDays` before that. The growth is the log ratio of the
/// two daily rates, each smoothed by one event over its window:
///
///     growth = ln((recent + 1) / recentDays) - ln((baseline + 1) / baselineDays)
///
/// Values with fewer than `minimumEvents` events in the two windows together get no signal.
/// Rising values (growth > 0) are scaled by the largest growth to `(0, 1]`; the rest get 0. An
/// item's signal is the largest signal among its attribute values (0 without attributes).
public struct AttributeTrendSignals: Sendable, Equatable {
    /// Days before `now` that count as recent.
    public var recentDays: Double
    /// Days before the recent window that form the baseline.
    public var baselineDays: Double
    /// Events (recent + baseline) an attribute value needs to get a signal.
    public var minimumEvents: Int

    /// Creates the rule.
    /// - Parameters:
    ///   - recentDays: The recent window (default 14 days).
    ///   - baselineDays: The baseline window before it (default 28 days).
    ///   - minimumEvents: Support an attribute value needs (default 10 events).
    public init(recentDays: Double = 14, baselineDays: Double = 28, minimumEvents: Int = 10) {
        self.recentDays = recentDays
        self.baselineDays = baselineDays
        self.minimumEvents = minimumEvents
    }

    /// Growth of each attribute value with enough support (before scaling).
    /// - Parameters:
    ///   - itemAttributes: For each item index, its attribute values (e.g. `"colour:Black"`).
    ///   - interactions: Events with `time` in days.
    ///   - now: The end of the recent window, in days.
    /// - Returns: Attribute value -> growth (log ratio of daily rates).
    public func growth(itemAttributes: [[String]], interactions: [Interaction], now: Double) -> [String: Double] {
        var recent: [String: Double] = [:]
        var baseline: [String: Double] = [:]
        let recentStart = now - recentDays
        let baselineStart = recentStart - baselineDays
        for event in interactions where event.time < now && event.time >= baselineStart {
            guard event.item < itemAttributes.count else { continue }
            for attribute in itemAttributes[event.item] {
                if event.time >= recentStart {
                    recent[attribute, default: 0] += 1
                } else {
                    baseline[attribute, default: 0] += 1
                }
            }
        }
        var growth: [String: Double] = [:]
        for attribute in Set(recent.keys).union(baseline.keys) {
            let r = recent[attribute] ?? 0
            let b = baseline[attribute] ?? 0
            guard r + b >= Double(minimumEvents) else { continue }
            growth[attribute] = log((r + 1) / recentDays) - log((b + 1) / baselineDays)
        }
        return growth
    }

    /// One signal in `[0, 1]` per item.
    /// - Parameters:
    ///   - itemAttributes: For each item index, its attribute values.
    ///   - interactions: Events with `time` in days.
    ///   - now: The end of the recent window, in days.
    /// - Returns: `itemAttributes.count` signals.
    public func itemSignals(itemAttributes: [[String]], interactions: [Interaction], now: Double) -> [Float] {
        let growth = growth(itemAttributes: itemAttributes, interactions: interactions, now: now)
        let largest = growth.values.max() ?? 0
        guard largest > 0 else { return [Float](repeating: 0, count: itemAttributes.count) }
        return itemAttributes.map { attributes in
            let best = attributes.compactMap { growth[$0] }.max() ?? 0
            return Float(max(0, best) / largest)
        }
    }
}
