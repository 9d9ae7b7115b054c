import StylecastTensor
import Testing

@Suite("Convolutions")
struct ConvolutionTests {
    @Test("conv2d with groups, stride, padding and dilation matches numpy")
    func grouped() throws {
        let x = try Fixtures.input("conv2d_grouped", "x")
        let out = try x.conv2d(
            weight: Fixtures.input("conv2d_grouped", "weight"), bias: Fixtures.input("conv2d_grouped", "bias"),
            stride: Size2D(2, 1), padding: Size2D(1, 2), dilation: Size2D(1, 2), groups: 2)
        try expectClose(out, "conv2d_grouped", "out")
    }

    @Test("conv2d with same padding and the 1x1 direct path match numpy")
    func sameAndPointwise() throws {
        let x = try Fixtures.input("conv2d_same", "x")
        try expectClose(x.conv2d(weight: Fixtures.input("conv2d_same", "weight"), padding: 1), "conv2d_same", "out")
        let pointwise = try x.conv2d(
            weight: Fixtures.input("conv2d_pointwise", "weight"), bias: Fixtures.input("conv2d_pointwise", "bias"))
        try expectClose(pointwise, "conv2d_pointwise", "out")
    }

    @Test("convTransposed2d matches the scatter definition of ConvTranspose2d")
    func transposed() throws {
        let x = try Fixtures.input("conv_transposed2d_stride2", "x")
        let out = try x.convTransposed2d(
            weight: Fixtures.input("conv_transposed2d_stride2", "weight"),
            bias: Fixtures.input("conv_transposed2d_stride2", "bias"), stride: 2, padding: 1, outputPadding: 1)
        try expectClose(out, "conv_transposed2d_stride2", "out")
        let asymmetric = try x.convTransposed2d(
            weight: Fixtures.input("conv_transposed2d_asymmetric", "weight"), stride: Size2D(1, 2),
            padding: Size2D(0, 1), outputPadding: Size2D(0, 1))
        try expectClose(asymmetric, "conv_transposed2d_asymmetric", "out")
    }

    @Test("modulatedConv2d matches the StyleGAN-2 formula with and without demodulation")
    func modulated() throws {
        let x = try Fixtures.input("modulated_conv2d", "x")
        let weight = try Fixtures.input("modulated_conv2d", "weight")
        let style = try Fixtures.input("modulated_conv2d", "style")
        try expectClose(
            x.modulatedConv2d(weight: weight, style: style, demodulate: true, padding: 1, epsilon: 1e-8),
            "modulated_conv2d", "demodulated")
        try expectClose(
            x.modulatedConv2d(weight: weight, style: style, demodulate: false, padding: 1),
            "modulated_conv2d", "modulated")
        #expect(throws: TensorError.shapeMismatch(operation: "modulatedConv2d", shapes: [[2, 3, 5, 5], [4, 3, 3, 3], [1, 3]])) {
            try x.modulatedConv2d(weight: weight, style: Tensor(zeros: [1, 3]))
        }
    }

    /// Values in [-1, 1) from a fixed linear congruential sequence.
    private static func pseudoRandom(_ shape: [Int], seed: UInt32) throws -> Tensor {
        var state = seed
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
        return try Tensor(shape: shape, values: values)
    }

    private static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test("the batched same-size path agrees with the per-sample path on the interior pixels")
    func modulatedPathsAgree() throws {
        let x = try Self.pseudoRandom([3, 5, 8, 7], seed: 1)
        let weight = try Self.pseudoRandom([4, 5, 3, 3], seed: 2)
        let style = try Self.pseudoRandom([3, 5], seed: 3)
        for demodulate in [true, false] {
            // Padding 1 keeps the size (one GEMM for the batch); padding 0 takes the per-sample
            // path, and its output is the padded output without the border.
            let padded = try x.modulatedConv2d(weight: weight, style: style, demodulate: demodulate, padding: 1)
            let valid = try x.modulatedConv2d(weight: weight, style: style, demodulate: demodulate, padding: 0)
            #expect(valid.shape == [3, 4, 6, 5])
            var interior: [Float] = []
            for n in 0..<3 {
                for o in 0..<4 {
                    for y in 1..<7 {
                        for column in 1..<6 { interior.append(padded[n, o, y, column]) }
                    }
                }
            }
            let difference = Self.maxDifference(valid, try Tensor(shape: valid.shape, values: interior))
            #expect(difference < 1e-5, "demodulate \(demodulate): max |difference| \(difference)")
        }
    }

    @Test("upsampledModulatedConv2d equals nearest upsampling then the modulated 3x3 convolution")
    func upsampledModulated() throws {
        for (shape, seed) in [([2, 3, 5, 5], UInt32(4)), ([3, 16, 7, 6], UInt32(7)), ([1, 2, 1, 1], UInt32(9))] {
            let x = try Self.pseudoRandom(shape, seed: seed)
            let weight = try Self.pseudoRandom([5, shape[1], 3, 3], seed: seed + 1)
            let style = try Self.pseudoRandom([shape[0], shape[1]], seed: seed + 2)
            for demodulate in [true, false] {
                let fused = try x.upsampledModulatedConv2d(weight: weight, style: style, demodulate: demodulate)
                let reference = try x.upsampledNearest(scale: 2)
                    .modulatedConv2d(weight: weight, style: style, demodulate: demodulate, padding: 1)
                #expect(fused.shape == [shape[0], 5, 2 * shape[2], 2 * shape[3]])
                let difference = Self.maxDifference(fused, reference)
                #expect(difference < 1e-5, "\(shape) demodulate \(demodulate): max |difference| \(difference)")
            }
        }
        #expect(throws: TensorError.self) {
            try Tensor(zeros: [1, 2, 4, 4]).upsampledModulatedConv2d(
                weight: Tensor(zeros: [3, 2, 5, 5]), style: Tensor(zeros: [1, 2]))
        }
    }

    @Test("bad convolution shapes and arguments are typed errors, not crashes")
    func errors() {
        let x = Tensor(zeros: [1, 4, 5, 5])
        #expect(throws: TensorError.shapeMismatch(operation: "conv2d", shapes: [[1, 4, 5, 5], [2, 3, 3, 3]])) {
            try x.conv2d(weight: Tensor(zeros: [2, 3, 3, 3]))
        }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [3, 2, 3, 3]), groups: 2) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [2, 4, 7, 7])) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [2, 4, 3, 3]), stride: 0) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Tensor(zeros: [2, 4, 3, 3]), bias: Tensor(zeros: [3])) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [4, 5, 5]).conv2d(weight: Tensor(zeros: [2, 4, 3, 3])) }
        #expect(throws: TensorError.self) {
            try x.convTransposed2d(weight: Tensor(zeros: [4, 2, 3, 3]), stride: 2, outputPadding: 2)
        }
        #expect(throws: TensorError.self) { try x.convTransposed2d(weight: Tensor(zeros: [3, 2, 3, 3])) }
    }
}
