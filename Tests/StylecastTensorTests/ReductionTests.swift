import StylecastTensor
import Testing

@Suite("Reductions and softmax")
struct ReductionTests {
    @Test("sum, mean, max and argmax along an axis match numpy")
    func reductions() throws {
        let x = try Fixtures.input("reductions", "x")
        try expectClose(x.sum(axis: 0), "reductions", "sum0")
        try expectClose(x.sum(axis: 1), "reductions", "sum1")
        try expectClose(x.sum(axis: -1), "reductions", "sumLast")
        try expectClose(x.mean(axis: 1), "reductions", "mean1")
        try expectClose(x.max(axis: 2), "reductions", "max2")
        let expected = try Fixtures.expected("reductions", "argmax1")
        #expect(try x.argmax(axis: 1) == expected.data.map { Int($0) })
    }

    @Test("softmax and log-softmax are stable for scores of magnitude 40")
    func softmax() throws {
        let x = try Fixtures.input("softmax", "x")
        try expectClose(x.softmax(axis: 1), "softmax", "softmax1")
        try expectClose(x.softmax(axis: -1), "softmax", "softmaxLast")
        try expectClose(x.logSoftmax(axis: -1), "softmax", "logSoftmaxLast")
        try expectClose(x.logSoftmax(axis: 0), "softmax", "logSoftmax0")
    }

    @Test("a row of -inf gives softmax zeros, not NaN")
    func fullyMaskedRow() throws {
        let x = try Tensor(shape: [2, 2], values: [-.infinity, -.infinity, 0, 0])
        #expect(try x.softmax(axis: 1).scalars == [0, 0, 0.5, 0.5])
    }

    @Test("bad axes and empty axes are typed errors")
    func axisErrors() {
        let x = Tensor(zeros: [2, 3])
        #expect(throws: TensorError.invalidArgument(operation: "sum", reason: "axis 2 out of range for shape [2, 3]")) {
            try x.sum(axis: 2)
        }
        #expect(throws: TensorError.self) { try x.softmax(axis: -3) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [2, 0]).max(axis: 1) }
        #expect(throws: TensorError.self) { try Tensor(zeros: [0]).argmax(axis: 0) }
    }
}
