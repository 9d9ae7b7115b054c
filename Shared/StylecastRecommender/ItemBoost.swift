/// The hook for the trend signal: multiplies the blended score of items whose attributes are
/// rising, `score * (1 + strength * signal[item])`. Off by default (strength 0, no signals);
/// the trend-aggregation service will supply the per-item signals (e.g. the growth of the
/// item's colour, category and fabric, scaled to `[0, 1]`).
public struct ItemBoost: Sendable, Equatable {
    /// One signal per item (items beyond the array get 0); `nil` when there is none.
    public var signals: [Float]?
    /// How much a signal of 1 raises a score (0.2 raises it by 20%); 0 turns the hook off.
    public var strength: Float

    /// Creates a boost.
    /// - Parameters:
    ///   - signals: Per-item signals, usually in `[0, 1]`.
    ///   - strength: Multiplier slope; 0 turns the hook off.
    public init(signals: [Float]?, strength: Float) {
        self.signals = signals
        self.strength = strength
    }

    /// The default: no boost.
    public static let off = ItemBoost(signals: nil, strength: 0)

    /// Whether the boost changes any score.
    public var isActive: Bool { strength != 0 && signals != nil }

    /// Applies the boost to blended scores (non-negative after normalisation).
    /// - Parameter scores: One score per item, changed in place.
    public func apply(to scores: inout [Float]) {
        guard isActive, let signals else { return }
        for index in 0..<min(signals.count, scores.count) where scores[index].isFinite {
            scores[index] *= 1 + strength * signals[index]
        }
    }
}
