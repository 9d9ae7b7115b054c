import Foundation

/// Deterministic series for the tests: a SplitMix64 generator and Gaussian noise by Box-Muller.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    mutating func gaussian() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}

enum TestSeries {
    /// Monthly airline-style values (24 months), the fixed series of the statsforecast reference values.
    static let airline: [Double] = [
        112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
        115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,
    ]

    /// ETS(A,N,N) simulated with the given alpha: l_t = l_{t-1} + alpha e_t, y_t = l_{t-1} + e_t.
    static func localLevel(count: Int, alpha: Double, level: Double, sigma: Double, seed: UInt64) -> [Double] {
        var random = SplitMix64(state: seed)
        var l = level
        return (0..<count).map { _ in
            let e = sigma * random.gaussian()
            let y = l + e
            l += alpha * e
            return y
        }
    }
}
