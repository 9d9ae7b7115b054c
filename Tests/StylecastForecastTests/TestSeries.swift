import Foundation
import StylecastTensor

/// Deterministic series for the tests: Gaussian noise by Box-Muller from StylecastTensor's
/// SplitMix64.
extension SplitMix64 {
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
        var random = SplitMix64(seed: seed)
        var l = level
        return (0..<count).map { _ in
            let e = sigma * random.gaussian()
            let y = l + e
            l += alpha * e
            return y
        }
    }
}
