/// Multi-output ridge regression in closed form: one solve of `(XᵀX + λI) W = XᵀY` by Cholesky.
///
/// Features are standardised with the training means and deviations, and the intercept is not
/// penalised (it is the training mean of each output).
struct RidgeRegression: Sendable {
    private let means: [Double]
    private let scales: [Double]
    private let intercepts: [Double]
    /// Row-major, features x outputs.
    private let weights: [Double]
    private let outputs: Int

    /// Fits the regression.
    /// - Parameters:
    ///   - rows: Feature vectors, all the same length.
    ///   - targets: Output vectors, all the same length, one per row.
    ///   - penalty: λ, at least 0.
    init(rows: [[Double]], targets: [[Double]], penalty: Double) {
        let n = rows.count
        let p = rows.first?.count ?? 0
        let q = targets.first?.count ?? 0
        var means = [Double](repeating: 0, count: p)
        var scales = [Double](repeating: 0, count: p)
        var targetMeans = [Double](repeating: 0, count: q)
        for (row, target) in zip(rows, targets) {
            for j in 0..<p { means[j] += row[j] }
            for k in 0..<q { targetMeans[k] += target[k] }
        }
        let count = Double(max(n, 1))
        for j in 0..<p { means[j] /= count }
        for k in 0..<q { targetMeans[k] /= count }
        for row in rows { for j in 0..<p { scales[j] += (row[j] - means[j]) * (row[j] - means[j]) } }
        // A constant column gets scale 1 and so stays all-zero after centring: its weight is 0.
        for j in 0..<p { scales[j] = scales[j] > 0 ? (scales[j] / count).squareRoot() : 1 }

        var gram = [Double](repeating: 0, count: p * p)
        var cross = [Double](repeating: 0, count: p * q)
        var z = [Double](repeating: 0, count: p)
        for (row, target) in zip(rows, targets) {
            for j in 0..<p { z[j] = (row[j] - means[j]) / scales[j] }
            for a in 0..<p where z[a] != 0 {
                for b in a..<p { gram[a * p + b] += z[a] * z[b] }
                for k in 0..<q { cross[a * q + k] += z[a] * (target[k] - targetMeans[k]) }
            }
        }
        for a in 0..<p {
            for b in 0..<a { gram[a * p + b] = gram[b * p + a] }
            gram[a * p + a] += max(penalty, 1e-9)
        }
        self.means = means
        self.scales = scales
        self.intercepts = targetMeans
        self.weights = Self.choleskySolve(gram, cross, size: p, outputs: q)
        self.outputs = q
    }

    /// The prediction for one feature vector.
    func predict(_ row: [Double]) -> [Double] {
        var result = intercepts
        for j in 0..<means.count {
            let z = (row[j] - means[j]) / scales[j]
            if z == 0 { continue }
            for k in 0..<outputs { result[k] += z * weights[j * outputs + k] }
        }
        return result
    }

    /// Solves `A X = B` for a symmetric positive definite `A` (size x size) and `B` (size x outputs).
    private static func choleskySolve(_ a: [Double], _ b: [Double], size: Int, outputs: Int) -> [Double] {
        var l = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0...i {
                var sum = a[i * size + j]
                for k in 0..<j { sum -= l[i * size + k] * l[j * size + k] }
                // The penalty keeps the diagonal positive, so the square root is of a positive number.
                l[i * size + j] = i == j ? max(sum, 1e-12).squareRoot() : sum / l[j * size + j]
            }
        }
        var x = b
        for c in 0..<outputs {
            for i in 0..<size {
                var sum = x[i * outputs + c]
                for k in 0..<i { sum -= l[i * size + k] * x[k * outputs + c] }
                x[i * outputs + c] = sum / l[i * size + i]
            }
            for i in stride(from: size - 1, through: 0, by: -1) {
                var sum = x[i * outputs + c]
                for k in (i + 1)..<size { sum -= l[k * size + i] * x[k * outputs + c] }
                x[i * outputs + c] = sum / l[i * size + i]
            }
        }
        return x
    }
}
