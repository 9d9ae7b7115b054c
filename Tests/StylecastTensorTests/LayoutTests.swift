import StylecastTensor
import Testing

@Suite("Normalisation and layout")
struct LayoutTests {
    @Test("layerNorm over the last axis matches torch.nn.LayerNorm (biased variance)")
    func layerNorm() throws {
        let x = try Fixtures.input("layer_norm", "x")
        let out = try x.layerNorm(
            weight: Fixtures.input("layer_norm", "weight"), bias: Fixtures.input("layer_norm", "bias"), epsilon: 1e-5)
        try expectClose(out, "layer_norm", "out")
        try expectClose(x.layerNorm(weight: nil, bias: nil, epsilon: 1e-12), "layer_norm", "plain")
        #expect(throws: TensorError.shapeMismatch(operation: "layerNorm", shapes: [[2, 3, 8], [3]])) {
            try x.layerNorm(weight: Tensor(zeros: [3]), bias: nil)
        }
    }

    // Widths around the 8-lane vectors (384 as in all-MiniLM), a residual and both code paths,
    // against a double-precision reference of LayerNorm(x + residual).
    @Test(
        "formLayerNorm adding a residual is LayerNorm(x + residual), vectorised and scalar",
        arguments: [1, 7, 8, 13, 384])
    func formLayerNormWithResidual(width: Int) throws {
        var generator = SplitMix64(seed: UInt64(width))
        let rows = 5
        let values = { (0..<(rows * width)).map { _ in 4 * generator.nextUnitFloat() - 2 } }
        let (xs, rs) = (values(), values())
        let gamma = (0..<width).map { _ in generator.nextUnitFloat() + 0.5 }
        let beta = (0..<width).map { _ in generator.nextUnitFloat() - 0.5 }
        var expected: [Double] = []
        for row in 0..<rows {
            let line = (0..<width).map { Double(xs[row * width + $0]) + Double(rs[row * width + $0]) }
            let mean = line.reduce(0, +) / Double(width)
            let variance = line.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            expected += line.enumerated().map { j, v in
                (v - mean) / (variance + 1e-12).squareRoot() * Double(gamma[j]) + Double(beta[j])
            }
        }
        for vectorised in [true, false] {
            var x = try Tensor(shape: [rows, width], values: xs)
            try x.formLayerNorm(
                adding: Tensor(shape: [rows, width], values: rs), weight: Tensor(shape: [width], values: gamma),
                bias: Tensor(shape: [width], values: beta), epsilon: 1e-12, vectorised: vectorised)
            let worst = zip(x.scalars, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-5, "vectorised \(vectorised): max |difference| \(worst)")
        }
        var x = Tensor(zeros: [2, width])
        #expect(throws: TensorError.self) {
            try x.formLayerNorm(adding: Tensor(zeros: [3, width]), weight: nil, bias: nil)
        }
    }

    @Test("transposed materialises a permutation")
    func transposed() throws {
        let x = try Fixtures.input("transposed", "x")
        try expectClose(x.transposed([2, 0, 1]), "transposed", "permuted")
        try expectClose(Fixtures.input("transposed", "m").transposed(), "transposed", "matrix")
        #expect(throws: TensorError.self) { try x.transposed([0, 0, 1]) }
        #expect(throws: TensorError.shapeMismatch(operation: "transposed", shapes: [[2, 3, 4]])) { try x.transposed() }
    }

    @Test("concatenated joins along any axis and rejects mismatched extents")
    func concatenated() throws {
        let (a, b, c, e) = (
            try Fixtures.input("concatenated", "a"), try Fixtures.input("concatenated", "b"),
            try Fixtures.input("concatenated", "c"), try Fixtures.input("concatenated", "e")
        )
        try expectClose(Tensor.concatenated([a, b, c], axis: 1), "concatenated", "axis1")
        try expectClose(Tensor.concatenated([a, e], axis: -1), "concatenated", "axisLast")
        #expect(throws: TensorError.shapeMismatch(operation: "concatenated", shapes: [[2, 3, 4], [2, 1, 4]])) {
            try Tensor.concatenated([a, b], axis: 2)
        }
        #expect(throws: TensorError.self) { try Tensor.concatenated([], axis: 0) }
    }

    @Test("embedding gathers rows and names an out-of-range index")
    func embedding() throws {
        let table = try Fixtures.input("embedding", "table")
        try expectClose(table.embedding(indices: [5, 0, 2, 2]), "embedding", "out")
        #expect(
            throws: TensorError.invalidArgument(operation: "embedding", reason: "index 6 at position 1 is outside 0..<6")
        ) { try table.embedding(indices: [0, 6]) }
        #expect(throws: TensorError.self) { try table.embedding(indices: [-1]) }
    }
}
