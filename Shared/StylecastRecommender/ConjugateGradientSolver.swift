import StylecastTensor

/// One half-sweep of implicit ALS: solves every row `x_u` of `X` against fixed factors `Y`,
///
///     (YtY + Yt (C_u - I) Y + lambda I) x_u = Yt C_u p_u,
///
/// by a few conjugate-gradient steps warm-started from the current `x_u`, as in the `implicit`
/// library. The difference is the layout of the dense work: `implicit` multiplies one row at a
/// time by `YtY + lambda I` (`symv`); here blocks of rows go through one `sgemm`, and only
/// the sparse correction `Yt (C_u - I) Y p` is computed per row, from the row's non-zeros.
final class ConjugateGradientSolver {
    let factors: Int
    let regularization: Float
    let alpha: Float
    let steps: Int
    let blockSize: Int
    // Scratch owned by this object: the Gram matrix, and per block row the residual, the
    // search direction, its product with the system matrix, the squared residual, and
    // whether the row is still being solved.
    private let gram: UnsafeMutablePointer<Float>
    private let residuals: UnsafeMutablePointer<Float>
    private let directions: UnsafeMutablePointer<Float>
    private let products: UnsafeMutablePointer<Float>
    private let residualNorms: UnsafeMutablePointer<Float>
    private let active: UnsafeMutablePointer<Bool>

    /// Squared residual below which a row counts as solved (the `implicit` library's value).
    static let tolerance: Float = 1e-20

    init(factors: Int, regularization: Float, alpha: Float, steps: Int, blockSize: Int = 2048) {
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.steps = steps
        self.blockSize = blockSize
        gram = .allocate(capacity: factors * factors)
        residuals = .allocate(capacity: blockSize * factors)
        directions = .allocate(capacity: blockSize * factors)
        products = .allocate(capacity: blockSize * factors)
        residualNorms = .allocate(capacity: blockSize)
        active = .allocate(capacity: blockSize)
        active.initialize(repeating: false, count: blockSize)
    }

    deinit {
        gram.deallocate()
        residuals.deallocate()
        directions.deallocate()
        products.deallocate()
        residualNorms.deallocate()
        active.deallocate()
    }

    /// Updates every row of `solving` (`matrix.rowCount` rows of `factors`) in place.
    /// - Parameters:
    ///   - matrix: Rows to solve by columns of `fixed`, values `r` (confidence `1 + alpha r`).
    ///   - fixed: `[itemCount, factors]`, the factors held fixed.
    ///   - itemCount: Rows of `fixed` (the matrix's column count).
    ///   - solving: `[matrix.rowCount, factors]`, the current solution, overwritten.
    func solve(
        matrix: InteractionMatrix, fixed: UnsafeBufferPointer<Float>, itemCount: Int,
        solving: UnsafeMutableBufferPointer<Float>
    ) {
        guard matrix.rowCount > 0 else { return }
        computeGram(fixed: fixed, itemCount: itemCount)
        matrix.rowStarts.withUnsafeBufferPointer { starts in
            matrix.columns.withUnsafeBufferPointer { columns in
                matrix.values.withUnsafeBufferPointer { values in
                    var first = 0
                    while first < matrix.rowCount {
                        let count = min(blockSize, matrix.rowCount - first)
                        solveBlock(
                            first: first, count: count, x: solving.baseAddress!, y: fixed.baseAddress!,
                            starts: starts, columns: columns, values: values)
                        first += count
                    }
                }
            }
        }
    }

    /// `YtY + lambda I`, full (both triangles), from one `ssyrk`.
    private func computeGram(fixed: UnsafeBufferPointer<Float>, itemCount: Int) {
        let k = factors
        do {
            let g = gram
            if itemCount > 0 {
                BLAS.gramUpper(rows: itemCount, columns: k, matrix: fixed.baseAddress!, result: g)
            } else {
                g.update(repeating: 0, count: k * k)
            }
            for row in 0..<k {
                for column in 0..<row { g[row * k + column] = g[column * k + row] }
                g[row * k + row] += regularization
            }
        }
    }

    // `x` and `y` address the caller's factor memory for the duration of `solve`; rows
    // `first..<first + count` of `x` are updated, `count <= blockSize` rows of scratch are used.
    private func solveBlock(
        first: Int, count: Int, x: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>,
        starts: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Float>
    ) {
        let k = factors
        let g = UnsafePointer(gram)
        let r = residuals
        let p = directions
        let ap = products
        let xBlock = x + first * k
        // r = Yt C_u p_u - (YtY + lambda I + Yt (C_u - I) Y) x_u; the dense part for the whole block.
        BLAS.gemm(m: count, n: k, k: k, a: xBlock, b: g, c: r, alpha: -1)
        for row in 0..<count {
            let xRow = xBlock + row * k
            let rRow = r + row * k
            for entry in starts[first + row]..<starts[first + row + 1] {
                let confidence = 1 + alpha * values[entry]
                let yRow = y + Int(columns[entry]) * k
                let predicted = VectorKernels.dot(yRow, xRow, count: k)
                VectorKernels.addScaled(yRow, scale: confidence - (confidence - 1) * predicted, to: rRow, count: k)
            }
            let norm = VectorKernels.dot(rRow, rRow, count: k)
            residualNorms[row] = norm
            active[row] = norm >= Self.tolerance
        }
        p.update(from: r, count: count * k)
        for _ in 0..<steps {
            BLAS.gemm(m: count, n: k, k: k, a: p, b: g, c: ap)
            var anyActive = false
            for row in 0..<count where active[row] {
                let pRow = p + row * k
                let apRow = ap + row * k
                for entry in starts[first + row]..<starts[first + row + 1] {
                    let confidence = 1 + alpha * values[entry]
                    let yRow = y + Int(columns[entry]) * k
                    let projected = VectorKernels.dot(yRow, pRow, count: k)
                    VectorKernels.addScaled(yRow, scale: (confidence - 1) * projected, to: apRow, count: k)
                }
                let curvature = VectorKernels.dot(pRow, apRow, count: k)
                guard curvature > 0 else {
                    active[row] = false
                    continue
                }
                let step = residualNorms[row] / curvature
                let rRow = r + row * k
                VectorKernels.addScaled(pRow, scale: step, to: xBlock + row * k, count: k)
                VectorKernels.addScaled(apRow, scale: -step, to: rRow, count: k)
                let norm = VectorKernels.dot(rRow, rRow, count: k)
                if norm < Self.tolerance {
                    active[row] = false
                    continue
                }
                let beta = norm / residualNorms[row]
                for index in 0..<k { pRow[index] = rRow[index] + beta * pRow[index] }
                residualNorms[row] = norm
                anyActive = true
            }
            if !anyActive { break }
        }
    }
}
