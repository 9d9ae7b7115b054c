import CPackedGEMM

/// A linear layer, `y = x W^T + b` (PyTorch's `nn.Linear`), whose weight is packed once for the
/// row counts of online inference.
///
/// `Tensor.linear(weight:bias:)` hands the weight to OpenBLAS, which repacks all of it on every
/// call: at 10-60 rows (one short text) that packing is a fifth of the text encoder's time and the
/// GEMM itself runs at 55-80% of its large-batch rate. Here the weight is packed into 16-column
/// panels at load and a 6 x 16 AVX2/FMA register tile runs over them (`CPackedGEMM`), which
/// reaches the large-batch rate from about 30 rows (`scripts/bench/gemm-small.sh` compares it
/// with OpenBLAS, BLIS and oneDNN). On a CPU without AVX2 and FMA the layer keeps the plain weight and calls
/// `Tensor.linear`, so results agree to float rounding either way. A GELU after the layer is
/// applied as the kernel stores each tile (no second pass over the output).
///
/// The packed weight is a copy: the source tensor (often borrowed from a memory-mapped model
/// file) is not kept.
///
/// ```swift
/// let layer = try PackedLinear(weight: w, bias: b)   // w: [out, in], b: [out]
/// let y = try layer.forward(x)                        // x: [..., in] -> [..., out]
/// ```
public struct PackedLinear: Sendable {
    /// Columns of the input.
    public let inFeatures: Int
    /// Columns of the output.
    public let outFeatures: Int
    let bias: Tensor?
    let weight: Weight

    enum Weight: Sendable {
        /// Packed by `stylecast_packed_gemm_pack`, `stylecast_packed_gemm_count` floats.
        case packed(Tensor)
        /// `[outFeatures, inFeatures]`, for `Tensor.linear` where the kernel cannot run.
        case plain(Tensor)
    }

    /// What follows the affine map.
    public enum Activation: Sendable {
        /// Nothing: `x W^T + b`.
        case identity
        /// The erf-based GELU (PyTorch's default, not the tanh form), with erf from a rational
        /// approximation within 4e-7 of the true one; applied as the kernel stores each tile.
        case gelu
    }

    /// Whether this CPU runs the packed kernel (AVX2 and FMA); otherwise layers use OpenBLAS.
    public static let isPackedKernelSupported = stylecast_packed_gemm_is_supported() != 0

    /// Packs `weight` (or keeps it as is where the kernel cannot run).
    /// - Parameters:
    ///   - weight: `[outFeatures, inFeatures]`.
    ///   - bias: `[outFeatures]`, or `nil`.
    ///   - packing: `false` keeps the plain weight and OpenBLAS even where the kernel runs (for
    ///     comparisons).
    /// - Throws: ``TensorError/shapeMismatch`` when `weight` is not rank 2 or `bias` does not
    ///   match its rows.
    public init(weight: Tensor, bias: Tensor?, packing: Bool = true) throws(TensorError) {
        guard weight.rank == 2 else {
            throw .shapeMismatch(operation: "PackedLinear", shapes: [weight.shape])
        }
        let outFeatures = weight.shape[0]
        let inFeatures = weight.shape[1]
        if let bias, bias.shape != [outFeatures] {
            throw .shapeMismatch(operation: "PackedLinear", shapes: [weight.shape, bias.shape])
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.bias = bias
        guard packing, Self.isPackedKernelSupported, inFeatures <= Int(Int32.max), outFeatures <= Int(Int32.max)
        else {
            self.weight = .plain(weight)
            return
        }
        let count = stylecast_packed_gemm_count(Int32(outFeatures), Int32(inFeatures))
        let packed = Tensor.make(shape: [count]) { destination in
            weight.withUnsafeBufferPointer { source in
                guard let from = source.baseAddress, let to = destination.baseAddress else { return }
                stylecast_packed_gemm_pack(from, Int32(outFeatures), Int32(inFeatures), to)
            }
        }
        self.weight = .packed(packed)
    }

    /// Whether calls run the packed kernel.
    public var isPacked: Bool {
        if case .packed = weight { return true }
        return false
    }

    /// `activation(x W^T + b)` over the last axis of `x`.
    /// - Parameters:
    ///   - x: `[..., inFeatures]`.
    ///   - activation: Applied to every output.
    /// - Returns: `[..., outFeatures]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the last axis of `x` is not `inFeatures`.
    public func forward(_ x: Tensor, activation: Activation = .identity) throws(TensorError) -> Tensor {
        let packed: Tensor
        switch weight {
        case .plain(let plain):
            var y = try x.linear(weight: plain, bias: bias)
            if activation == .gelu {
                y.withUnsafeMutableBufferPointer { values in
                    guard let base = values.baseAddress else { return }
                    stylecast_gelu(base, values.count)
                }
            }
            return y
        case .packed(let value):
            packed = value
        }
        guard x.rank >= 1, x.shape[x.rank - 1] == inFeatures else {
            throw .shapeMismatch(operation: "PackedLinear", shapes: [x.shape, [outFeatures, inFeatures]])
        }
        let rows = x.shape.dropLast().reduce(1, *)
        guard rows <= Int(Int32.max) else {
            throw .invalidArgument(operation: "PackedLinear", reason: "\(rows) rows exceed the kernel's Int32 range")
        }
        return Tensor.make(shape: Array(x.shape.dropLast()) + [outFeatures]) { output in
            guard let out = output.baseAddress else { return }
            x.withUnsafeBufferPointer { input in
                packed.withUnsafeBufferPointer { weights in
                    guard let input = input.baseAddress, let weights = weights.baseAddress else {
                        output.update(repeating: 0)
                        return
                    }
                    let call = { (bias: UnsafePointer<Float>?) in
                        stylecast_packed_gemm_linear(
                            input, Int32(rows), Int32(inFeatures), weights, Int32(outFeatures), bias,
                            activation == .gelu ? 1 : 0, out)
                    }
                    if let bias {
                        bias.withUnsafeBufferPointer { call($0.baseAddress) }
                    } else {
                        call(nil)
                    }
                }
            }
        }
    }
}
