// Multi-head self-attention over variable-length sequences packed back to back (no padding),
// reading the heads straight out of a fused Q|K|V projection.

import CPackedGEMM

extension Tensor {
    /// Multi-head self-attention for sequences packed one after another without padding, as
    /// `softmax(Q K^T * scale) V` per sequence and head (FlashAttention's "varlen" layout).
    ///
    /// Each sequence attends only to its own tokens, so no mask is needed and no work is spent
    /// on padding. Heads are read from `qkv` and written to the output through BLAS leading
    /// dimensions: nothing is split, transposed or merged in memory. Scratch is one
    /// `longest x longest` score matrix for the whole call.
    ///
    /// Where ``PackedLinear/isPackedKernelSupported`` (AVX2 and FMA), each sequence runs in
    /// `CPackedGEMM`'s attention kernel: the head's keys and values are packed into 16-column
    /// panels and both products use the packed linear layer's register tile, with a vectorised
    /// softmax. At the lengths of online inference that is about 3x faster than the BLAS path
    /// (144 `cblas_sgemm` calls per 6-layer text), which runs elsewhere.
    ///
    /// - Parameters:
    ///   - qkv: `[tokens, 3 * hidden]`: each row is the token's query, key and value
    ///     (`hidden` each), and within each of them head `h` occupies
    ///     `h * hidden / heads ..< (h + 1) * hidden / heads` (PyTorch's `view(..., heads, dim)`).
    ///   - sequenceLengths: Token count of each packed sequence, in order; they sum to `tokens`.
    ///   - heads: Number of attention heads; divides `hidden`.
    ///   - scale: Multiplies the scores; `nil` for `1 / sqrt(hidden / heads)`.
    ///   - usePackedKernel: `false` takes the BLAS path even where the kernel runs (for
    ///     comparisons and tests).
    /// - Returns: `[tokens, hidden]`, the heads' outputs side by side (PyTorch's merge order).
    /// - Throws: ``TensorError/shapeMismatch`` when `qkv` is not `[tokens, 3 * hidden]` with
    ///   `hidden` divisible by `heads`, ``TensorError/invalidArgument`` when the lengths are
    ///   negative or do not sum to `tokens`.
    public static func packedSelfAttention(
        qkv: Tensor, sequenceLengths: [Int], heads: Int, scale: Float? = nil, usePackedKernel: Bool = true
    ) throws(TensorError) -> Tensor {
        let operation = "packedSelfAttention"
        guard qkv.rank == 2, heads > 0, qkv.shape[1] % (3 * heads) == 0 else {
            throw .shapeMismatch(operation: operation, shapes: [qkv.shape, [heads]])
        }
        let tokens = qkv.shape[0]
        let hidden = qkv.shape[1] / 3
        let dim = hidden / heads
        guard sequenceLengths.allSatisfy({ $0 >= 0 }), sequenceLengths.reduce(0, +) == tokens else {
            throw .invalidArgument(
                operation: operation, reason: "sequence lengths \(sequenceLengths) do not sum to \(tokens) tokens")
        }
        let factor = scale ?? 1 / Float(dim).squareRoot()
        let longest = sequenceLengths.max() ?? 0
        let rowStride = 3 * hidden
        if usePackedKernel, PackedLinear.isPackedKernelSupported, rowStride * Swift.max(longest, 1) <= Int(Int32.max) {
            return make(shape: [tokens, hidden]) { output in
                guard let outBase = output.baseAddress, dim > 0 else { return }
                let scratch = UnsafeMutablePointer<Float>.allocate(
                    capacity: stylecast_packed_attention_scratch_count(Int32(longest), Int32(hidden), Int32(heads)))
                defer { scratch.deallocate() }
                qkv.withUnsafeBufferPointer { input in
                    guard let base = input.baseAddress else { return }
                    var start = 0
                    for length in sequenceLengths {
                        stylecast_packed_attention(
                            base + start * rowStride, Int32(length), Int32(hidden), Int32(heads), factor,
                            outBase + start * hidden, scratch)
                        start += length
                    }
                }
            }
        }

        return make(shape: [tokens, hidden]) { output in
            guard let outBase = output.baseAddress, dim > 0 else { return }
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(longest * longest, 1))
            defer { scores.deallocate() }
            qkv.withUnsafeBufferPointer { input in
                guard let base = input.baseAddress else { return }
                var start = 0
                for length in sequenceLengths {
                    defer { start += length }
                    guard length > 0 else { continue }
                    let rows = base + start * rowStride
                    for head in 0..<heads {
                        let query = rows + head * dim
                        let key = rows + hidden + head * dim
                        let value = rows + 2 * hidden + head * dim
                        // scores[length, length] = scale * Q_h K_h^T, rows strided through qkv.
                        sgemm(
                            m: length, n: length, k: dim, a: query, transposeA: false, lda: rowStride,
                            b: key, transposeB: true, ldb: rowStride, c: scores, alpha: factor)
                        for row in 0..<length {
                            softmaxLine(
                                scores + row * length, scores + row * length, stride: 1, extent: length,
                                logarithm: false)
                        }
                        // output[start..., head] = P V_h, written in place of the head merge.
                        sgemm(
                            m: length, n: dim, k: length, a: scores, transposeA: false,
                            b: value, transposeB: false, ldb: rowStride,
                            c: outBase + start * hidden + head * dim, ldc: hidden)
                    }
                }
            }
        }
    }
}
