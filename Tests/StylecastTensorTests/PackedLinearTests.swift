import Foundation
import StylecastTensor
import Testing

@Suite("Packed linear layer")
struct PackedLinearTests {
    /// Values in [-1, 1) from a fixed seed.
    static func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = SplitMix64(seed: seed)
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<count).map { _ in 2 * generator.nextUnitFloat() - 1 })
    }

    /// `x W^T + b` in double precision, row by row: the reference both paths are held to.
    static func reference(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> [Double] {
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let rows = x.count / max(inFeatures, 1)
        let (xs, ws, bs) = (x.scalars, weight.scalars, bias?.scalars)
        var result = [Double](repeating: 0, count: rows * outFeatures)
        for row in 0..<rows {
            for column in 0..<outFeatures {
                var sum = Double(bs?[column] ?? 0)
                for k in 0..<inFeatures { sum += Double(xs[row * inFeatures + k]) * Double(ws[column * inFeatures + k]) }
                result[row * outFeatures + column] = sum
            }
        }
        return result
    }

    // Rows around the 6-row tile and the 96-row block, columns around the 16-wide panel, inputs
    // around the 384-wide block (800 spans three blocks, the last partial).
    @Test(
        "packed and plain layers give x W^T + b for every tile, panel and block edge",
        arguments: [
            (1, 1, 1), (5, 17, 3), (6, 16, 384), (7, 40, 385), (13, 33, 64), (44, 1152, 384), (97, 48, 800),
            (200, 20, 96),
        ])
    func agreesWithReference(rows: Int, outFeatures: Int, inFeatures: Int) throws {
        let seed = UInt64(rows * 1_000_003 + outFeatures * 1_009 + inFeatures)
        let x = try Self.random([rows, inFeatures], seed: seed)
        let weight = try Self.random([outFeatures, inFeatures], seed: seed + 1)
        let bias = try Self.random([outFeatures], seed: seed + 2)
        for withBias in [true, false] {
            let expected = Self.reference(x, weight, withBias ? bias : nil)
            for packing in [true, false] {
                let layer = try PackedLinear(weight: weight, bias: withBias ? bias : nil, packing: packing)
                #expect(layer.isPacked == (packing && PackedLinear.isPackedKernelSupported))
                let y = try layer.forward(x)
                #expect(y.shape == [rows, outFeatures])
                // float32 sums of up to 800 products of values in [-1, 1): 1e-4 absolute is ~20 ulps.
                let worst = zip(y.scalars, expected).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst < 1e-4, "packing \(packing), bias \(withBias): max |difference| \(worst)")
            }
        }
    }

    // An identity weight makes y = GELU(x): every x in [-8, 8] at a step of 1e-3 (the tails,
    // where erf is +-1, included), in rows of 40 so that both the 8-lane and the scalar tail
    // code run.
    @Test("GELU after the layer is 0.5 x (1 + erf(x / sqrt 2)) within 4e-7 |x|, on both paths")
    func gelu() throws {
        let width = 40
        let inputs = (-8_000...8_000).map { Float($0) / 1_000 }
        let rows = (inputs.count + width - 1) / width
        let padded = inputs + [Float](repeating: 0, count: rows * width - inputs.count)
        let x = try Tensor(shape: [rows, width], values: padded)
        let identity = try Tensor(
            shape: [width, width], values: (0..<(width * width)).map { $0 / width == $0 % width ? 1 : 0 })
        for packing in [true, false] {
            let y = try PackedLinear(weight: identity, bias: nil, packing: packing).forward(x, activation: .gelu)
            var worst = 0.0
            for (input, output) in zip(padded, y.scalars) {
                let v = Double(input)
                let exact = 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
                // erf within 4e-7 scales by 0.5 |x|; the rest is float rounding of x itself.
                worst = max(worst, abs(Double(output) - exact) / max(abs(v), 1))
            }
            #expect(worst <= 4e-7, "packing \(packing): worst relative difference \(worst)")
        }
    }

    @Test("leading axes are rows, and an empty input gives an empty output")
    func shapes() throws {
        let weight = try Self.random([24, 10], seed: 7)
        let layer = try PackedLinear(weight: weight, bias: nil)
        let x = try Self.random([2, 3, 10], seed: 8)
        let y = try layer.forward(x)
        #expect(y.shape == [2, 3, 24])
        let flat = try layer.forward(x.reshaped([6, 10]))
        #expect(y.scalars == flat.scalars)
        #expect(try layer.forward(Tensor(zeros: [0, 10])).shape == [0, 24])
    }

    @Test("a weight that is not rank 2, a bias of the wrong length and an input of the wrong width are typed errors")
    func errors() throws {
        #expect(throws: TensorError.shapeMismatch(operation: "PackedLinear", shapes: [[4]])) {
            try PackedLinear(weight: Tensor(zeros: [4]), bias: nil)
        }
        #expect(throws: TensorError.shapeMismatch(operation: "PackedLinear", shapes: [[4, 3], [3]])) {
            try PackedLinear(weight: Tensor(zeros: [4, 3]), bias: Tensor(zeros: [3]))
        }
        let layer = try PackedLinear(weight: Tensor(zeros: [4, 3]), bias: nil)
        #expect(throws: TensorError.self) { try layer.forward(Tensor(zeros: [2, 5])) }
    }
}
