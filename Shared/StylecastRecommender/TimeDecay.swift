#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exponential decay by half-life: an event `age` time units old weighs `2^(-age / halfLife)`.
public struct TimeDecay: Sendable, Equatable {
    /// Age at which an event weighs one half, in the caller's time unit; `nil` means no decay.
    public var halfLife: Double?

    /// Creates a decay.
    /// - Parameter halfLife: Half-life in the caller's time unit, or `nil` for none (weight 1).
    public init(halfLife: Double?) {
        self.halfLife = halfLife
    }

    /// No decay: every age weighs 1.
    public static let none = TimeDecay(halfLife: nil)

    /// The weight of an event of this age (ages below 0 count as 0).
    /// - Parameter age: Time since the event, in the caller's unit.
    public func weight(age: Double) -> Float {
        guard let halfLife, halfLife > 0 else { return 1 }
        return Float(exp2(-max(age, 0) / halfLife))
    }
}
