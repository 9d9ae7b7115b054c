// Layer normalisation over the last axis.

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
        guard rank >= 1 else { throw .shapeMismatch(operation: "layerNorm", shapes: [shape]) }
        let d = shape[rank - 1]
        for parameter in [weight, bias] {
            if let parameter, parameter.shape != [d] {
                throw .shapeMismatch(operation: "layerNorm", shapes: [shape, parameter.shape])
            }
        }
        let rows = d == 0 ? 0 : count / d
        let ones = Tensor.make(shape: [d]) { $0.update(repeating: 1) }
        let zeros = Tensor(zeros: [d])
        return Tensor.make(shape: shape) { out in
            withUnsafeBufferPointer { input in
                (weight ?? ones).withUnsafeBufferPointer { gamma in
                    (bias ?? zeros).withUnsafeBufferPointer { beta in
                        for row in 0..<rows {
                            let start = row * d
                            var mean: Float = 0
                            for j in 0..<d { mean += input[start + j] }
                            mean /= Float(d)
                            var variance: Float = 0
                            for j in 0..<d {
                                let centred = input[start + j] - mean
                                variance += centred * centred
                            }
                            variance /= Float(d)
                            let inverse = 1 / (variance + epsilon).squareRoot()
                            for j in 0..<d {
                                out[start + j] = (input[start + j] - mean) * inverse * gamma[j] + beta[j]
                            }
                        }
                    }
                }
            }
        }
    }
}
