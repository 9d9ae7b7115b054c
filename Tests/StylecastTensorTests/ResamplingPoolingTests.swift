import StylecastTensor
import Testing

@Suite("Upsampling and pooling")
struct ResamplingPoolingTests {
    @Test("nearest and bilinear upsampling follow F.interpolate for both alignCorners settings")
    func upsampling() throws {
        let x = try Fixtures.input("upsampling", "x")
        try expectClose(x.upsampledNearest(scale: 2), "upsampling", "nearest2")
        try expectClose(x.upsampledBilinear(scale: 2), "upsampling", "bilinear2")
        try expectClose(x.upsampledBilinear(scale: 2, alignCorners: true), "upsampling", "bilinear2Aligned")
        try expectClose(x.upsampledBilinear(scale: 3), "upsampling", "bilinear3")
        try expectClose(x.upsampledBilinear(scale: 3, alignCorners: true), "upsampling", "bilinear3Aligned")
        #expect(throws: TensorError.self) { try x.upsampledNearest(scale: 0) }
        #expect(throws: TensorError.shapeMismatch(operation: "upsampledBilinear", shapes: [[2, 3, 4]])) {
            try Tensor(zeros: [2, 3, 4]).upsampledBilinear(scale: 2)
        }
    }

    @Test("max and average pooling match F.max_pool2d and F.avg_pool2d (count_include_pad)")
    func pooling() throws {
        let x = try Fixtures.input("pooling", "x")
        try expectClose(x.maxPooled2d(kernel: 3, stride: 2, padding: 1), "pooling", "max3s2p1")
        try expectClose(x.maxPooled2d(kernel: 2), "pooling", "max2")
        try expectClose(x.averagePooled2d(kernel: 3, stride: 2, padding: 1), "pooling", "avg3s2p1")
        try expectClose(x.averagePooled2d(kernel: Size2D(2, 3), stride: Size2D(2, 1)), "pooling", "avg2x3s2x1")
        #expect(throws: TensorError.self) { try x.maxPooled2d(kernel: 3, padding: 2) }
        #expect(throws: TensorError.self) { try x.averagePooled2d(kernel: 9) }
        #expect(throws: TensorError.self) { try x.maxPooled2d(kernel: 2, stride: 0) }
    }
}
