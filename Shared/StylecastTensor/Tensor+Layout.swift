// Operations that move elements without arithmetic: permutation, concatenation, embedding lookup.

extension Tensor {
    /// The axes permuted (materialised into new contiguous storage), as `torch.permute(axes)`
    /// followed by `contiguous()`: output axis `i` is input axis `axes[i]`.
    /// - Parameter axes: A permutation of `0..<rank`; negative values count from the end.
    /// - Throws: ``TensorError/invalidArgument`` when `axes` is not a permutation of the axes.
    public func transposed(_ axes: [Int]) throws(TensorError) -> Tensor {
        let resolved = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard resolved.count == rank, Set(resolved) == Set(0..<rank) else {
            throw .invalidArgument(operation: "transposed", reason: "\(axes) is not a permutation of the axes of \(shape)")
        }
        let outShape = resolved.map { shape[$0] }
        // Row-major strides, 0 along an axis of extent 1 (whose index is always 0).
        let inputStrides = broadcastStrides(shape, to: shape)
        let strides = resolved.map { inputStrides[$0] }
        return Tensor.make(shape: outShape) { out in
            withUnsafeBufferPointer { input in
                guard !out.isEmpty else { return }
                guard rank > 0 else {
                    out[0] = input[0]
                    return
                }
                let inner = outShape[rank - 1]
                let innerStride = strides[rank - 1]
                var index = [Int](repeating: 0, count: rank)
                var position = 0
                while position < out.count {
                    var base = 0
                    for axis in 0..<(rank - 1) { base += index[axis] * strides[axis] }
                    for j in 0..<inner { out[position + j] = input[base + j * innerStride] }
                    position += inner
                    advanceRowMajorIndex(&index, shape: outShape, axes: rank - 1)
                }
            }
        }
    }

    /// The matrix transpose of a rank-2 tensor (materialised).
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is not rank 2.
    public func transposed() throws(TensorError) -> Tensor {
        guard rank == 2 else { throw .shapeMismatch(operation: "transposed", shapes: [shape]) }
        return try transposed([1, 0])
    }

    /// Tensors joined along `axis`, as `torch.cat`.
    /// - Parameters:
    ///   - tensors: At least one tensor; all of the same rank and equal extents except along `axis`.
    ///   - axis: The axis to join along; negative counts from the end.
    /// - Throws: ``TensorError/invalidArgument`` for an empty list or a bad axis,
    ///   ``TensorError/shapeMismatch`` when the other extents differ.
    public static func concatenated(_ tensors: [Tensor], axis: Int) throws(TensorError) -> Tensor {
        guard let first = tensors.first else {
            throw .invalidArgument(operation: "concatenated", reason: "no tensors to concatenate")
        }
        let axis = try first.resolvedAxis(axis, operation: "concatenated")
        var outShape = first.shape
        outShape[axis] = 0
        for tensor in tensors {
            var expected = first.shape
            expected[axis] = tensor.rank == first.rank ? tensor.shape[axis] : -1
            guard tensor.shape == expected else {
                throw .shapeMismatch(operation: "concatenated", shapes: tensors.map(\.shape))
            }
            outShape[axis] += tensor.shape[axis]
        }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        let outLine = outShape[axis] * inner
        return make(shape: outShape) { out in
            guard let target = out.baseAddress else { return }
            var column = 0
            for tensor in tensors {
                let line = tensor.shape[axis] * inner
                tensor.withUnsafeBufferPointer { input in
                    guard let source = input.baseAddress else { return }
                    for o in 0..<outer {
                        (target + o * outLine + column).update(from: source + o * line, count: line)
                    }
                }
                column += line
            }
        }
    }

    /// Rows of this `[vocab, dim]` table, as `torch.nn.functional.embedding`.
    /// - Parameter indices: Row numbers, each in `0..<vocab`.
    /// - Returns: `[indices.count, dim]`; reshape for batched indices.
    /// - Throws: ``TensorError/shapeMismatch`` when the table is not rank 2,
    ///   ``TensorError/invalidArgument`` naming the first index outside `0..<vocab`.
    public func embedding(indices: [Int]) throws(TensorError) -> Tensor {
        guard rank == 2 else { throw .shapeMismatch(operation: "embedding", shapes: [shape]) }
        let vocabulary = shape[0]
        let dim = shape[1]
        if let bad = indices.firstIndex(where: { $0 < 0 || $0 >= vocabulary }) {
            throw .invalidArgument(
                operation: "embedding",
                reason: "index \(indices[bad]) at position \(bad) is outside 0..<\(vocabulary)")
        }
        return Tensor.make(shape: [indices.count, dim]) { out in
            guard let target = out.baseAddress else { return }
            withUnsafeBufferPointer { table in
                guard let source = table.baseAddress else { return }
                for (row, index) in indices.enumerated() {
                    (target + row * dim).update(from: source + index * dim, count: dim)
                }
            }
        }
    }
}
