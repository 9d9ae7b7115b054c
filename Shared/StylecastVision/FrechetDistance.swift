import StylecastErrors
import StylecastTensor

/// The Fréchet distance between two Gaussians fitted to two sets of feature vectors: FID
/// (Heusel et al., 2017) when the features are a classifier's penultimate activations. Here the
/// features are ``GarmentClassifier/features(_:)`` (128-d), so the figure is comparable only
/// with other figures in that space, not with Inception-based FIDs.
///
///     d^2 = |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))
///
/// `tr((S_a S_b)^(1/2))` is computed as the sum of the square roots of the eigenvalues of the
/// symmetric `S_a^(1/2) S_b S_a^(1/2)`, which has the same eigenvalues as `S_a S_b` and, unlike
/// it, is symmetric; negative eigenvalues from rounding are clamped at 0.
public enum FrechetDistance {
    /// Mean and covariance of a feature set.
    public struct Statistics: Sendable {
        /// The feature mean, `dimension` values.
        public let mean: [Double]
        /// The sample covariance (divided by `count - 1`, as numpy's `cov`), row-major.
        public let covariance: [Double]
        /// The feature dimension.
        public let dimension: Int
        /// The vectors the statistics were computed from.
        public let count: Int

        /// The statistics of a feature set.
        /// - Parameter features: `[N, d]` with `N >= 2`.
        /// - Throws: ``FrechetDistanceError/tooFewVectors(_:)`` or
        ///   ``FrechetDistanceError/notAMatrix(_:)``.
        public init(features: Tensor) throws(FrechetDistanceError) {
            guard features.rank == 2 else { throw .notAMatrix(features.shape) }
            let (count, dimension) = (features.shape[0], features.shape[1])
            guard count >= 2 else { throw .tooFewVectors(count) }
            let values = features.scalars.map(Double.init)
            var mean = [Double](repeating: 0, count: dimension)
            for row in 0..<count {
                for j in 0..<dimension { mean[j] += values[row * dimension + j] }
            }
            for j in 0..<dimension { mean[j] /= Double(count) }
            var covariance = [Double](repeating: 0, count: dimension * dimension)
            var centred = [Double](repeating: 0, count: dimension)
            for row in 0..<count {
                for j in 0..<dimension { centred[j] = values[row * dimension + j] - mean[j] }
                for i in 0..<dimension where centred[i] != 0 {
                    let ci = centred[i]
                    for j in i..<dimension { covariance[i * dimension + j] += ci * centred[j] }
                }
            }
            for i in 0..<dimension {
                for j in i..<dimension {
                    let value = covariance[i * dimension + j] / Double(count - 1)
                    covariance[i * dimension + j] = value
                    covariance[j * dimension + i] = value
                }
            }
            self.mean = mean
            self.covariance = covariance
            self.dimension = dimension
            self.count = count
        }
    }

    /// The Fréchet distance `d^2` between the Gaussians of two feature sets.
    /// - Parameters:
    ///   - a: One set's statistics.
    ///   - b: The other's, of the same dimension.
    /// - Returns: `d^2 >= 0` (rounding can leave a tiny negative value near 0, returned as is).
    /// - Throws: ``FrechetDistanceError/dimensionMismatch(_:_:)``.
    public static func distance(_ a: Statistics, _ b: Statistics) throws(FrechetDistanceError) -> Double {
        guard a.dimension == b.dimension else { throw .dimensionMismatch(a.dimension, b.dimension) }
        let n = a.dimension
        var meanTerm = 0.0
        for j in 0..<n { meanTerm += (a.mean[j] - b.mean[j]) * (a.mean[j] - b.mean[j]) }
        let traceA = (0..<n).reduce(0.0) { $0 + a.covariance[$1 * n + $1] }
        let traceB = (0..<n).reduce(0.0) { $0 + b.covariance[$1 * n + $1] }
        let rootA = SymmetricEigendecomposition(symmetric: a.covariance, order: n)
            .reconstructed { Swift.max($0, 0).squareRoot() }
        let product = multiply(multiply(rootA, b.covariance, n), rootA, n)
        // Symmetrise: rounding leaves the product slightly asymmetric.
        var symmetric = product
        for i in 0..<n {
            for j in 0..<n { symmetric[i * n + j] = 0.5 * (product[i * n + j] + product[j * n + i]) }
        }
        let traceOfRoot = SymmetricEigendecomposition(symmetric: symmetric, order: n).eigenvalues
            .reduce(0.0) { $0 + Swift.max($1, 0).squareRoot() }
        return meanTerm + traceA + traceB - 2 * traceOfRoot
    }

    private static func multiply(_ x: [Double], _ y: [Double], _ n: Int) -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n where x[i * n + k] != 0 {
                let xik = x[i * n + k]
                for j in 0..<n { result[i * n + j] += xik * y[k * n + j] }
            }
        }
        return result
    }
}

/// Why feature statistics or a Fréchet distance cannot be computed.
public enum FrechetDistanceError: StylecastError, Equatable {
    /// Features must be a `[N, d]` matrix.
    case notAMatrix([Int])
    /// A covariance needs at least two vectors.
    case tooFewVectors(Int)
    /// The two sets have different feature dimensions.
    case dimensionMismatch(Int, Int)

    public var failureKind: FailureKind { .invalidInput }

    public var description: String {
        switch self {
        case .notAMatrix(let shape): "features: expected a [N, d] matrix, got shape \(shape)"
        case .tooFewVectors(let count): "features: need at least 2 vectors for a covariance, got \(count)"
        case .dimensionMismatch(let a, let b): "features: dimensions differ (\(a) and \(b))"
        }
    }
}
