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
    private let counters = Mutex<[String: Counter]>([:])
    private let surfaces = Mutex<Set<String>>([])
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
        var perReason: [RecommendationReason: Int] = [:]
        for reason in reasons { perReason[reason, default: 0] += 1 }
        for (reason, count) in perReason { counter(.impression, reason, surface).increment(by: Int64(count)) }
    }

    /// Counts one interaction made from a list.
    package func count(_ event: Event, reason: RecommendationReason, surface: String) {
        counter(event, reason, surface).increment()
    }

    private func counter(_ event: Event, _ reason: RecommendationReason, _ surface: String) -> Counter {
        let label = surfaces.withLock { known in
            if known.contains(surface) { return surface }
            guard known.count < Self.maximumSurfaces else { return "other" }
            known.insert(surface)
            return surface
        }
        let key = "\(event.rawValue)|\(reason.rawValue)|\(label)"
        return counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = metrics.makeCounter(
                descriptor: Self.descriptor,
                labels: [("event", event.rawValue), ("reason", reason.rawValue), ("surface", label)])
            counters[key] = counter
            return counter
        }
    }
}
