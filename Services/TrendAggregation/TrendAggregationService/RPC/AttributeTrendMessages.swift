import StylecastProto
import Synchronization

/// The `AttributeTrend` messages of the trend view's attributes, each built once per view build
/// and reused by every `ListTrends` answered from that build, whatever its filters.
///
/// Building an attribute's message writes out the evidence of each of its series (names, numbers,
/// weeks as text). A `perf record` of trend-aggregation under `load.sh --only ListTrends` put 14%
/// of the service's samples there, most of a call's cost besides the transport and the encoding.
/// Within one build (``TrendView/Contents/build``) an attribute's trend cannot change, so its
/// message is built the first time a call returns it. A later build replaces the messages kept;
/// a call still holding an earlier build's list builds its own and keeps none.
final class AttributeTrendMessages: Sendable {
    private struct Kept {
        var build = Int.min
        var messages: [TrendAttribute: Stylecast_V1_AttributeTrend] = [:]
    }

    private let kept = Mutex(Kept())

    /// The message of each of `trends`, read from the view build `build`, in order.
    func messages(for trends: [TrendQueries.AttributeCall], viewBuild build: Int) -> [Stylecast_V1_AttributeTrend] {
        let found: [Stylecast_V1_AttributeTrend?] = kept.withLock { kept in
            if build > kept.build { kept = Kept(build: build) }
            guard build == kept.build else { return Array(repeating: nil, count: trends.count) }
            return trends.map { kept.messages[$0.attribute] }
        }
        var built: [TrendAttribute: Stylecast_V1_AttributeTrend] = [:]
        let messages = zip(trends, found).map { trend, found in
            if let found { return found }
            let message = TrendMessages.attributeTrend(trend.attribute, series: trend.series, fused: trend.fused)
            built[trend.attribute] = message
            return message
        }
        if !built.isEmpty {
            kept.withLock { kept in
                guard kept.build == build else { return }
                kept.messages.merge(built) { first, _ in first }
            }
        }
        return messages
    }
}
