/// Per-item signals for ``ItemBoost`` from trend calls: each attribute value called rising
/// carries its call's confidence, and an item's signal is the largest among its values (0 when
/// none of them rises). The recommendation service feeds it trend-aggregation's `up` calls on
/// category and colour; `scripts/bench/recsys.sh` feeds it the calls the trend rules make on a
/// split's training purchases.
public struct RisingAttributeSignals: Sendable, Equatable {
    /// Attribute value (e.g. `category:dress`) -> the strongest call's confidence, in `(0, 1]`.
    public private(set) var strengths: [String: Float]

    /// No rising attribute.
    public static let none = RisingAttributeSignals([])

    /// The signals of one set of calls.
    /// - Parameter calls: Each rising attribute value with its call's confidence; confidences
    ///   are clamped to `[0, 1]` (not finite reads as 0), and a value called twice keeps the
    ///   larger.
    public init(_ calls: [(attribute: String, confidence: Float)]) {
        var strengths: [String: Float] = [:]
        for call in calls {
            let confidence = call.confidence.isFinite ? min(max(call.confidence, 0), 1) : 0
            guard confidence > 0 else { continue }
            strengths[call.attribute] = max(strengths[call.attribute] ?? 0, confidence)
        }
        self.strengths = strengths
    }

    /// Whether any attribute value rises.
    public var isEmpty: Bool { strengths.isEmpty }

    /// One item's signal: the largest strength among its attribute values, 0 when none rises.
    public func signal(of attributes: some Sequence<String>) -> Float {
        attributes.reduce(0) { max($0, strengths[$1] ?? 0) }
    }

    /// One signal per item.
    /// - Parameter itemAttributes: For each item index, its attribute values.
    public func itemSignals(itemAttributes: [[String]]) -> [Float] {
        itemAttributes.map { signal(of: $0) }
    }
}
