// StyleGAN-2 weight modulation and demodulation.

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
    /// Each sample's weight is built in one scratch buffer (reused across the batch) and the
    /// convolution runs as im2col + one GEMM per sample.
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
        let (batch, inChannels) = (shape[0], shape[1])
        let outChannels = weight.shape[0]
        let kernelArea = geometry.kernelArea
        let depth = inChannels * kernelArea
        let columns = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(depth * geometry.outArea, 1))
        let modulated = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(outChannels * depth, 1))
        defer {
            columns.deallocate()
            modulated.deallocate()
        }

        return Tensor.make(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth]) { out in
            guard let outBase = out.baseAddress, let scratch = columns.baseAddress,
                let filters = modulated.baseAddress
            else { return }
            withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { w in
                    style.withUnsafeBufferPointer { s in
                        guard let inBase = input.baseAddress else { return }
                        for n in 0..<batch {
                            for o in 0..<outChannels {
                                let filter = filters + o * depth
                                var squares: Float = 0
                                for c in 0..<inChannels {
                                    let scale = s[n * inChannels + c]
                                    for t in 0..<kernelArea {
                                        let value = w[o * depth + c * kernelArea + t] * scale
                                        filter[c * kernelArea + t] = value
                                        squares += value * value
                                    }
                                }
                                if demodulate {
                                    let factor = 1 / (squares + epsilon).squareRoot()
                                    for t in 0..<depth { filter[t] *= factor }
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
