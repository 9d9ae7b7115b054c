import Foundation
import StylecastTensor
import Testing

@Suite("Packed multi-head self-attention")
struct PackedAttentionTests {
    /// softmax(Q K^T * scale) V per sequence and head, in double precision.
    static func reference(qkv: [Float], lengths: [Int], hidden: Int, heads: Int, scale: Double) -> [Double] {
        let dim = hidden / heads
        let row = 3 * hidden
        var out = [Double](repeating: 0, count: lengths.reduce(0, +) * hidden)
        var start = 0
        for length in lengths {
            defer { start += length }
            for head in 0..<heads {
                for i in 0..<length {
                    let scores = (0..<length).map { j in
                        (0..<dim).reduce(0.0) { sum, d in
                            sum + Double(qkv[(start + i) * row + head * dim + d])
                                * Double(qkv[(start + j) * row + hidden + head * dim + d])
                        } * scale
                    }
                    let maximum = scores.max() ?? 0
                    let weights = scores.map { exp($0 - maximum) }
                    let total = weights.reduce(0, +)
                    for d in 0..<dim {
                        var sum = 0.0
                        for j in 0..<length { sum += weights[j] * Double(qkv[(start + j) * row + 2 * hidden + head * dim + d]) }
                        out[(start + i) * hidden + head * dim + d] = sum / total
                    }
                }
            }
        }
        return out
    }

    // all-MiniLM's shape (12 heads of 32) with sequences across the 16-key panel and the 6-row
    // tile, an empty one among them; heads of 20 (not a panel multiple); and scores spread over
    // +-60 so that most softmax weights underflow.
    @Test(
        "kernel and BLAS paths match the double-precision reference",
        arguments: [
            (384, 12, [1, 5, 17, 0, 44], Float(1)), (60, 3, [7, 33, 2], Float(1)), (64, 2, [9, 30], Float(8)),
        ])
    func matchesReference(hidden: Int, heads: Int, lengths: [Int], spread: Float) throws {
        var generator = SplitMix64(seed: UInt64(hidden * 31 + heads))
        let tokens = lengths.reduce(0, +)
        let values = (0..<(tokens * 3 * hidden)).map { _ in spread * (2 * generator.nextUnitFloat() - 1) }
        let qkv = try Tensor(shape: [tokens, 3 * hidden], values: values)
        let scale = 1 / Double(hidden / heads).squareRoot()
        let expected = Self.reference(qkv: values, lengths: lengths, hidden: hidden, heads: heads, scale: scale)
        for kernel in [true, false] {
            let out = try Tensor.packedSelfAttention(
                qkv: qkv, sequenceLengths: lengths, heads: heads, usePackedKernel: kernel)
            #expect(out.shape == [tokens, hidden])
            let worst = zip(out.scalars, expected).map { abs(Double($0) - $1) }.max() ?? 0
            // Outputs are averages of values within +-spread: 1e-5 relative to the spread is a few ulps.
            #expect(worst < 1e-5 * Double(spread), "kernel \(kernel): max |difference| \(worst)")
            #expect(!out.scalars.contains { !$0.isFinite })
        }
    }

    @Test("lengths that do not sum to the rows and heads that do not divide the width are typed errors")
    func errors() throws {
        let qkv = Tensor(zeros: [4, 36])
        #expect(throws: TensorError.self) { try Tensor.packedSelfAttention(qkv: qkv, sequenceLengths: [3], heads: 2) }
        #expect(throws: TensorError.self) { try Tensor.packedSelfAttention(qkv: qkv, sequenceLengths: [4], heads: 5) }
    }
}
