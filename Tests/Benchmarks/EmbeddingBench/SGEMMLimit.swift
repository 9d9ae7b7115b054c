import StylecastTensor
import StylecastText

/// The sgemm-bound limit: sentences per second if every matrix product of the encoder ran at
/// the single-thread sgemm rate measured on the model's own dense shapes.
///
/// FLOPs per text of `n` tokens, per layer: the fused Q|K|V projection `2 n h 3h`, the
/// attention output `2 n h h`, the feed-forward pair `2 n h f` twice, and attention itself
/// (scores `Q K^T` and `P V` over all heads) `2 n n h` twice. Embedding look-ups, layer norms,
/// GELU, softmax and pooling are not matrix products and are counted as free.
struct SGEMMLimit {
    /// The encoder's shape.
    var config: BertConfig

    /// Dense (projection and feed-forward) FLOPs of one token through the whole encoder.
    var denseFLOPsPerToken: Double {
        let h = Double(config.hiddenSize)
        let f = Double(config.intermediateSize)
        return Double(config.numHiddenLayers) * 2 * (3 * h * h + h * h + 2 * h * f)
    }

    /// Attention-product FLOPs of one sequence of `tokens` tokens through the whole encoder.
    func attentionFLOPs(tokens: Int) -> Double {
        let n = Double(tokens)
        return Double(config.numHiddenLayers) * 2 * 2 * n * n * Double(config.hiddenSize)
    }

    /// FLOPs of embedding texts with these token counts (packed: no padding).
    func flops(tokenCounts: [Int]) -> Double {
        tokenCounts.reduce(0.0) { $0 + Double($1) * denseFLOPsPerToken + attentionFLOPs(tokens: $1) }
    }

    /// The encoder's dense GEMMs for `rows` packed tokens, as `(m, k, n)` with B transposed
    /// (`torch.nn.Linear` weights are `[out, in]`).
    func denseShapes(rows: Int) -> [(m: Int, k: Int, n: Int)] {
        let h = config.hiddenSize
        let f = config.intermediateSize
        return [(rows, h, 3 * h), (rows, h, h), (rows, h, f), (rows, f, h)]
    }

    /// The FLOP-weighted single-thread `cblas_sgemm` rate (through `BLAS.gemm`) over the dense shapes at `rows`
    /// tokens: total FLOPs over the sum of each shape's time at its best-of-three rate.
    /// - Parameters:
    ///   - rows: Tokens in the packed batch (the GEMMs' `m`).
    ///   - seconds: Measuring time for all shapes together.
    /// - Returns: GFLOP/s.
    func measuredGFLOPs(rows: Int, seconds: Double) -> Double {
        let shapes = denseShapes(rows: rows)
        var totalFLOPs = 0.0
        var totalSeconds = 0.0
        for shape in shapes {
            var generator = SystemRandomNumberGenerator()
            let a = (0..<(shape.m * shape.k)).map { _ in Float.random(in: -1...1, using: &generator) }
            let b = (0..<(shape.n * shape.k)).map { _ in Float.random(in: -1...1, using: &generator) }
            var c = [Float](repeating: 0, count: shape.m * shape.n)
            let flops = 2 * Double(shape.m) * Double(shape.k) * Double(shape.n)
            var best = 0.0
            for _ in 0..<3 {
                let callsPerSecond = a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            Self.rate(seconds: seconds / Double(3 * shapes.count)) {
                                BLAS.gemm(
                                    m: shape.m, n: shape.n, k: shape.k, a: a.baseAddress!, b: b.baseAddress!,
                                    transposeB: true, c: c.baseAddress!)
                            }
                        }
                    }
                }
                best = max(best, callsPerSecond)
            }
            totalFLOPs += flops
            totalSeconds += 1 / best
        }
        return totalFLOPs / totalSeconds / 1e9
    }

    /// Calls per second of `body` over about `seconds`, after one warm-up call.
    private static func rate(seconds: Double, _ body: () -> Void) -> Double {
        body()
        var calls = 0
        let start = ContinuousClock.now
        repeat {
            body()
            calls += 1
        } while (ContinuousClock.now - start).totalSeconds < seconds
        return Double(calls) / (ContinuousClock.now - start).totalSeconds
    }
}
