// Elementwise arithmetic with NumPy broadcasting, scalar arithmetic, and activations.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Tensor with tensor (broadcasting)

extension Tensor {
    /// The elementwise sum with NumPy broadcasting (shapes aligned at the right; an extent of 1
    /// stretches). Operators throw because mismatched shapes are a ``TensorError``, never a crash:
    /// write `try a + b`.
    /// - Parameters:
    ///   - lhs: The left operand.
    ///   - rhs: The right operand.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public static func + (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.broadcasting(rhs, operation: "+") { $0 + $1 }
    }

    /// The elementwise difference with NumPy broadcasting (see ``+(_:_:)-(Tensor,Tensor)``).
    /// - Parameters:
    ///   - lhs: The minuend.
    ///   - rhs: The subtrahend.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public static func - (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.broadcasting(rhs, operation: "-") { $0 - $1 }
    }

    /// The elementwise product with NumPy broadcasting.
    /// - Parameters:
    ///   - lhs: The left factor.
    ///   - rhs: The right factor.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public static func * (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.broadcasting(rhs, operation: "*") { $0 * $1 }
    }

    /// The elementwise quotient with NumPy broadcasting (IEEE division: x / 0 is ±inf or NaN).
    /// - Parameters:
    ///   - lhs: The dividend.
    ///   - rhs: The divisor.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public static func / (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor {
        try lhs.broadcasting(rhs, operation: "/") { $0 / $1 }
    }

    /// `self + other` with broadcasting, as a method.
    /// - Parameter other: The other operand.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public func adding(_ other: Tensor) throws(TensorError) -> Tensor { try self + other }

    /// `self - other` with broadcasting, as a method.
    /// - Parameter other: The subtrahend.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public func subtracting(_ other: Tensor) throws(TensorError) -> Tensor { try self - other }

    /// `self * other` with broadcasting, as a method.
    /// - Parameter other: The other factor.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public func multiplied(by other: Tensor) throws(TensorError) -> Tensor { try self * other }

    /// `self / other` with broadcasting, as a method.
    /// - Parameter other: The divisor.
    /// - Throws: ``TensorError/shapeMismatch`` when the shapes do not broadcast.
    public func divided(by other: Tensor) throws(TensorError) -> Tensor { try self / other }

    /// Applies `combine` to broadcast pairs of elements.
    func broadcasting(
        _ other: Tensor, operation: String, _ combine: (Float, Float) -> Float
    ) throws(TensorError) -> Tensor {
        guard let outShape = broadcastShape(shape, other.shape) else {
            throw .shapeMismatch(operation: operation, shapes: [shape, other.shape])
        }
        return Tensor.make(shape: outShape) { out in
            withUnsafeBufferPointer { a in
                other.withUnsafeBufferPointer { b in
                    if shape == other.shape {
                        for i in 0..<out.count { out[i] = combine(a[i], b[i]) }
                        return
                    }
                    if other.count == 1 {
                        let scalar = b[0]
                        for i in 0..<out.count { out[i] = combine(a[i], scalar) }
                        return
                    }
                    if count == 1 {
                        let scalar = a[0]
                        for i in 0..<out.count { out[i] = combine(scalar, b[i]) }
                        return
                    }
                    broadcastLoop(out: out, a: a, b: b, outShape: outShape, aShape: shape, bShape: other.shape, combine)
                }
            }
        }
    }
}

/// The general broadcast: walks the output row by row (last axis innermost) with per-operand
/// strides that are 0 along stretched axes.
private func broadcastLoop(
    out: UnsafeMutableBufferPointer<Float>, a: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
    outShape: [Int], aShape: [Int], bShape: [Int], _ combine: (Float, Float) -> Float
) {
    guard !out.isEmpty else { return }
    let rank = outShape.count
    let stridesA = broadcastStrides(aShape, to: outShape)
    let stridesB = broadcastStrides(bShape, to: outShape)
    let inner = outShape[rank - 1]
    let innerA = stridesA[rank - 1]
    let innerB = stridesB[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var position = 0
    while position < out.count {
        var baseA = 0
        var baseB = 0
        for axis in 0..<(rank - 1) {
            baseA += index[axis] * stridesA[axis]
            baseB += index[axis] * stridesB[axis]
        }
        for j in 0..<inner {
            out[position + j] = combine(a[baseA + j * innerA], b[baseB + j * innerB])
        }
        position += inner
        advanceRowMajorIndex(&index, shape: outShape, axes: rank - 1)
    }
}

// MARK: - Tensor with scalar

extension Tensor {
    /// Adds `rhs` to every element.
    /// - Parameters:
    ///   - lhs: The tensor.
    ///   - rhs: The scalar.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapped { $0 + rhs } }

    /// Adds `lhs` to every element.
    /// - Parameters:
    ///   - lhs: The scalar.
    ///   - rhs: The tensor.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapped { lhs + $0 } }

    /// Subtracts `rhs` from every element.
    /// - Parameters:
    ///   - lhs: The tensor.
    ///   - rhs: The scalar.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapped { $0 - rhs } }

    /// Subtracts every element from `lhs`.
    /// - Parameters:
    ///   - lhs: The scalar.
    ///   - rhs: The tensor.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapped { lhs - $0 } }

    /// Multiplies every element by `rhs`.
    /// - Parameters:
    ///   - lhs: The tensor.
    ///   - rhs: The scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapped { $0 * rhs } }

    /// Multiplies every element by `lhs`.
    /// - Parameters:
    ///   - lhs: The scalar.
    ///   - rhs: The tensor.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapped { lhs * $0 } }

    /// Divides every element by `rhs`.
    /// - Parameters:
    ///   - lhs: The tensor.
    ///   - rhs: The scalar divisor.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.mapped { $0 / rhs } }

    /// Divides `lhs` by every element.
    /// - Parameters:
    ///   - lhs: The scalar dividend.
    ///   - rhs: The tensor of divisors.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.mapped { lhs / $0 } }

    /// Every element multiplied by `factor`.
    /// - Parameter factor: The scale.
    public func scaled(by factor: Float) -> Tensor { mapped { $0 * factor } }

    /// A tensor of the same shape with `transform` applied to each element.
    /// - Parameter transform: The elementwise function.
    public func mapped(_ transform: (Float) -> Float) -> Tensor {
        Tensor.make(shape: shape) { out in
            withUnsafeBufferPointer { input in
                for i in 0..<input.count { out[i] = transform(input[i]) }
            }
        }
    }
}

// MARK: - Activations and elementwise functions

extension Tensor {
    /// `max(x, 0)` elementwise (NaN stays NaN, as in PyTorch).
    public func relu() -> Tensor { mapped { $0 > 0 || $0.isNaN ? $0 : 0 } }

    /// The exact GELU, `0.5 * x * (1 + erf(x / sqrt(2)))` (PyTorch's default, not the tanh
    /// approximation).
    public func gelu() -> Tensor {
        mapped { x in 0.5 * x * (1 + erf(x * 0.707_106_781_186_547_5)) }
    }

    /// The logistic function `1 / (1 + exp(-x))`, computed without overflow for large |x|.
    public func sigmoid() -> Tensor {
        mapped { x in
            if x >= 0 { return 1 / (1 + libmExp(-x)) }
            let e = libmExp(x)
            return e / (1 + e)
        }
    }

    /// The hyperbolic tangent elementwise.
    public func tanh() -> Tensor { mapped { libmTanh($0) } }

    /// `e^x` elementwise.
    public func exp() -> Tensor { mapped { libmExp($0) } }

    /// The square root elementwise (NaN for negative elements, as in PyTorch).
    public func sqrt() -> Tensor { mapped { $0.squareRoot() } }
}

// The methods above are named like the C functions; these wrappers let their bodies call libm.
@inline(__always) func libmExp(_ x: Float) -> Float { expf(x) }
@inline(__always) func libmTanh(_ x: Float) -> Float { tanhf(x) }
@inline(__always) func libmLog(_ x: Float) -> Float { logf(x) }
