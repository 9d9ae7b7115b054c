/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose output depends only
/// on its seed, so seeded work (clustering, factor initialisation, generated designs) gives the
/// same result on every run, platform and Swift version (the standard library's
/// `random(in:using:)` makes no such promise). The one generator of every module.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose outputs depend only on `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1) from the top 53 bits of the next output.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform value in `[0, 1)` from the top 24 bits of the next output (every value exactly
    /// representable).
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }
}
