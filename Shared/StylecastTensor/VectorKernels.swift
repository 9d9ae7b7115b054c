/// Short dot products and updates on factor rows (tens to a few hundred floats), used per
/// non-zero in the ALS solver, where a BLAS call per row would cost more than the arithmetic.
/// Eight-wide SIMD with two accumulators, then a scalar tail. Inlinable: they are called in the
/// innermost loops of other modules.
public enum VectorKernels {
    /// The dot product of `count` floats at `a` and `b`.
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum0 = SIMD8<Float>()
        var sum1 = SIMD8<Float>()
        var index = 0
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        while index + 16 <= count {
            sum0 += rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            sum1 += rawA.loadUnaligned(fromByteOffset: index * 4 + 32, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4 + 32, as: SIMD8<Float>.self)
            index += 16
        }
        var total = (sum0 + sum1).sum()
        while index < count {
            total += a[index] * b[index]
            index += 1
        }
        return total
    }

    /// `y += scale * x` over `count` floats.
    @inlinable @inline(__always)
    public static func addScaled(_ x: UnsafePointer<Float>, scale: Float, to y: UnsafeMutablePointer<Float>, count: Int) {
        let rawX = UnsafeRawPointer(x)
        let rawY = UnsafeMutableRawPointer(y)
        let factor = SIMD8<Float>(repeating: scale)
        var index = 0
        while index + 8 <= count {
            let sum = rawY.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                + factor * rawX.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            rawY.storeBytes(of: sum, toByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
        }
        while index < count {
            y[index] += scale * x[index]
            index += 1
        }
    }
}
