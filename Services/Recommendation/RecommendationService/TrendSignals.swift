import StylecastRecommender

/// An attribute trend-aggregation calls rising: its kind (`category` or `color`), its value
/// (lower-case) and the call's confidence.
package struct RisingAttribute: Sendable, Equatable {
    package var kind: ListRules.Attribute
    package var value: String
    /// The call's confidence, 0-1.
    package var strength: Float

    /// Creates a rising attribute.
    package init(kind: ListRules.Attribute, value: String, strength: Float) {
        self.kind = kind
        self.value = value.lowercased()
        self.strength = min(max(strength.isFinite ? strength : 0, 0), 1)
    }
}

/// The trend boost's signals (`trend_boost` of `Recommend`): each item's is the strongest
/// rising call among its category and colour, 0 when neither rises (``ItemBoost`` takes them;
/// the rule is ``RisingAttributeSignals``).
package struct TrendSignals: Sendable {
    /// The kinds whose calls boost items.
    package static let kinds: [ListRules.Attribute] = [.category, .color]
    private let signals: RisingAttributeSignals
    /// Counts the sets of calls a replica took in, so signals per item are rebuilt once per set.
    package let generation: UInt64

    /// No rising attribute.
    package static let none = TrendSignals([], generation: 0)

    /// The signals of one set of calls.
    package init(_ attributes: [RisingAttribute], generation: UInt64) {
        signals = RisingAttributeSignals(attributes.map { (Self.key($0.kind, $0.value), $0.strength) })
        self.generation = generation
    }

    /// Whether any attribute rises.
    package var isEmpty: Bool { signals.isEmpty }

    /// One item's signal, 0-1.
    package func signal(of facts: ItemFacts?) -> Float {
        guard let facts else { return 0 }
        return signals.signal(of: Self.kinds.map { Self.key($0, facts.value(of: $0)) })
    }

    /// One signal per item of `model`, in its item order.
    package func itemSignals(of model: RecommenderModel, facts: (String) -> ItemFacts?) -> [Float] {
        model.items.identifiers.map { signal(of: facts($0)) }
    }

    private static func key(_ kind: ListRules.Attribute, _ value: String) -> String {
        "\(kind.rawValue):\(value.lowercased())"
    }
}
