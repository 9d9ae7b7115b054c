import StylecastTensor
import Testing

@Suite("Scaled dot-product attention")
struct AttentionTests {
    let query: Tensor
    let key: Tensor
    let value: Tensor

    init() throws {
        query = try Fixtures.input("attention", "q")
        key = try Fixtures.input("attention", "k")
        value = try Fixtures.input("attention", "v")
    }

    @Test("unmasked attention matches softmax(QK^T / sqrt(d)) V")
    func plain() throws {
        try expectClose(Tensor.scaledDotProductAttention(query: query, key: key, value: value), "attention", "plain")
    }

    @Test("a BERT-style additive padding mask matches numpy")
    func additive() throws {
        let mask = try Fixtures.input("attention", "additiveMask")
        let out = try Tensor.scaledDotProductAttention(query: query, key: key, value: value, mask: .additive(mask))
        try expectClose(out, "attention", "additive")
    }

    @Test("a boolean key mask ignores padded keys and a fully masked batch gives zeros, not NaN")
    func boolean() throws {
        let keep: [[Bool]] = [[true, true, true, false, false], [false, false, false, false, false]]
        let out = try Tensor.scaledDotProductAttention(query: query, key: key, value: value, mask: .keys(keep))
        try expectClose(out, "attention", "boolean")
        #expect(!out.scalars.contains { $0.isNaN })
    }

    @Test("mismatched operands and masks are typed errors")
    func shapeErrors() throws {
        #expect(throws: TensorError.self) {
            try Tensor.scaledDotProductAttention(query: query, key: value, value: value)
        }
        #expect(throws: TensorError.shapeMismatch(operation: "scaledDotProductAttention", shapes: [[2, 2, 3, 5], [2, 1, 1, 4]])) {
            try Tensor.scaledDotProductAttention(
                query: query, key: key, value: value, mask: .additive(Tensor(zeros: [2, 1, 1, 4])))
        }
        #expect(throws: TensorError.self) {
            try Tensor.scaledDotProductAttention(query: query, key: key, value: value, mask: .keys([[true]]))
        }
    }
}
