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
