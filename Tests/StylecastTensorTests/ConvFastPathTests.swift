import StylecastTensor
import Testing

@Suite("conv2d fast paths agree with a direct convolution")
struct ConvFastPathTests {
    /// Direct cross-correlation, one output at a time (the definition, no im2col).
    func directConv(_ x: Tensor, _ w: Tensor, padding: Size2D, stride: Size2D) -> [Float] {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * padding.height - kh) / stride.height + 1
        let ow = (wd + 2 * padding.width - kw) / stride.width + 1
        var out: [Float] = []
        for b in 0..<n {
            for oc in 0..<o {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum: Float = 0
                        for ic in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let iy = oy * stride.height - padding.height + i
                                    let ix = ox * stride.width - padding.width + j
                                    if iy >= 0, iy < h, ix >= 0, ix < wd { sum += x[b, ic, iy, ix] * w[oc, ic, i, j] }
                                }
                            }
                        }
                        out.append(sum)
                    }
                }
            }
        }
        return out
    }

    @Test(
        "same-size and general geometries",
        arguments: [
            ([3, 3], Size2D(1, 1), Size2D(1, 1)), ([5, 5], Size2D(2, 2), Size2D(1, 1)),
            ([3, 5], Size2D(1, 2), Size2D(1, 1)), ([1, 3], Size2D(0, 1), Size2D(1, 1)),
            ([3, 3], Size2D(0, 0), Size2D(1, 1)), ([3, 3], Size2D(1, 1), Size2D(2, 2)),
        ])
    func geometries(kernel: [Int], padding: Size2D, stride: Size2D) throws {
        var generator = SplitMix(seed: 7)
        let x = try Tensor(shape: [2, 3, 6, 7], values: (0..<(2 * 3 * 6 * 7)).map { _ in generator.nextFloat() })
        let w = try Tensor(
            shape: [4, 3] + kernel, values: (0..<(4 * 3 * kernel[0] * kernel[1])).map { _ in generator.nextFloat() })
        let ours = try x.conv2d(weight: w, stride: stride, padding: padding).scalars
        let expected = directConv(x, w, padding: padding, stride: stride)
        #expect(ours.count == expected.count)
        #expect(zip(ours, expected).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    @Test("max pooling propagates NaN and takes the window maximum")
    func maxPoolNaN() throws {
        let x = try Tensor(shape: [1, 1, 2, 4], values: [1, .nan, 3, 4, 5, 6, -1, -2])
        let pooled = try x.maxPooled2d(kernel: 2).scalars
        #expect(pooled[0].isNaN)
        #expect(pooled[1] == 4)
    }
}

/// A small deterministic generator for test data in [-1, 1).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextFloat() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24) * 2 - 1
    }
}
