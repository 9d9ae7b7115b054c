import StylecastTensor

extension ALSModel {
    /// Trains on a users-by-items matrix of interaction weights, single-threaded apart from
    /// what OpenBLAS does inside `sgemm` (set `OPENBLAS_NUM_THREADS=1` for one thread).
    ///
    /// Factors start uniform in `[0, 0.01)` from the configuration's seed (users first, then
    /// items); each iteration solves all users, then all items.
    /// - Parameters:
    ///   - matrix: Users by items; values are the `r` of `c = 1 + alpha * r`.
    ///   - configuration: Hyper-parameters.
    /// - Returns: The trained model.
    /// - Throws: ``RecommenderError/invalidParameter(name:rule:)`` for a bad configuration.
    public static func train(_ matrix: InteractionMatrix, configuration: ALSConfiguration) throws(RecommenderError) -> ALSModel {
        try configuration.validate()
        let k = configuration.factors
        var generator = SplitMix64(seed: configuration.seed)
        var users = (0..<(matrix.rowCount * k)).map { _ in generator.nextUnitFloat() * 0.01 }
        var items = (0..<(matrix.columnCount * k)).map { _ in generator.nextUnitFloat() * 0.01 }
        let transposed = matrix.transposed()
        let solver = ConjugateGradientSolver(
            factors: k, regularization: configuration.regularization, alpha: configuration.alpha,
            steps: configuration.conjugateGradientSteps)
        for _ in 0..<configuration.iterations {
            items.withUnsafeBufferPointer { y in
                users.withUnsafeMutableBufferPointer { x in
                    solver.solve(matrix: matrix, fixed: y, itemCount: matrix.columnCount, solving: x)
                }
            }
            users.withUnsafeBufferPointer { x in
                items.withUnsafeMutableBufferPointer { y in
                    solver.solve(matrix: transposed, fixed: x, itemCount: matrix.rowCount, solving: y)
                }
            }
        }
        let userTensor: Tensor
        let itemTensor: Tensor
        do {
            userTensor = try Tensor(shape: [matrix.rowCount, k], values: users)
            itemTensor = try Tensor(shape: [matrix.columnCount, k], values: items)
        } catch {
            // The shapes are built from the same counts as the arrays.
            preconditionFailure("factor shapes: \(error)")
        }
        return try ALSModel(configuration: configuration, userFactors: userTensor, itemFactors: itemTensor)
    }
}
