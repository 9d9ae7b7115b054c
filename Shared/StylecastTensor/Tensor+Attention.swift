// Scaled dot-product attention with padding or additive masks.

/// Which keys each query may attend to in ``Tensor/scaledDotProductAttention(query:key:value:mask:scale:)``.
public enum AttentionMask: Sendable {
    /// Added to the scaled scores before the softmax; broadcastable to
    /// `[batch, heads, queries, keys]` (BERT's extended mask `(1 - mask) * -10000` of shape
    /// `[batch, 1, 1, keys]`, or `-inf` entries).
    case additive(Tensor)
    /// A key padding mask, `[batch][keys]`: `true` keys are attended, `false` keys get `-inf`
    /// before the softmax (PyTorch's boolean `attn_mask` convention).
    case keys([[Bool]])
}

extension Tensor {
    /// Attention `softmax(Q K^T * scale + mask) V` per batch and head, as
    /// `torch.nn.functional.scaled_dot_product_attention` without dropout.
    ///
    /// A query whose keys are all masked (every score `-inf`) gets an output of zeros instead of
    /// PyTorch's NaN; with a finite large negative additive mask the softmax is uniform instead,
    /// exactly as in BERT.
    ///
    /// - Parameters:
    ///   - query: `[batch, heads, queries, dim]`.
    ///   - key: `[batch, heads, keys, dim]`.
    ///   - value: `[batch, heads, keys, valueDim]`.
    ///   - mask: Which keys to attend to, or `nil` for all.
    ///   - scale: Multiplies the scores; `nil` for `1 / sqrt(dim)`.
    /// - Returns: `[batch, heads, queries, valueDim]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the operands are not rank 4 with matching
    ///   batch, heads, dim and key counts, or the mask does not fit the scores.
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, mask: AttentionMask? = nil, scale: Float? = nil
    ) throws(TensorError) -> Tensor {
        let operation = "scaledDotProductAttention"
        guard query.rank == 4, key.rank == 4, value.rank == 4,
            query.shape[0] == key.shape[0], query.shape[1] == key.shape[1],
            query.shape[3] == key.shape[3],
            value.shape[0] == key.shape[0], value.shape[1] == key.shape[1], value.shape[2] == key.shape[2]
        else {
            throw .shapeMismatch(operation: operation, shapes: [query.shape, key.shape, value.shape])
        }
        let (batch, heads, queries, dim) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
        let keys = key.shape[2]
        let factor = scale ?? 1 / Float(dim).squareRoot()

        var scores = try matmul(query, key, transposeB: true)
        switch mask {
        case nil:
            scores = scores.scaled(by: factor)
        case .additive(let additive):
            guard let fitted = broadcastShape(scores.shape, additive.shape), fitted == scores.shape else {
                throw .shapeMismatch(operation: operation, shapes: [scores.shape, additive.shape])
            }
            scores = try scores.scaled(by: factor) + additive
        case .keys(let attended):
            guard attended.count == batch, attended.allSatisfy({ $0.count == keys }) else {
                throw .shapeMismatch(
                    operation: operation, shapes: [scores.shape, [attended.count, attended.first?.count ?? 0]])
            }
            scores.withUnsafeMutableBufferPointer { s in
                let rowsPerBatch = heads * queries
                for b in 0..<batch {
                    let row = attended[b]
                    for r in 0..<rowsPerBatch {
                        let start = (b * rowsPerBatch + r) * keys
                        for k in 0..<keys {
                            s[start + k] = row[k] ? s[start + k] * factor : -.infinity
                        }
                    }
                }
            }
        }
        scores.withUnsafeMutableBufferPointer { s in
            guard let base = s.baseAddress else { return }
            for row in 0..<(batch * heads * queries) {
                softmaxLine(base + row * keys, base + row * keys, stride: 1, extent: keys, logarithm: false)
            }
        }
        return try matmul(scores, value)
    }
}
