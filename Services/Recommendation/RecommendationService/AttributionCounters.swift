import Prometheus
import StylecastContracts
import Synchronization

/// `stylecast_rec_attributed_total{event, reason, surface}`: what was shown and what customers
/// did with it, per reason and per surface, so that a shop reads click-through
/// (`click / impression`) and conversion (`purchase / impression`) per model.
///
/// Impressions are counted as lists are served; clicks (`view`), carts and purchases as the
/// worker reads interactions that carry a ``RecommendationID`` and name an item of that list
/// (a replica counts what it consumed: sum over replicas). Redelivered interactions count again
/// (at least once). At most ``maximumSurfaces`` surface labels are kept per process; later ones
/// count under `other`.
package final class AttributionCounters: Sendable {
    /// What is counted.
    package enum Event: String, Sendable, CaseIterable {
        case impression, click, cart, purchase

        /// The event an interaction kind is attributed as (`review` is none).
        package init?(interactionKind kind: String) {
            switch kind {
            case "view": self = .click
            case "cart": self = .cart
            case "purchase": self = .purchase
            default: return nil
            }
        }
    }

    /// Most distinct surface labels.
    package static let maximumSurfaces = 32

    private let metrics: PrometheusCollectorRegistry
    /// Per surface label, one counter per event and reason (``slot(_:_:)``), made on first use.
    private let counters = Mutex<[String: [Counter?]]>([:])
    private static var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "stylecast", metricName: "rec_attributed", unitName: "total",
            helpText: "Recommended items shown (impression) and acted on (click, cart, purchase), by reason and surface")
    }

    /// Creates the counters in `metrics`.
    package init(metrics: PrometheusCollectorRegistry) {
        self.metrics = metrics
    }

    /// Counts one list served: one impression per item, under its reason.
    package func countImpressions(of reasons: some Sequence<RecommendationReason>, surface: String) {
        var perReason = [Int](repeating: 0, count: Self.reasons.count)
        for reason in reasons { perReason[Self.reasons.firstIndex(of: reason)!] += 1 }
        for (index, count) in perReason.enumerated() where count > 0 {
            counter(.impression, Self.reasons[index], surface).increment(by: Int64(count))
        }
    }

    /// Counts one interaction made from a list.
    package func count(_ event: Event, reason: RecommendationReason, surface: String) {
        counter(event, reason, surface).increment()
    }

    private func counter(_ event: Event, _ reason: RecommendationReason, _ surface: String) -> Counter {
        let slot = Self.slot(event, reason)
        return counters.withLock { counters in
            let label = counters[surface] != nil || counters.count < Self.maximumSurfaces ? surface : "other"
            var row = counters[label] ?? [Counter?](repeating: nil, count: Self.slots)
            if let counter = row[slot] { return counter }
            let counter = metrics.makeCounter(
                descriptor: Self.descriptor,
                labels: [("event", event.rawValue), ("reason", reason.rawValue), ("surface", label)])
            row[slot] = counter
            counters[label] = row
            return counter
        }
    }

    // Kept: `allCases` builds a new array on every use, and these are read for every answer.
    private static let reasons = RecommendationReason.allCases
    private static let events = Event.allCases
    private static let slots = events.count * reasons.count

    /// The place of an event and reason in a surface's row.
    private static func slot(_ event: Event, _ reason: RecommendationReason) -> Int {
        events.firstIndex(of: event)! * reasons.count + reasons.firstIndex(of: reason)!
    }
}
