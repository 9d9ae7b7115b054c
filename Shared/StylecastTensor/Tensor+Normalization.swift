// Layer normalisation over the last axis.

import CPackedGEMM

extension Tensor {
    /// Layer normalisation over the last axis, as `torch.nn.LayerNorm(d)`:
    /// `(x - mean) / sqrt(var + epsilon) * weight + bias`, with the biased variance (divide by `d`).
    ///
    /// - Parameters:
    ///   - weight: `[d]` scale (gamma), or `nil` for 1.
    ///   - bias: `[d]` shift (beta), or `nil` for 0.
    ///   - epsilon: Added to the variance; PyTorch's default is 1e-5, BERT models use 1e-12.
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is rank 0 or `weight`/`bias` is
    ///   not `[d]`.
    public func layerNorm(weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) throws(TensorError) -> Tensor {
        var result = self
        try result.formLayerNorm(weight: weight, bias: bias, epsilon: epsilon)
        return result
    }

    /// `self = layerNorm(self + residual)` in place: a transformer's residual sum and the norm
    /// after it in one pass per row (vectorised with AVX2 where the CPU has it).
    ///
    /// - Parameters:
    ///   - residual: Added first; the same shape as `self`, or `nil`.
    ///   - weight: `[d]` scale (gamma), or `nil` for 1.
    ///   - bias: `[d]` shift (beta), or `nil` for 0.
    ///   - epsilon: Added to the variance.
    ///   - vectorised: `false` runs the scalar code even where AVX2 is available (for
    ///     comparisons and tests).
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is rank 0, `residual` differs in
    ///   shape or `weight`/`bias` is not `[d]`.
    public mutating func formLayerNorm(
        adding residual: Tensor? = nil, weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5, vectorised: Bool = true
    ) throws(TensorError) {
        guard rank >= 1 else { throw .shapeMismatch(operation: "layerNorm", shapes: [shape]) }
        let d = shape[rank - 1]
        for parameter in [weight, bias] {
            if let parameter, parameter.shape != [d] {
                throw .shapeMismatch(operation: "layerNorm", shapes: [shape, parameter.shape])
            }
        }
        if let residual, residual.shape != shape {
            throw .shapeMismatch(operation: "layerNorm", shapes: [shape, residual.shape])
        }
        let rows = d == 0 ? 0 : count / d
        withUnsafeMutableBufferPointer { values in
            guard let x = values.baseAddress else { return }
            func withOptional<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
                guard let tensor else { return body(nil) }
                return tensor.withUnsafeBufferPointer { body($0.baseAddress) }
            }
            withOptional(residual) { residual in
                withOptional(weight) { gamma in
                    withOptional(bias) { beta in
                        stylecast_layer_norm(x, residual, gamma, beta, rows, d, epsilon, vectorised ? 1 : 0)
                    }
                }
            }
        }
    }
}
