/// A `Duration` in the units logs, metrics, Redis and responses use: the one conversion, so
/// no module spells out seconds and attoseconds itself.
extension Duration {
    /// In (fractional) milliseconds.
    public var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }

    /// In (fractional) seconds.
    public var totalSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Whole milliseconds, rounded towards zero (Redis `PX`, `BLOCK` and idle times).
    public var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// Whole nanoseconds, rounded towards zero.
    public var wholeNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
