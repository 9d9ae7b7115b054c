import StylecastTensor
import StylecastTensor

/// Implicit-feedback matrix factorisation trained by alternating least squares with the
/// conjugate-gradient solver: user factors `[userCount, factors]` and item factors
/// `[itemCount, factors]`; the score of item `i` for user `u` is `x_u . y_i`.
public struct ALSModel: ItemScorer {
    /// The hyper-parameters it was trained with.
    public let configuration: ALSConfiguration
    /// User factors, `[userCount, factors]`, row-major.
    public let userFactors: Tensor
    /// Item factors, `[itemCount, factors]`, row-major.
    public let itemFactors: Tensor

    /// Number of users with factors.
    public var userCount: Int { userFactors.shape[0] }
    /// Number of items with factors.
    public var itemCount: Int { itemFactors.shape[0] }
    /// Latent dimension.
    public var factors: Int { configuration.factors }

    /// Wraps trained or loaded factors.
    /// - Parameters:
    ///   - configuration: The hyper-parameters (its `factors` must match the factor width).
    ///   - userFactors: `[userCount, factors]`.
    ///   - itemFactors: `[itemCount, factors]`.
    /// - Throws: ``RecommenderError/dimensionMismatch(field:expected:actual:)`` for mismatched shapes.
    public init(configuration: ALSConfiguration, userFactors: Tensor, itemFactors: Tensor) throws(RecommenderError) {
        try configuration.validate()
        for (name, tensor) in [("userFactors", userFactors), ("itemFactors", itemFactors)] {
            guard tensor.rank == 2 else { throw .dimensionMismatch(field: "\(name) rank", expected: 2, actual: tensor.rank) }
            guard tensor.shape[1] == configuration.factors else {
                throw .dimensionMismatch(field: "\(name) width", expected: configuration.factors, actual: tensor.shape[1])
            }
        }
        self.configuration = configuration
        self.userFactors = userFactors
        self.itemFactors = itemFactors
    }

    /// Scores every item for one trained user with one `sgemv` over the item factors.
    /// - Parameters:
    ///   - user: User index, `0..<userCount`.
    ///   - scores: Resized to `itemCount` and overwritten with `Y x_u`.
    public func score(user: Int, into scores: inout [Float]) {
        precondition(user >= 0 && user < userCount, "user \(user) outside 0..<\(userCount)")
        userFactors.withUnsafeBufferPointer { users in
            score(vector: users.baseAddress! + user * factors, into: &scores)
        }
    }

    /// Scores every item for the query: the trained user's factors when `query.user` is a
    /// trained user, else a vector folded in from the history (one least-squares solve against
    /// the fixed item factors, as for a training row).
    public func score(_ query: RecommendationQuery, into scores: inout [Float]) {
        if let user = query.user, user >= 0, user < userCount {
            score(user: user, into: &scores)
        } else {
            let vector = foldIn(query.history)
            vector.withUnsafeBufferPointer { score(vector: $0.baseAddress!, into: &scores) }
        }
    }

    /// Scores every item for a block of consecutive users with one `sgemm`: the fast path of
    /// full-ranking evaluation.
    /// - Parameters:
    ///   - users: Consecutive trained users.
    ///   - scores: Resized to `users.count * itemCount`; row `j` holds user `users.lowerBound + j`.
    public func score(users: Range<Int>, into scores: inout [Float]) {
        precondition(users.lowerBound >= 0 && users.upperBound <= userCount, "users \(users) outside 0..<\(userCount)")
        let items = itemCount
        let width = factors
        if scores.count != users.count * items { scores = [Float](repeating: 0, count: users.count * items) }
        guard !users.isEmpty, items > 0 else { return }
        userFactors.withUnsafeBufferPointer { x in
            itemFactors.withUnsafeBufferPointer { y in
                scores.withUnsafeMutableBufferPointer { out in
                    BLAS.gemm(
                        m: users.count, n: items, k: width, a: x.baseAddress! + users.lowerBound * width,
                        b: y.baseAddress!, transposeB: true, c: out.baseAddress!)
                }
            }
        }
    }

    /// The factors of an unseen user with this history: one regularised weighted least-squares
    /// solve against the item factors, by conjugate gradient from zero (`factors` steps at most).
    /// - Parameter history: The user's events; unknown items are ignored, repeats add up.
    /// - Returns: `factors` values.
    public func foldIn(_ history: [HistoryEvent]) -> [Float] {
        var weights: [Int: Float] = [:]
        for event in history where event.item >= 0 && event.item < itemCount {
            weights[event.item, default: 0] += event.weight
        }
        let entries = weights.sorted { $0.key < $1.key }
        // Items are filtered to 0..<itemCount above, so building the one-row matrix cannot fail.
        let row = try! InteractionMatrix(
            rowCount: 1, columnCount: itemCount, entries: entries.map { (row: 0, column: $0.key, value: $0.value) })
        var solution = [Float](repeating: 0, count: factors)
        let solver = ConjugateGradientSolver(
            factors: factors, regularization: configuration.regularization, alpha: configuration.alpha,
            steps: factors, blockSize: 1)
        itemFactors.withUnsafeBufferPointer { y in
            solution.withUnsafeMutableBufferPointer { x in
                solver.solve(matrix: row, fixed: y, itemCount: itemCount, solving: x)
            }
        }
        return solution
    }

    private func score(vector: UnsafePointer<Float>, into scores: inout [Float]) {
        let items = itemCount
        if scores.count != items { scores = [Float](repeating: 0, count: items) }
        guard items > 0 else { return }
        itemFactors.withUnsafeBufferPointer { y in
            scores.withUnsafeMutableBufferPointer { out in
                BLAS.gemv(rows: items, columns: factors, matrix: y.baseAddress!, vector: vector, result: out.baseAddress!)
            }
        }
    }
}
