import StylecastTensor
import Testing

@Suite("Matrix products")
struct MatmulTests {
    @Test(
        "matmul matches numpy for 2-D, transposed, batched and broadcast operands",
        arguments: [
            ("matmul_2d", false, false), ("matmul_transposeA", true, false), ("matmul_transposeB", false, true),
            ("matmul_batched", false, false), ("matmul_batched_rank2_right", false, false),
            ("matmul_broadcast_batch", false, false), ("matmul_batched_transposed", true, true),
        ])
    func matmul(name: String, transposeA: Bool, transposeB: Bool) throws {
        let a = try Fixtures.input(name, "a")
        let b = try Fixtures.input(name, "b")
        try expectClose(Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB), name, "out")
        try expectClose(a.matmul(b, transposeA: transposeA, transposeB: transposeB), name, "out")
    }

    @Test("linear computes x W^T + b with PyTorch's [out, in] weight")
    func linear() throws {
        let x = try Fixtures.input("linear", "x")
        let out = try x.linear(weight: Fixtures.input("linear", "weight"), bias: Fixtures.input("linear", "bias"))
        try expectClose(out, "linear", "out")
    }

    @Test("mismatched inner extents, low ranks and unbroadcastable batches are typed errors")
    func shapeErrors() throws {
        let a = Tensor(zeros: [2, 3])
        #expect(throws: TensorError.shapeMismatch(operation: "matmul", shapes: [[2, 3], [2, 3]])) {
            try Tensor.matmul(a, a)
        }
        #expect(throws: TensorError.shapeMismatch(operation: "matmul", shapes: [[3], [3, 2]])) {
            try Tensor.matmul(Tensor(zeros: [3]), Tensor(zeros: [3, 2]))
        }
        #expect(throws: TensorError.self) { try Tensor.matmul(Tensor(zeros: [2, 2, 3]), Tensor(zeros: [3, 3, 4])) }
        #expect(throws: TensorError.shapeMismatch(operation: "linear", shapes: [[2, 3], [4, 2]])) {
            try a.linear(weight: Tensor(zeros: [4, 2]))
        }
        #expect(throws: TensorError.shapeMismatch(operation: "linear", shapes: [[2, 3], [4, 3], [3]])) {
            try a.linear(weight: Tensor(zeros: [4, 3]), bias: Tensor(zeros: [3]))
        }
    }

    @Test("an empty inner dimension gives zeros, as the mathematical product")
    func emptyInner() throws {
        let product = try Tensor.matmul(Tensor(zeros: [2, 0]), Tensor(zeros: [0, 3]))
        #expect(product.shape == [2, 3])
        #expect(product.scalars == [Float](repeating: 0, count: 6))
    }
}
