// Max and average pooling of NCHW images (floor mode, as PyTorch's defaults).

extension Tensor {
    /// 2-D max pooling, as `F.max_pool2d(x, kernel, stride, padding)`: padding acts as `-inf`.
    /// - Parameters:
    ///   - kernel: The window size.
    ///   - stride: The window step; `nil` for `kernel`.
    ///   - padding: Implicit `-inf` pixels on each side; at most half the kernel.
    /// - Returns: `[batch, channels, (h + 2p - kh) / s + 1, ...]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is not rank 4,
    ///   ``TensorError/invalidArgument`` for a bad kernel, stride or padding.
    public func maxPooled2d(kernel: Size2D, stride: Size2D? = nil, padding: Size2D = 0) throws(TensorError) -> Tensor {
        if rank == 4, padding == 0, stride == nil || stride == kernel, kernel.height > 0, kernel.width > 0,
            shape[2] >= kernel.height, shape[3] >= kernel.width
        {
            return tiledMaxPooled2d(kernel: kernel)
        }
        return try pooled(operation: "maxPooled2d", kernel: kernel, stride: stride ?? kernel, padding: padding) {
            window in
            var best = -Float.infinity
            for value in window where value > best || value.isNaN {
                best = value
                if value.isNaN { break }
            }
            return best
        }
    }

    /// 2-D average pooling, as `F.avg_pool2d(x, kernel, stride, padding)` with PyTorch's default
    /// `count_include_pad=True`: every window is divided by `kh * kw`, padding counted as zeros.
    /// - Parameters:
    ///   - kernel: The window size.
    ///   - stride: The window step; `nil` for `kernel`.
    ///   - padding: Implicit zero pixels on each side; at most half the kernel.
    /// - Returns: `[batch, channels, (h + 2p - kh) / s + 1, ...]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is not rank 4,
    ///   ``TensorError/invalidArgument`` for a bad kernel, stride or padding.
    public func averagePooled2d(kernel: Size2D, stride: Size2D? = nil, padding: Size2D = 0) throws(TensorError) -> Tensor {
        let area = Float(kernel.height * kernel.width)
        return try pooled(operation: "averagePooled2d", kernel: kernel, stride: stride ?? kernel, padding: padding) {
            window in
            var total: Float = 0
            for value in window { total += value }
            return total / area
        }
    }

    /// Max pooling over non-overlapping windows without padding (the common CNN case), with
    /// direct indexing instead of the general window walk. NaN propagates as in PyTorch.
    private func tiledMaxPooled2d(kernel: Size2D) -> Tensor {
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let outHeight = height / kernel.height
        let outWidth = width / kernel.width
        return Tensor.make(shape: [shape[0], shape[1], outHeight, outWidth]) { out in
            withUnsafeBufferPointer { input in
                guard let base = input.baseAddress, let outBase = out.baseAddress else { return }
                for p in 0..<planes {
                    let plane = base + p * height * width
                    let target = outBase + p * outHeight * outWidth
                    for oy in 0..<outHeight {
                        let top = plane + oy * kernel.height * width
                        for ox in 0..<outWidth {
                            var best = -Float.infinity
                            var sawNaN = false
                            for i in 0..<kernel.height {
                                let row = top + i * width + ox * kernel.width
                                for j in 0..<kernel.width {
                                    let value = row[j]
                                    best = value > best ? value : best
                                    sawNaN = sawNaN || value != value
                                }
                            }
                            target[oy * outWidth + ox] = sawNaN ? .nan : best
                        }
                    }
                }
            }
        }
    }

    /// Applies `reduce` to the in-image values of each window.
    private func pooled(
        operation: String, kernel: Size2D, stride: Size2D, padding: Size2D,
        _ reduce: (PoolingWindow) -> Float
    ) throws(TensorError) -> Tensor {
        guard rank == 4 else { throw .shapeMismatch(operation: operation, shapes: [shape]) }
        guard kernel.height > 0, kernel.width > 0, stride.height > 0, stride.width > 0,
            padding.height >= 0, padding.width >= 0,
            2 * padding.height <= kernel.height, 2 * padding.width <= kernel.width,
            shape[2] + 2 * padding.height >= kernel.height, shape[3] + 2 * padding.width >= kernel.width
        else {
            throw .invalidArgument(
                operation: operation,
                reason: "kernel \(kernel), stride \(stride), padding \(padding) do not fit input \(shape) (padding must be at most half the kernel)")
        }
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let outHeight = (height + 2 * padding.height - kernel.height) / stride.height + 1
        let outWidth = (width + 2 * padding.width - kernel.width) / stride.width + 1
        return Tensor.make(shape: [shape[0], shape[1], outHeight, outWidth]) { out in
            withUnsafeBufferPointer { input in
                guard let base = input.baseAddress else { return }
                for p in 0..<planes {
                    for oy in 0..<outHeight {
                        let top = oy * stride.height - padding.height
                        let rows = Swift.max(top, 0)..<Swift.min(top + kernel.height, height)
                        for ox in 0..<outWidth {
                            let left = ox * stride.width - padding.width
                            let columns = Swift.max(left, 0)..<Swift.min(left + kernel.width, width)
                            let window = PoolingWindow(
                                plane: base + p * height * width, width: width, rows: rows, columns: columns)
                            out[(p * outHeight + oy) * outWidth + ox] = reduce(window)
                        }
                    }
                }
            }
        }
    }
}

/// The in-image pixels of one pooling window, iterated row by row without allocating.
struct PoolingWindow: Sequence {
    let plane: UnsafePointer<Float>
    let width: Int
    let rows: Range<Int>
    let columns: Range<Int>

    func makeIterator() -> Iterator {
        Iterator(window: self, row: rows.lowerBound, column: columns.lowerBound)
    }

    struct Iterator: IteratorProtocol {
        let window: PoolingWindow
        var row: Int
        var column: Int

        mutating func next() -> Float? {
            guard !window.columns.isEmpty, row < window.rows.upperBound else { return nil }
            let value = window.plane[row * window.width + column]
            column += 1
            if column == window.columns.upperBound {
                column = window.columns.lowerBound
                row += 1
            }
            return value
        }
    }
}
