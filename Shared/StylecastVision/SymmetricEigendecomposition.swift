/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method, in
/// double precision.
///
/// Jacobi rotations zero one off-diagonal pair at a time; sweeps repeat until the off-diagonal
/// mass is negligible. It is slower than LAPACK's divide and conquer (O(n^3) per sweep, usually
/// 6 to 10 sweeps) but short, accurate to working precision for symmetric matrices, and fast
/// enough for the feature covariances here (128 x 128 in milliseconds).
public struct SymmetricEigendecomposition: Sendable {
    /// The eigenvalues, in no particular order.
    public let eigenvalues: [Double]
    /// The eigenvectors as the columns of an `n x n` row-major matrix: column `k` belongs to
    /// `eigenvalues[k]`.
    public let eigenvectors: [Double]
    /// The matrix order.
    public let order: Int

    /// Decomposes `matrix = V diag(eigenvalues) V^T`.
    /// - Parameters:
    ///   - matrix: `order x order`, row-major; only its symmetric part is meaningful (the
    ///     method reads both triangles and assumes they agree).
    ///   - order: The matrix order, at least 1.
    ///   - maximumSweeps: A bound on the sweeps; convergence normally takes about 10.
    public init(symmetric matrix: [Double], order: Int, maximumSweeps: Int = 60) {
        precondition(order >= 1 && matrix.count == order * order, "matrix must be order x order")
        var a = matrix
        var v = [Double](repeating: 0, count: order * order)
        for i in 0..<order { v[i * order + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<maximumSweeps {
            var offDiagonal = 0.0
            for p in 0..<order {
                for q in (p + 1)..<Swift.max(order, p + 1) { offDiagonal += a[p * order + q] * a[p * order + q] }
            }
            if offDiagonal <= 1e-30 * Swift.max(total, 1e-300) { break }
            for p in 0..<(order - 1) {
                for q in (p + 1)..<order {
                    let apq = a[p * order + q]
                    if apq == 0 { continue }
                    let theta = (a[q * order + q] - a[p * order + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    // A <- J^T A J with J the rotation in the (p, q) plane: columns, then rows.
                    for k in 0..<order {
                        let akp = a[k * order + p], akq = a[k * order + q]
                        a[k * order + p] = c * akp - s * akq
                        a[k * order + q] = s * akp + c * akq
                    }
                    for k in 0..<order {
                        let apk = a[p * order + k], aqk = a[q * order + k]
                        a[p * order + k] = c * apk - s * aqk
                        a[q * order + k] = s * apk + c * aqk
                    }
                    for k in 0..<order {
                        let vkp = v[k * order + p], vkq = v[k * order + q]
                        v[k * order + p] = c * vkp - s * vkq
                        v[k * order + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        eigenvalues = (0..<order).map { a[$0 * order + $0] }
        eigenvectors = v
        self.order = order
    }

    /// `V diag(f(eigenvalues)) V^T`: a function of the matrix, e.g. its square root.
    /// - Parameter transform: Applied to each eigenvalue.
    /// - Returns: `order x order`, row-major.
    public func reconstructed(applying transform: (Double) -> Double = { $0 }) -> [Double] {
        let n = order
        let values = eigenvalues.map(transform)
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for k in 0..<n { sum += eigenvectors[i * n + k] * values[k] * eigenvectors[j * n + k] }
                result[i * n + j] = sum
                result[j * n + i] = sum
            }
        }
        return result
    }
}
