// 2-D convolution (im2col + GEMM) and transposed convolution (GEMM + col2im), NCHW.

/// The sizes of one 2-D convolution, validated once.
struct ConvGeometry {
    var channels: Int
    var height: Int
    var width: Int
    var kernel: Size2D
    var stride: Size2D
    var padding: Size2D
    var dilation: Size2D
    var outHeight: Int
    var outWidth: Int

    /// Rows of the im2col matrix per channel.
    var kernelArea: Int { kernel.height * kernel.width }
    /// Columns of the im2col matrix.
    var outArea: Int { outHeight * outWidth }

    /// Stride 1, dilation 1 and "same" padding: the output has the input's size, so each im2col
    /// row is the input plane shifted by (ki - ph, kj - pw), copyable in one block.
    var isSameSizeUnitStride: Bool {
        stride == 1 && dilation == 1 && outHeight == height && outWidth == width
    }
}

/// im2col for ``ConvGeometry/isSameSizeUnitStride``: per channel and kernel tap, the rows that
/// fall inside the image are one contiguous copy of the plane, shifted by `dy * width + dx`;
/// the few pixels that wrapped across a row edge (columns within `|dx|` of the edge) and the
/// rows above or below the image are then set to zero.
func sameSizeIm2col(_ image: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let (height, width) = (g.height, g.width)
    let area = height * width
    for c in 0..<g.channels {
        let plane = image + c * area
        for ki in 0..<g.kernel.height {
            let dy = ki - g.padding.height
            let firstRow = Swift.max(0, -dy)
            let endRow = Swift.min(height, height - dy)
            for kj in 0..<g.kernel.width {
                let dx = kj - g.padding.width
                let row = columns + ((c * g.kernel.height + ki) * g.kernel.width + kj) * area
                guard endRow > firstRow else {
                    row.update(repeating: 0, count: area)
                    continue
                }
                row.update(repeating: 0, count: firstRow * width)
                (row + endRow * width).update(repeating: 0, count: (height - endRow) * width)
                // Copy source indices (firstRow + dy) * width + dx ..< (endRow + dy) * width + dx,
                // clipped to the plane; what the clipping skips is an edge column, zeroed below.
                let destinationStart = firstRow * width
                let sourceStart = (firstRow + dy) * width + dx
                let clippedStart = Swift.max(sourceStart, 0)
                let clippedEnd = Swift.min(sourceStart + (endRow - firstRow) * width, area)
                if clippedEnd > clippedStart {
                    (row + destinationStart + (clippedStart - sourceStart))
                        .update(from: plane + clippedStart, count: clippedEnd - clippedStart)
                }
                if dx != 0 {
                    let edge = dx > 0 ? width - dx : 0
                    for oy in firstRow..<endRow {
                        let line = row + oy * width + edge
                        for ox in 0..<Swift.abs(dx) { line[ox] = 0 }
                    }
                }
            }
        }
    }
}

/// Unfolds one image `[channels, height, width]` into `columns`, `[channels * kh * kw, outH * outW]`
/// (row `(c * kh + i) * kw + j` holds input pixel `(c, oy * sh - ph + i * dh, ox * sw - pw + j * dw)`
/// for every output position, 0 outside the image).
func im2col(_ image: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    if g.isSameSizeUnitStride {
        sameSizeIm2col(image, columns, g)
        return
    }
    let area = g.outArea
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ki in 0..<g.kernel.height {
            for kj in 0..<g.kernel.width {
                let row = columns + ((c * g.kernel.height + ki) * g.kernel.width + kj) * area
                for oy in 0..<g.outHeight {
                    let iy = oy * g.stride.height - g.padding.height + ki * g.dilation.height
                    let line = row + oy * g.outWidth
                    guard iy >= 0, iy < g.height else {
                        line.update(repeating: 0, count: g.outWidth)
                        continue
                    }
                    let source = plane + iy * g.width
                    let shift = kj * g.dilation.width - g.padding.width
                    // Output columns whose input column ix = ox * sw + shift lies inside the row;
                    // those outside are padding. Bounds first, so the copy loop has no branch.
                    let sw = g.stride.width
                    let first = shift >= 0 ? 0 : Swift.min(g.outWidth, (-shift + sw - 1) / sw)
                    let last = g.width - shift <= 0 ? first : Swift.min(g.outWidth, (g.width - shift + sw - 1) / sw)
                    for ox in 0..<first { line[ox] = 0 }
                    if last > first {
                        if sw == 1 {
                            (line + first).update(from: source + first + shift, count: last - first)
                        } else {
                            for ox in first..<last { line[ox] = source[ox * sw + shift] }
                        }
                    }
                    for ox in Swift.max(last, first)..<g.outWidth { line[ox] = 0 }
                }
            }
        }
    }
}

extension Tensor {
    /// 2-D cross-correlation of an NCHW batch, as `torch.nn.functional.conv2d`.
    ///
    /// Each sample and group is unfolded (im2col) into one scratch buffer allocated once per
    /// call and multiplied by the weight with one `cblas_sgemm`; a 1x1 kernel with stride 1 and
    /// no padding multiplies the input directly.
    ///
    /// - Parameters:
    ///   - weight: `[out, in / groups, kh, kw]`.
    ///   - bias: `[out]`, or `nil`.
    ///   - stride: Step between output positions, in input pixels.
    ///   - padding: Zero pixels added on each side (top and bottom, left and right).
    ///   - dilation: Spacing between kernel taps, in input pixels.
    ///   - groups: Channel groups; `in` and `out` must both be divisible by it.
    /// - Returns: `[batch, out, (h + 2p - d(kh - 1) - 1) / s + 1, ...]`.
    /// - Throws: ``TensorError/shapeMismatch`` for inconsistent shapes,
    ///   ``TensorError/invalidArgument`` for non-positive stride, dilation or groups, negative
    ///   padding, or an output with no pixels.
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0,
        dilation: Size2D = 1, groups: Int = 1
    ) throws(TensorError) -> Tensor {
        let operation = "conv2d"
        guard rank == 4, weight.rank == 4, groups > 0, shape[1] % groups == 0,
            weight.shape[0] % groups == 0, weight.shape[1] * groups == shape[1]
        else {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape])
        }
        let outChannels = weight.shape[0]
        if let bias, bias.shape != [outChannels] {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape, bias.shape])
        }
        let geometry = try Tensor.convGeometry(
            operation: operation, input: shape, channels: shape[1] / groups,
            kernel: Size2D(weight.shape[2], weight.shape[3]), stride: stride, padding: padding,
            dilation: dilation)
        let batch = shape[0]
        let outGroup = outChannels / groups
        let depth = geometry.channels * geometry.kernelArea
        let direct = geometry.kernelArea == 1 && stride == 1 && padding == 0
        let columns = UnsafeMutableBufferPointer<Float>.allocate(capacity: direct ? 1 : Swift.max(depth * geometry.outArea, 1))
        defer { columns.deallocate() }

        return Tensor.make(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth]) { out in
            guard let outBase = out.baseAddress, let scratch = columns.baseAddress else { return }
            withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { w in
                    guard let inBase = input.baseAddress, let wBase = w.baseAddress else { return }
                    for n in 0..<batch {
                        for g in 0..<groups {
                            let image = inBase + (n * shape[1] + g * geometry.channels) * shape[2] * shape[3]
                            if !direct { im2col(image, scratch, geometry) }
                            sgemm(
                                m: outGroup, n: geometry.outArea, k: depth,
                                a: wBase + g * outGroup * depth, transposeA: false,
                                b: direct ? image : UnsafePointer(scratch), transposeB: false,
                                c: outBase + (n * outChannels + g * outGroup) * geometry.outArea)
                        }
                    }
                }
            }
            if let bias {
                addChannelBias(bias, to: outBase, batch: batch, channels: outChannels, area: geometry.outArea)
            }
        }
    }

    /// 2-D transposed convolution of an NCHW batch, as `torch.nn.ConvTranspose2d` (groups 1,
    /// dilation 1): the gradient of ``conv2d(weight:bias:stride:padding:dilation:groups:)``.
    ///
    /// One GEMM per sample computes every kernel tap's contribution, `W^T x`, into a
    /// `[out * kh * kw, h * w]` buffer; col2im then adds each tap into the output at
    /// `(iy * s - p + i, ix * s - p + j)`.
    ///
    /// - Parameters:
    ///   - weight: `[in, out, kh, kw]`, PyTorch's `ConvTranspose2d` layout.
    ///   - bias: `[out]`, or `nil`.
    ///   - stride: Output pixels between neighbouring input pixels.
    ///   - padding: Rows and columns removed from each side of the full output.
    ///   - outputPadding: Rows and columns added at the bottom and right; smaller than `stride`.
    /// - Returns: `[batch, out, (h - 1) * s - 2p + kh + outputPadding, ...]`.
    /// - Throws: ``TensorError/shapeMismatch`` for inconsistent shapes,
    ///   ``TensorError/invalidArgument`` for a non-positive stride, negative padding,
    ///   `outputPadding >= stride`, or an output with no pixels.
    public func convTransposed2d(
        weight: Tensor, bias: Tensor? = nil, stride: Size2D = 1, padding: Size2D = 0, outputPadding: Size2D = 0
    ) throws(TensorError) -> Tensor {
        let operation = "convTransposed2d"
        guard rank == 4, weight.rank == 4, weight.shape[0] == shape[1] else {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape])
        }
        let (batch, inChannels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (outChannels, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
        if let bias, bias.shape != [outChannels] {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape, bias.shape])
        }
        guard stride.height > 0, stride.width > 0, padding.height >= 0, padding.width >= 0,
            outputPadding.height >= 0, outputPadding.width >= 0,
            outputPadding.height < stride.height, outputPadding.width < stride.width
        else {
            throw .invalidArgument(
                operation: operation,
                reason: "stride \(stride), padding \(padding), outputPadding \(outputPadding): need stride > 0, padding >= 0, 0 <= outputPadding < stride")
        }
        let outHeight = (height - 1) * stride.height - 2 * padding.height + kh + outputPadding.height
        let outWidth = (width - 1) * stride.width - 2 * padding.width + kw + outputPadding.width
        guard height > 0, width > 0, outHeight > 0, outWidth > 0 else {
            throw .invalidArgument(
                operation: operation, reason: "input \(shape) with kernel \(weight.shape) gives an empty output")
        }
        let taps = outChannels * kh * kw
        let inArea = height * width
        let outArea = outHeight * outWidth
        let columns = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(taps * inArea, 1))
        defer { columns.deallocate() }

        return Tensor.make(shape: [batch, outChannels, outHeight, outWidth]) { out in
            guard let outBase = out.baseAddress, let scratch = columns.baseAddress else { return }
            out.update(repeating: 0)
            withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { w in
                    guard let inBase = input.baseAddress, let wBase = w.baseAddress else { return }
                    for n in 0..<batch {
                        sgemm(
                            m: taps, n: inArea, k: inChannels, a: wBase, transposeA: true,
                            b: inBase + n * inChannels * inArea, transposeB: false, c: scratch)
                        let image = outBase + n * outChannels * outArea
                        for co in 0..<outChannels {
                            let plane = image + co * outArea
                            for ki in 0..<kh {
                                for kj in 0..<kw {
                                    let row = scratch + ((co * kh + ki) * kw + kj) * inArea
                                    for iy in 0..<height {
                                        let oy = iy * stride.height - padding.height + ki
                                        guard oy >= 0, oy < outHeight else { continue }
                                        let target = plane + oy * outWidth
                                        let source = row + iy * width
                                        for ix in 0..<width {
                                            let ox = ix * stride.width - padding.width + kj
                                            if ox >= 0 && ox < outWidth { target[ox] += source[ix] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let bias {
                addChannelBias(bias, to: outBase, batch: batch, channels: outChannels, area: outArea)
            }
        }
    }

    /// Validates a convolution's arguments and computes its output size.
    static func convGeometry(
        operation: String, input: [Int], channels: Int, kernel: Size2D, stride: Size2D, padding: Size2D,
        dilation: Size2D
    ) throws(TensorError) -> ConvGeometry {
        guard stride.height > 0, stride.width > 0, dilation.height > 0, dilation.width > 0,
            padding.height >= 0, padding.width >= 0
        else {
            throw .invalidArgument(
                operation: operation,
                reason: "stride \(stride), padding \(padding), dilation \(dilation): need stride > 0, dilation > 0, padding >= 0")
        }
        let spanHeight = input[2] + 2 * padding.height - dilation.height * (kernel.height - 1) - 1
        let spanWidth = input[3] + 2 * padding.width - dilation.width * (kernel.width - 1) - 1
        guard spanHeight >= 0, spanWidth >= 0, kernel.height > 0, kernel.width > 0 else {
            throw .invalidArgument(
                operation: operation, reason: "kernel \(kernel) does not fit input \(input) with padding \(padding)")
        }
        return ConvGeometry(
            channels: channels, height: input[2], width: input[3], kernel: kernel, stride: stride,
            padding: padding, dilation: dilation, outHeight: spanHeight / stride.height + 1,
            outWidth: spanWidth / stride.width + 1)
    }
}

/// Adds `bias[c]` to every pixel of channel `c` of an NCHW buffer.
func addChannelBias(_ bias: Tensor, to output: UnsafeMutablePointer<Float>, batch: Int, channels: Int, area: Int) {
    bias.withUnsafeBufferPointer { b in
        for n in 0..<batch {
            for c in 0..<channels {
                let plane = output + (n * channels + c) * area
                let value = b[c]
                for i in 0..<area { plane[i] += value }
            }
        }
    }
}
