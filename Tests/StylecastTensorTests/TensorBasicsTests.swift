import StylecastTensor
import Testing

@Suite("Tensor basics")
struct TensorBasicsTests {
    @Test("values are row-major and reshaping keeps them")
    func rowMajor() throws {
        let tensor = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(tensor[1, 0] == 4)
        let reshaped = try tensor.reshaped([3, -1])
        #expect(reshaped.shape == [3, 2])
        #expect(reshaped[2, 1] == 6)
        #expect(throws: TensorError.self) { try tensor.reshaped([4, 2]) }
    }

    @Test("copies are independent after a write (copy on write)")
    func copyOnWrite() throws {
        let original = try Tensor(shape: [2], values: [1, 2])
        var copy = original
        copy.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(original.scalars == [1, 2])
        #expect(copy.scalars == [9, 2])
    }

    @Test("a wrong number of values is a typed error naming the shape")
    func wrongCount() {
        #expect(throws: TensorError.elementCount(operation: "init(shape:values:)", shape: [2, 2], count: 3)) {
            try Tensor(shape: [2, 2], values: [1, 2, 3])
        }
    }
}

@Suite("Slicing along the first axis")
struct TensorSlicingTests {
    @Test("a slice shares storage and sees the right rows")
    func slice() throws {
        let tensor = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        let rows = try tensor.slice(from: 1, count: 2)
        #expect(rows.shape == [2, 2])
        #expect(rows.scalars == [3, 4, 5, 6])
        #expect(rows.storage === tensor.storage)
        #expect(throws: TensorError.self) { try tensor.slice(from: 2, count: 2) }
    }
}
