import Foundation
@testable import StylecastText
import Testing

/// The activation's erf approximation against libm's double-precision erf.
@Suite("GELU")
struct GELUTests {
    @Test("the vectorisable erf is within 4e-7 of erf over [-8, 8], and odd")
    func erfAccuracy() {
        var worst = 0.0
        for step in -80_000...80_000 {
            let z = Float(step) / 10_000
            worst = max(worst, abs(Double(fastErf(z)) - erf(Double(z))))
            #expect(fastErf(-z) == -fastErf(z))
        }
        #expect(worst <= 4e-7)
    }
}
