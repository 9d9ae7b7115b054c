// Matrix products through cblas_sgemm: 2-D, batched with broadcast batch axes, and the linear layer.

extension Tensor {
    /// The matrix product of two tensors, with NumPy/PyTorch `matmul` semantics for rank >= 2.
    ///
    /// Rank-2 operands go straight to one `cblas_sgemm`; transposes are passed to BLAS (no copy).
    /// Higher ranks are batched: the last two axes are the matrices and the leading (batch) axes
    /// broadcast with NumPy rules, so a rank-2 right operand is shared by every batch entry
    /// (`[b, m, k] x [k, n] -> [b, m, n]`, done as one GEMM over `b * m` rows when `a` is not
    /// transposed). `cblas_sgemm_batch` does not exist in OpenBLAS 0.3.21, so batches loop.
    ///
    /// - Parameters:
    ///   - a: `[..., m, k]`, or `[..., k, m]` when `transposeA`.
    ///   - b: `[..., k, n]`, or `[..., n, k]` when `transposeB`.
    ///   - transposeA: Use the transpose of each matrix of `a`.
    ///   - transposeB: Use the transpose of each matrix of `b`.
    /// - Returns: `[broadcast batch..., m, n]`.
    /// - Throws: ``TensorError/shapeMismatch`` when a rank is below 2, the inner extents differ,
    ///   or the batch axes do not broadcast.
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
    ) throws(TensorError) -> Tensor {
        let operation = "matmul"
        guard a.rank >= 2, b.rank >= 2 else {
            throw .shapeMismatch(operation: operation, shapes: [a.shape, b.shape])
        }
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        guard k == kb else { throw .shapeMismatch(operation: operation, shapes: [a.shape, b.shape]) }

        let batchA = Array(a.shape.dropLast(2))
        let batchB = Array(b.shape.dropLast(2))
        guard let batch = broadcastShape(batchA, batchB) else {
            throw .shapeMismatch(operation: operation, shapes: [a.shape, b.shape])
        }
        let batchCount = batch.reduce(1, *)
        let matrixA = m * k
        let matrixB = k * n
        let matrixC = m * n

        return make(shape: batch + [m, n]) { c in
            a.withUnsafeBufferPointer { aBuffer in
                b.withUnsafeBufferPointer { bBuffer in
                    guard let aBase = aBuffer.baseAddress, let bBase = bBuffer.baseAddress,
                        let cBase = c.baseAddress
                    else { return }
                    if batchB.reduce(1, *) == 1 && batchA == batch && !transposeA {
                        // Every matrix of `a` meets the same `b`: stack the rows into one GEMM.
                        sgemm(
                            m: batchCount * m, n: n, k: k, a: aBase, transposeA: false,
                            b: bBase, transposeB: transposeB, c: cBase)
                        return
                    }
                    let stridesA = broadcastStrides(batchA, matrixSize: matrixA, to: batch)
                    let stridesB = broadcastStrides(batchB, matrixSize: matrixB, to: batch)
                    var index = [Int](repeating: 0, count: batch.count)
                    for entry in 0..<batchCount {
                        var offsetA = 0
                        var offsetB = 0
                        for axis in 0..<batch.count {
                            offsetA += index[axis] * stridesA[axis]
                            offsetB += index[axis] * stridesB[axis]
                        }
                        sgemm(
                            m: m, n: n, k: k, a: aBase + offsetA, transposeA: transposeA,
                            b: bBase + offsetB, transposeB: transposeB, c: cBase + entry * matrixC)
                        advanceRowMajorIndex(&index, shape: batch, axes: batch.count)
                    }
                }
            }
        }
    }

    /// This tensor times `other` (see ``matmul(_:_:transposeA:transposeB:)``).
    /// - Parameters:
    ///   - other: The right operand, `[..., k, n]`.
    ///   - transposeA: Use the transpose of each matrix of `self`.
    ///   - transposeB: Use the transpose of each matrix of `other`.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false)
        throws(TensorError) -> Tensor
    {
        try Tensor.matmul(self, other, transposeA: transposeA, transposeB: transposeB)
    }

    /// A fully connected layer with PyTorch's weight layout: `y = x W^T + b`.
    ///
    /// One GEMM over all leading rows with `transB` (the weight is never copied), then the
    /// bias is added row by row.
    ///
    /// - Parameters:
    ///   - weight: `[out, in]`, as stored by `torch.nn.Linear`.
    ///   - bias: `[out]`, or `nil` for none.
    /// - Returns: `[..., out]` for an input `[..., in]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the input is rank 0, the weight is not
    ///   `[out, in]`, or the bias is not `[out]`.
    public func linear(weight: Tensor, bias: Tensor? = nil) throws(TensorError) -> Tensor {
        let operation = "linear"
        guard rank >= 1, weight.rank == 2, weight.shape[1] == shape[rank - 1] else {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape])
        }
        let inFeatures = weight.shape[1]
        let outFeatures = weight.shape[0]
        if let bias, bias.shape != [outFeatures] {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape, bias.shape])
        }
        let rowCount = shape.dropLast().reduce(1, *)
        return Tensor.make(shape: Array(shape.dropLast()) + [outFeatures]) { output in
            guard let outBase = output.baseAddress else { return }
            withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { w in
                    guard let inBase = input.baseAddress, let wBase = w.baseAddress else {
                        output.update(repeating: 0)
                        return
                    }
                    sgemm(
                        m: rowCount, n: outFeatures, k: inFeatures, a: inBase, transposeA: false,
                        b: wBase, transposeB: true, c: outBase)
                }
            }
            if let bias {
                bias.withUnsafeBufferPointer { b in
                    for row in 0..<rowCount {
                        let line = outBase + row * outFeatures
                        for j in 0..<outFeatures { line[j] += b[j] }
                    }
                }
            }
        }
    }
}

/// The NumPy broadcast of two shapes (aligned at the right), or `nil` when they do not broadcast.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for axis in 0..<rank {
        let extentA = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
        let extentB = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
        if extentA == extentB || extentB == 1 {
            result[axis] = extentA
        } else if extentA == 1 {
            result[axis] = extentB
        } else {
            return nil
        }
    }
    return result
}

/// Element strides of `shape` (row-major, blocks of `matrixSize`) seen through the broadcast
/// `target`: axes that are missing or of extent 1 get stride 0.
func broadcastStrides(_ shape: [Int], matrixSize: Int = 1, to target: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: target.count)
    var step = matrixSize
    let lead = target.count - shape.count
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis + lead] = shape[axis] == 1 ? 0 : step
        step *= shape[axis]
    }
    return strides
}
