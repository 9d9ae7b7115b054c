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
