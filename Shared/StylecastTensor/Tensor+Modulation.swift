// StyleGAN-2 weight modulation and demodulation.
//
// Modulating the weights per sample (w' = w * s) and then convolving is the same function as
// scaling the input channels by the style, convolving with the shared weight and scaling each
// output channel by the demodulation factor. The second form lets a whole batch share one
// weight matrix, so the convolution of a batch is one GEMM with batch x pixels columns instead
// of one small GEMM per sample.

extension Tensor {
    /// A StyleGAN-2 modulated convolution (stride 1, no bias) of an NCHW batch.
    ///
    /// For sample `n`, output channel `o`, input channel `c` and tap `(i, j)`:
    ///
    ///     w'[n, o, c, i, j]  = weight[o, c, i, j] * style[n, c]
    ///     d[n, o]            = 1 / sqrt(sum over c, i, j of w'[n, o, c, i, j]^2 + epsilon)
    ///     w''[n, o, c, i, j] = w'[n, o, c, i, j] * d[n, o]      (w' when not demodulating)
    ///     output[n]          = conv2d(input[n], w''[n], padding: padding)
    ///
    /// When the output has the input's size (padding `(k - 1) / 2`, the usual case) it is
    /// computed as `conv2d(input * style, weight) * d`: the style-scaled input of the whole
    /// batch is unfolded into one buffer and multiplied by the shared weight in one GEMM.
    /// Other paddings build each sample's weight and run one GEMM per sample.
    ///
    /// - Parameters:
    ///   - weight: `[out, in, kh, kw]`, shared by every sample.
    ///   - style: `[batch, in]`, the per-sample scale of each input channel.
    ///   - demodulate: Normalise each output filter per sample (StyleGAN-2's demodulation).
    ///   - padding: Zero pixels added on each side (usually `kh / 2`).
    ///   - epsilon: Added to the squared norm before the reciprocal square root (StyleGAN-2: 1e-8).
    /// - Returns: `[batch, out, h + 2p - kh + 1, w + 2p - kw + 1]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the input is not `[batch, in, h, w]`, the
    ///   weight not `[out, in, kh, kw]` or the style not `[batch, in]`;
    ///   ``TensorError/invalidArgument`` for negative padding or an empty output.
    public func modulatedConv2d(
        weight: Tensor, style: Tensor, demodulate: Bool = true, padding: Size2D = 0, epsilon: Float = 1e-8
    ) throws(TensorError) -> Tensor {
        let operation = "modulatedConv2d"
        guard rank == 4, weight.rank == 4, weight.shape[1] == shape[1], style.shape == [shape[0], shape[1]] else {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape, style.shape])
        }
        let geometry = try Tensor.convGeometry(
            operation: operation, input: shape, channels: shape[1],
            kernel: Size2D(weight.shape[2], weight.shape[3]), stride: 1, padding: padding, dilation: 1)
        let factors = demodulationFactors(weight: weight, style: style, demodulate: demodulate, epsilon: epsilon)
        guard geometry.isSameSizeUnitStride else {
            return perSampleModulatedConv2d(weight: weight, style: style, factors: factors, geometry: geometry)
        }
        let (batch, outChannels, area) = (shape[0], weight.shape[0], geometry.outArea)
        let columnCount = batch * area
        let depth = geometry.channels * geometry.kernelArea
        let weights = tapMajor(weight)
        let columnBase = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(depth * columnCount, 1))
        let productBase = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(outChannels * columnCount, 1))
        defer {
            columnBase.deallocate()
            productBase.deallocate()
        }
        unfoldScaled(style: style, geometry: geometry, into: columnBase, rowStride: columnCount)
        weights.withUnsafeBufferPointer { w in
            sgemm(
                m: outChannels, n: columnCount, k: depth, a: w.baseAddress!, transposeA: false,
                b: columnBase, transposeB: false, c: productBase)
        }
        return Tensor.make(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth]) { out in
            for n in 0..<batch {
                for o in 0..<outChannels {
                    let factor = factors[n * outChannels + o]
                    let source = productBase + o * columnCount + n * area
                    let target = out.baseAddress! + (n * outChannels + o) * area
                    for p in 0..<area { target[p] = source[p] * factor }
                }
            }
        }
    }

    /// Nearest-neighbour 2x upsampling followed by a StyleGAN-2 modulated 3x3 convolution with
    /// padding 1: the same function as
    /// `upsampledNearest(scale: 2).modulatedConv2d(weight:style:demodulate:padding: 1, epsilon:)`,
    /// without building the upsampled input.
    ///
    /// Each of the four output phases (even or odd row, even or odd column) sees the input
    /// through a 2x2 window whose taps are sums of the 3x3 kernel's taps (an even output row
    /// `2y` reads input rows `y - 1` with kernel row 0 and `y` with kernel rows 1 and 2; an odd
    /// one `2y + 1` reads `y` with rows 0 and 1 and `y + 1` with row 2; columns alike), so the
    /// convolution costs 16 instead of 36 multiply-adds per input channel, output channel and
    /// input pixel.
    ///
    /// - Parameters:
    ///   - weight: `[out, in, 3, 3]`, shared by every sample.
    ///   - style: `[batch, in]`.
    ///   - demodulate: Normalise each output filter per sample.
    ///   - epsilon: Added to the squared norm before the reciprocal square root.
    /// - Returns: `[batch, out, 2h, 2w]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the input is not `[batch, in, h, w]`, the
    ///   weight not `[out, in, 3, 3]` or the style not `[batch, in]`.
    public func upsampledModulatedConv2d(
        weight: Tensor, style: Tensor, demodulate: Bool = true, epsilon: Float = 1e-8
    ) throws(TensorError) -> Tensor {
        let operation = "upsampledModulatedConv2d"
        guard rank == 4, weight.rank == 4, weight.shape[1] == shape[1], Array(weight.shape[2...]) == [3, 3],
            style.shape == [shape[0], shape[1]], shape[2] > 0, shape[3] > 0
        else {
            throw .shapeMismatch(operation: operation, shapes: [shape, weight.shape, style.shape])
        }
        let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let outChannels = weight.shape[0]
        let geometry = try Tensor.convGeometry(
            operation: operation, input: shape, channels: channels, kernel: 3, stride: 1, padding: 1, dilation: 1)
        let factors = demodulationFactors(weight: weight, style: style, demodulate: demodulate, epsilon: epsilon)
        let area = height * width
        let columnCount = batch * area
        let columnBase = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(9 * channels * columnCount, 1))
        let phaseBase = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(4 * outChannels * columnCount, 1))
        defer {
            columnBase.deallocate()
            phaseBase.deallocate()
        }
        // Rows of `columnBase` are tap-major: row (tap * channels + c) holds channel c shifted by
        // tap = (dy + 1) * 3 + (dx + 1), so a phase's two taps of one window row are adjacent.
        unfoldScaled(style: style, geometry: geometry, into: columnBase, rowStride: columnCount)
        let phaseWeights = Tensor.upsamplingPhaseWeights(weight)
        for phaseRow in 0..<2 {
            for phaseColumn in 0..<2 {
                let phase = phaseRow * 2 + phaseColumn
                let target = phaseBase + phase * outChannels * columnCount
                for windowRow in 0..<2 {
                    let dy = phaseRow - 1 + windowRow
                    let firstTap = (dy + 1) * 3 + phaseColumn  // dx = phaseColumn - 1
                    phaseWeights[phase][windowRow].withUnsafeBufferPointer { w in
                        sgemm(
                            m: outChannels, n: columnCount, k: 2 * channels, a: w.baseAddress!, transposeA: false,
                            b: columnBase + firstTap * channels * columnCount, transposeB: false, c: target,
                            accumulate: windowRow == 1)
                    }
                }
            }
        }
        let (outHeight, outWidth) = (2 * height, 2 * width)
        return Tensor.make(shape: [batch, outChannels, outHeight, outWidth]) { out in
            for n in 0..<batch {
                for o in 0..<outChannels {
                    let factor = factors[n * outChannels + o]
                    let plane = out.baseAddress! + (n * outChannels + o) * outHeight * outWidth
                    for phase in 0..<4 {
                        let (phaseRow, phaseColumn) = (phase / 2, phase % 2)
                        let source = phaseBase + (phase * outChannels + o) * columnCount + n * area
                        for y in 0..<height {
                            let line = plane + (2 * y + phaseRow) * outWidth + phaseColumn
                            let sourceLine = source + y * width
                            for x in 0..<width { line[2 * x] = sourceLine[x] * factor }
                        }
                    }
                }
            }
        }
    }

    /// The per-sample demodulation factors `d[n, o]`, `[batch * out]`, all 1 when not
    /// demodulating: `1 / sqrt(sum over c of style[n, c]^2 * sum over taps of weight[o, c]^2 + epsilon)`.
    private func demodulationFactors(weight: Tensor, style: Tensor, demodulate: Bool, epsilon: Float) -> [Float] {
        let (batch, inChannels, outChannels) = (style.shape[0], style.shape[1], weight.shape[0])
        guard demodulate else { return [Float](repeating: 1, count: batch * outChannels) }
        let taps = weight.shape[2] * weight.shape[3]
        var squaredNorms = [Float](repeating: 0, count: outChannels * inChannels)
        weight.withUnsafeBufferPointer { w in
            for index in 0..<(outChannels * inChannels) {
                var sum: Float = 0
                for t in 0..<taps { sum += w[index * taps + t] * w[index * taps + t] }
                squaredNorms[index] = sum
            }
        }
        var factors = [Float](repeating: 0, count: batch * outChannels)
        style.withUnsafeBufferPointer { s in
            for n in 0..<batch {
                for o in 0..<outChannels {
                    var sum: Float = 0
                    for c in 0..<inChannels {
                        let scale = s[n * inChannels + c]
                        sum += scale * scale * squaredNorms[o * inChannels + c]
                    }
                    factors[n * outChannels + o] = 1 / (sum + epsilon).squareRoot()
                }
            }
        }
        return factors
    }

    /// Unfolds the style-scaled batch for a same-size convolution into tap-major rows:
    /// row `(tap * channels + c)`, columns `n * area ..< (n + 1) * area`, holds
    /// `self[n, c, y + dy, x + dx] * style[n, c]` (0 outside the image) with
    /// `tap = (dy + ph) * kw + (dx + pw)`.
    private func unfoldScaled(
        style: Tensor, geometry g: ConvGeometry, into columns: UnsafeMutablePointer<Float>, rowStride: Int
    ) {
        let (batch, channels, height, width) = (shape[0], g.channels, g.height, g.width)
        let area = height * width
        withUnsafeBufferPointer { input in
            style.withUnsafeBufferPointer { s in
                for n in 0..<batch {
                    for c in 0..<channels {
                        let scale = s[n * channels + c]
                        let plane = input.baseAddress! + (n * channels + c) * area
                        for ki in 0..<g.kernel.height {
                            let dy = ki - g.padding.height
                            for kj in 0..<g.kernel.width {
                                let dx = kj - g.padding.width
                                let tap = ki * g.kernel.width + kj
                                let row = columns + (tap * channels + c) * rowStride + n * area
                                // Output columns whose source x + dx lies inside the row.
                                let first = Swift.max(0, -dx)
                                let end = Swift.min(width, width - dx)
                                for y in 0..<height {
                                    let line = row + y * width
                                    let sourceY = y + dy
                                    guard sourceY >= 0, sourceY < height, end > first else {
                                        line.update(repeating: 0, count: width)
                                        continue
                                    }
                                    let source = plane + sourceY * width + dx
                                    for x in 0..<first { line[x] = 0 }
                                    for x in first..<end { line[x] = source[x] * scale }
                                    for x in end..<width { line[x] = 0 }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The weight `[out, in, kh, kw]` reordered to `[out, kh * kw * in]`, tap-major like
    /// ``unfoldScaled(style:geometry:into:rowStride:)``'s rows.
    private func tapMajor(_ weight: Tensor) -> [Float] {
        let (outChannels, inChannels) = (weight.shape[0], weight.shape[1])
        let taps = weight.shape[2] * weight.shape[3]
        var reordered = [Float](repeating: 0, count: outChannels * taps * inChannels)
        weight.withUnsafeBufferPointer { w in
            for o in 0..<outChannels {
                for c in 0..<inChannels {
                    for t in 0..<taps {
                        reordered[(o * taps + t) * inChannels + c] = w[(o * inChannels + c) * taps + t]
                    }
                }
            }
        }
        return reordered
    }

    /// For each output phase `(py, px)` (index `py * 2 + px`) and window row `a` in `0..<2`,
    /// the `[out, 2 * in]` weight of that row's two taps (window column `b`, then channel):
    /// the sum of the 3x3 taps `(ki, kj)` that fall on that input pixel after 2x nearest
    /// upsampling. Kernel rows per (phase, window row): (0, 0) -> {0}, (0, 1) -> {1, 2},
    /// (1, 0) -> {0, 1}, (1, 1) -> {2}; columns alike.
    private static func upsamplingPhaseWeights(_ weight: Tensor) -> [[[Float]]] {
        let (outChannels, inChannels) = (weight.shape[0], weight.shape[1])
        func kernelIndices(phase: Int, window: Int) -> ClosedRange<Int> {
            switch (phase, window) {
            case (0, 0): 0...0
            case (0, _): 1...2
            case (_, 0): 0...1
            default: 2...2
            }
        }
        return weight.withUnsafeBufferPointer { w in
            (0..<4).map { phase in
                let (phaseRow, phaseColumn) = (phase / 2, phase % 2)
                return (0..<2).map { windowRow in
                    var combined = [Float](repeating: 0, count: outChannels * 2 * inChannels)
                    for o in 0..<outChannels {
                        for windowColumn in 0..<2 {
                            for c in 0..<inChannels {
                                var sum: Float = 0
                                for ki in kernelIndices(phase: phaseRow, window: windowRow) {
                                    for kj in kernelIndices(phase: phaseColumn, window: windowColumn) {
                                        sum += w[((o * inChannels + c) * 3 + ki) * 3 + kj]
                                    }
                                }
                                combined[(o * 2 + windowColumn) * inChannels + c] = sum
                            }
                        }
                    }
                    return combined
                }
            }
        }
    }

    /// The general path: each sample's modulated (and demodulated) weight is built in one
    /// scratch buffer, and the sample is convolved with im2col + one GEMM.
    private func perSampleModulatedConv2d(
        weight: Tensor, style: Tensor, factors: [Float], geometry: ConvGeometry
    ) -> Tensor {
        let (batch, inChannels) = (shape[0], shape[1])
        let outChannels = weight.shape[0]
        let kernelArea = geometry.kernelArea
        let depth = inChannels * kernelArea
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(depth * geometry.outArea, 1))
        let filters = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(outChannels * depth, 1))
        defer {
            scratch.deallocate()
            filters.deallocate()
        }
        return Tensor.make(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth]) { out in
            guard let outBase = out.baseAddress else { return }
            withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { w in
                    style.withUnsafeBufferPointer { s in
                        guard let inBase = input.baseAddress else { return }
                        for n in 0..<batch {
                            for o in 0..<outChannels {
                                let factor = factors[n * outChannels + o]
                                let filter = filters + o * depth
                                for c in 0..<inChannels {
                                    let scale = s[n * inChannels + c] * factor
                                    for t in 0..<kernelArea {
                                        filter[c * kernelArea + t] = w[o * depth + c * kernelArea + t] * scale
                                    }
                                }
                            }
                            im2col(inBase + n * inChannels * geometry.height * geometry.width, scratch, geometry)
                            sgemm(
                                m: outChannels, n: geometry.outArea, k: depth, a: filters, transposeA: false,
                                b: scratch, transposeB: false, c: outBase + n * outChannels * geometry.outArea)
                        }
                    }
                }
            }
        }
    }
}
