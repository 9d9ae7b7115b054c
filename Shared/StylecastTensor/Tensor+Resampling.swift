// Upsampling of NCHW images with torch.nn.functional.interpolate semantics.

extension Tensor {
    /// Nearest-neighbour upsampling by an integer factor, as
    /// `F.interpolate(x, scale_factor=scale, mode="nearest")`: output pixel `(y, x)` copies input
    /// pixel `(y / scale, x / scale)`.
    /// - Parameter scale: The factor on both spatial axes, at least 1.
    /// - Returns: `[batch, channels, h * scale, w * scale]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is not rank 4,
    ///   ``TensorError/invalidArgument`` when `scale < 1`.
    public func upsampledNearest(scale: Int) throws(TensorError) -> Tensor {
        let (planes, height, width) = try upsamplingGeometry(operation: "upsampledNearest", scale: scale)
        let (outHeight, outWidth) = (height * scale, width * scale)
        return Tensor.make(shape: [shape[0], shape[1], outHeight, outWidth]) { out in
            withUnsafeBufferPointer { input in
                for p in 0..<planes {
                    for y in 0..<outHeight {
                        let source = p * height * width + (y / scale) * width
                        let target = (p * outHeight + y) * outWidth
                        for x in 0..<outWidth { out[target + x] = input[source + x / scale] }
                    }
                }
            }
        }
    }

    /// Bilinear upsampling by an integer factor, as
    /// `F.interpolate(x, scale_factor=scale, mode="bilinear", align_corners=alignCorners)`.
    ///
    /// The source coordinate of output pixel `y` is `y * (h - 1) / (outH - 1)` when
    /// `alignCorners` (0 when `outH == 1`), else `(y + 0.5) / scale - 0.5` clamped at 0; the four
    /// neighbours are weighted linearly, clamped at the last row and column.
    /// - Parameters:
    ///   - scale: The factor on both spatial axes, at least 1.
    ///   - alignCorners: Align the centres of the corner pixels (PyTorch's `align_corners`).
    /// - Returns: `[batch, channels, h * scale, w * scale]`.
    /// - Throws: ``TensorError/shapeMismatch`` when the tensor is not rank 4,
    ///   ``TensorError/invalidArgument`` when `scale < 1`.
    public func upsampledBilinear(scale: Int, alignCorners: Bool = false) throws(TensorError) -> Tensor {
        let (planes, height, width) = try upsamplingGeometry(operation: "upsampledBilinear", scale: scale)
        let (outHeight, outWidth) = (height * scale, width * scale)
        let rows = interpolationTaps(input: height, output: outHeight, scale: scale, alignCorners: alignCorners)
        let columns = interpolationTaps(input: width, output: outWidth, scale: scale, alignCorners: alignCorners)
        return Tensor.make(shape: [shape[0], shape[1], outHeight, outWidth]) { out in
            withUnsafeBufferPointer { input in
                for p in 0..<planes {
                    let plane = p * height * width
                    for y in 0..<outHeight {
                        let row = rows[y]
                        let top = plane + row.low * width
                        let bottom = plane + row.high * width
                        let target = (p * outHeight + y) * outWidth
                        for x in 0..<outWidth {
                            let column = columns[x]
                            let upper = input[top + column.low] * (1 - column.fraction) + input[top + column.high] * column.fraction
                            let lower = input[bottom + column.low] * (1 - column.fraction) + input[bottom + column.high] * column.fraction
                            out[target + x] = upper * (1 - row.fraction) + lower * row.fraction
                        }
                    }
                }
            }
        }
    }

    private func upsamplingGeometry(operation: String, scale: Int) throws(TensorError) -> (Int, Int, Int) {
        guard rank == 4 else { throw .shapeMismatch(operation: operation, shapes: [shape]) }
        guard scale >= 1 else { throw .invalidArgument(operation: operation, reason: "scale \(scale) is below 1") }
        return (shape[0] * shape[1], shape[2], shape[3])
    }
}

/// For each output coordinate along one axis: the two input neighbours and the weight of the second.
private func interpolationTaps(
    input: Int, output: Int, scale: Int, alignCorners: Bool
) -> [(low: Int, high: Int, fraction: Float)] {
    (0..<output).map { position in
        let source: Float
        if alignCorners {
            source = output > 1 ? Float(position) * Float(input - 1) / Float(output - 1) : 0
        } else {
            // PyTorch uses 1 / scale_factor when the factor is given, and clamps negatives at 0.
            source = Swift.max((Float(position) + 0.5) / Float(scale) - 0.5, 0)
        }
        let low = Swift.min(Int(source), input - 1)
        let high = Swift.min(low + 1, input - 1)
        return (low, high, source - Float(low))
    }
}
