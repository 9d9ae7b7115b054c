import StylecastTensor
import StylecastVision
import Testing

@Suite("Fréchet distance and the symmetric eigendecomposition")
struct FrechetDistanceTests {
    /// A symmetric matrix with entries from a fixed linear congruential sequence.
    private static func symmetricMatrix(order n: Int, seed: UInt64) -> [Double] {
        var state = seed
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let value = Double(state >> 11) / Double(1 << 53) * 2 - 1
                matrix[i * n + j] = value
                matrix[j * n + i] = value
            }
        }
        return matrix
    }

    @Test("Jacobi eigenvectors are orthonormal and reconstruct the matrix", arguments: [1, 2, 7, 40])
    func reconstructs(order n: Int) {
        let matrix = Self.symmetricMatrix(order: n, seed: UInt64(n))
        let decomposition = SymmetricEigendecomposition(symmetric: matrix, order: n)
        let rebuilt = decomposition.reconstructed()
        let worst = zip(matrix, rebuilt).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-10, "max |A - V L V^T| \(worst)")
        let v = decomposition.eigenvectors
        var worstOrthogonality = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let dot = (0..<n).reduce(0.0) { $0 + v[$1 * n + i] * v[$1 * n + j] }
                worstOrthogonality = Swift.max(worstOrthogonality, Swift.abs(dot - (i == j ? 1 : 0)))
            }
        }
        #expect(worstOrthogonality < 1e-10)
    }

    @Test("eigenvalues of a known matrix")
    func knownEigenvalues() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3; diag(5, -4, 0.5) has its diagonal.
        let pair = SymmetricEigendecomposition(symmetric: [2, 1, 1, 2], order: 2).eigenvalues.sorted()
        #expect(Swift.abs(pair[0] - 1) < 1e-12 && Swift.abs(pair[1] - 3) < 1e-12)
        let diagonal = SymmetricEigendecomposition(symmetric: [5, 0, 0, 0, -4, 0, 0, 0, 0.5], order: 3)
        #expect(diagonal.eigenvalues.sorted() == [-4, 0.5, 5])
    }

    @Test("the distance of a set to itself is 0 and of shifted sets is the squared shift")
    func identityAndShift() throws {
        var values: [Float] = []
        var state: UInt32 = 11
        for _ in 0..<(500 * 6) {
            state = state &* 1_664_525 &+ 1_013_904_223
            values.append(Float(state >> 8) / Float(1 << 24))
        }
        let features = try Tensor(shape: [500, 6], values: values)
        let statistics = try FrechetDistance.Statistics(features: features)
        #expect(Swift.abs(try FrechetDistance.distance(statistics, statistics)) < 1e-9)
        // Shifting every vector by (1, 2, 0, 0, 0, 0) keeps the covariance: d^2 = 1 + 4.
        let shifted = try Tensor(
            shape: [500, 6], values: values.enumerated().map { $0.element + [1, 2, 0, 0, 0, 0][$0.offset % 6] })
        let distance = try FrechetDistance.distance(statistics, FrechetDistance.Statistics(features: shifted))
        #expect(Swift.abs(distance - 5) < 1e-6, "d^2 \(distance)")
    }

    @Test("diagonal covariances give the closed form sum (sa + sb - 2 sqrt(sa sb))")
    func diagonalClosedForm() throws {
        // Set a: points (±1, ±2) -> variances 4/3 * (1, 4) with N - 1 = 3; set b: (±3, ±1).
        let a = try FrechetDistance.Statistics(features: Tensor(shape: [4, 2], values: [1, 2, -1, -2, 1, -2, -1, 2]))
        let b = try FrechetDistance.Statistics(features: Tensor(shape: [4, 2], values: [3, 1, -3, -1, 3, -1, -3, 1]))
        let (va, vb) = ([4.0 / 3, 16.0 / 3], [12.0, 4.0 / 3])
        let expected = zip(va, vb).reduce(0.0) { $0 + $1.0 + $1.1 - 2 * ($1.0 * $1.1).squareRoot() }
        #expect(Swift.abs(try FrechetDistance.distance(a, b) - expected) < 1e-9)
    }

    @Test("bad feature sets are typed errors")
    func errors() throws {
        #expect(throws: FrechetDistanceError.tooFewVectors(1)) {
            try FrechetDistance.Statistics(features: Tensor(zeros: [1, 4]))
        }
        #expect(throws: FrechetDistanceError.notAMatrix([4])) {
            try FrechetDistance.Statistics(features: Tensor(zeros: [4]))
        }
        let two = try FrechetDistance.Statistics(features: Tensor(zeros: [3, 2]))
        let three = try FrechetDistance.Statistics(features: Tensor(zeros: [3, 3]))
        #expect(throws: FrechetDistanceError.dimensionMismatch(2, 3)) { try FrechetDistance.distance(two, three) }
    }
}
