// Reductions along one axis, and softmax / log-softmax.

extension Tensor {
    /// Resolves `axis` and gives the extents before, along and after it: the tensor seen as
    /// `[outer, extent, inner]`.
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range, or empty unless `allowEmpty`.
    private func lines(
        along axis: Int, operation: String, allowEmpty: Bool
    ) throws(TensorError) -> (axis: Int, outer: Int, extent: Int, inner: Int) {
        let axis = try resolvedAxis(axis, operation: operation)
        guard allowEmpty || shape[axis] > 0 else {
            throw .invalidArgument(operation: operation, reason: "axis \(axis) of shape \(shape) is empty")
        }
        return (axis, shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Reduces each line along `axis` with `reduce(base, stride, extent)`.
    private func reduced(
        axis: Int, operation: String, allowEmpty: Bool,
        _ reduce: (UnsafePointer<Float>, Int, Int) -> Float
    ) throws(TensorError) -> Tensor {
        let (axis, outer, extent, inner) = try lines(along: axis, operation: operation, allowEmpty: allowEmpty)
        var outShape = shape
        outShape.remove(at: axis)
        return Tensor.make(shape: outShape) { out in
            withUnsafeBufferPointer { input in
                guard let base = input.baseAddress else { return }
                for o in 0..<outer {
                    for i in 0..<inner {
                        out[o * inner + i] = reduce(base + o * extent * inner + i, inner, extent)
                    }
                }
            }
        }
    }

    /// The sum along `axis`, which is removed from the shape (PyTorch `sum(dim=axis)`).
    /// - Parameter axis: The axis to reduce; negative counts from the end.
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range.
    public func sum(axis: Int) throws(TensorError) -> Tensor {
        try reduced(axis: axis, operation: "sum", allowEmpty: true) { line, stride, extent in
            var total: Float = 0
            for j in 0..<extent { total += line[j * stride] }
            return total
        }
    }

    /// The arithmetic mean along `axis`, which is removed from the shape.
    /// - Parameter axis: The axis to reduce; negative counts from the end.
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range or empty.
    public func mean(axis: Int) throws(TensorError) -> Tensor {
        try reduced(axis: axis, operation: "mean", allowEmpty: false) { line, stride, extent in
            var total: Float = 0
            for j in 0..<extent { total += line[j * stride] }
            return total / Float(extent)
        }
    }

    /// The maximum along `axis`, which is removed from the shape (NaN wins, as in PyTorch).
    /// - Parameter axis: The axis to reduce; negative counts from the end.
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range or empty.
    public func max(axis: Int) throws(TensorError) -> Tensor {
        try reduced(axis: axis, operation: "max", allowEmpty: false) { line, stride, extent in
            line[argmaxIndex(line, stride: stride, extent: extent) * stride]
        }
    }

    /// The index of the maximum along `axis` (the first one on ties; NaN wins, as in PyTorch).
    /// - Parameter axis: The axis to reduce; negative counts from the end.
    /// - Returns: Row-major indices for the shape with `axis` removed (one index for rank 1).
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range or empty.
    public func argmax(axis: Int) throws(TensorError) -> [Int] {
        let (_, outer, extent, inner) = try lines(along: axis, operation: "argmax", allowEmpty: false)
        return withUnsafeBufferPointer { input in
            var result = [Int]()
            result.reserveCapacity(outer * inner)
            guard let base = input.baseAddress else { return result }
            for o in 0..<outer {
                for i in 0..<inner {
                    result.append(argmaxIndex(base + o * extent * inner + i, stride: inner, extent: extent))
                }
            }
            return result
        }
    }

    /// The softmax along `axis`, computed stably as `exp(x - max) / sum(exp(x - max))`.
    ///
    /// A line whose elements are all `-inf` (every position masked) gives zeros rather than
    /// PyTorch's NaN, so that fully masked attention rows stay finite.
    /// - Parameter axis: The axis to normalise; negative counts from the end.
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range.
    public func softmax(axis: Int) throws(TensorError) -> Tensor {
        try normalisedLines(axis: axis, operation: "softmax", logarithm: false)
    }

    /// The log-softmax along `axis`: `x - max - log(sum(exp(x - max)))`.
    ///
    /// A line whose elements are all `-inf` gives `-inf` (the log of the zeros that
    /// ``softmax(axis:)`` gives) rather than PyTorch's NaN.
    /// - Parameter axis: The axis to normalise; negative counts from the end.
    /// - Throws: ``TensorError/invalidArgument`` when `axis` is out of range.
    public func logSoftmax(axis: Int) throws(TensorError) -> Tensor {
        try normalisedLines(axis: axis, operation: "logSoftmax", logarithm: true)
    }

    private func normalisedLines(axis: Int, operation: String, logarithm: Bool) throws(TensorError) -> Tensor {
        let (_, outer, extent, inner) = try lines(along: axis, operation: operation, allowEmpty: true)
        return Tensor.make(shape: shape) { out in
            withUnsafeBufferPointer { input in
                guard let source = input.baseAddress, let target = out.baseAddress else { return }
                for o in 0..<outer {
                    for i in 0..<inner {
                        let start = o * extent * inner + i
                        softmaxLine(
                            source + start, target + start, stride: inner, extent: extent, logarithm: logarithm)
                    }
                }
            }
        }
    }
}

/// The position of the largest element of a strided line (first on ties; NaN wins).
func argmaxIndex(_ line: UnsafePointer<Float>, stride: Int, extent: Int) -> Int {
    var best = 0
    var bestValue = line[0]
    if bestValue.isNaN { return 0 }
    for j in 1..<Swift.max(extent, 1) {
        let value = line[j * stride]
        if value.isNaN { return j }
        if value > bestValue {
            best = j
            bestValue = value
        }
    }
    return best
}

/// Softmax (or log-softmax) of one strided line from `source` into `target` (may be the same).
func softmaxLine(
    _ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, stride: Int, extent: Int,
    logarithm: Bool
) {
    guard extent > 0 else { return }
    var maximum = -Float.infinity
    for j in 0..<extent { maximum = Swift.max(maximum, source[j * stride]) }
    if maximum == -.infinity {
        // Every element is -inf: all weights are zero (log: -inf) instead of 0/0.
        for j in 0..<extent { target[j * stride] = logarithm ? -.infinity : 0 }
        return
    }
    var total: Float = 0
    if logarithm {
        for j in 0..<extent { total += libmExp(source[j * stride] - maximum) }
        let shift = maximum + libmLog(total)
        for j in 0..<extent { target[j * stride] = source[j * stride] - shift }
    } else {
        for j in 0..<extent {
            let e = libmExp(source[j * stride] - maximum)
            target[j * stride] = e
            total += e
        }
        let scale = 1 / total
        for j in 0..<extent { target[j * stride] *= scale }
    }
}
