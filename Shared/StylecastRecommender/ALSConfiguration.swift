/// Hyper-parameters of implicit-feedback ALS (Hu, Koren and Volinsky 2008).
///
/// The loss is `sum c_ui (p_ui - x_u . y_i)^2 + regularization (|X|^2 + |Y|^2)` over all
/// user-item pairs, with preference `p_ui = 1` where the user interacted and 0 elsewhere, and
/// confidence `c_ui = 1 + alpha * r_ui` (`r_ui` the summed interaction weight; 1 elsewhere).
public struct ALSConfiguration: Sendable, Equatable {
    /// Latent dimension of the user and item factors.
    public var factors: Int
    /// L2 penalty on every factor row (lambda).
    public var regularization: Float
    /// Confidence slope: `c = 1 + alpha * r`.
    public var alpha: Float
    /// Alternating sweeps (users, then items).
    public var iterations: Int
    /// Conjugate-gradient steps per row and sweep, warm-started from the previous solution
    /// (Takacs, Pilaszy and Tikk 2011; 3 as in the `implicit` library).
    public var conjugateGradientSteps: Int
    /// Seed of the initial factors (uniform in `[0, 0.01)`).
    public var seed: UInt64

    /// Creates a configuration.
    /// - Parameters:
    ///   - factors: Latent dimension (default 64).
    ///   - regularization: L2 penalty (default 0.1).
    ///   - alpha: Confidence slope (default 10).
    ///   - iterations: Alternating sweeps (default 15).
    ///   - conjugateGradientSteps: CG steps per row and sweep (default 3).
    ///   - seed: Seed of the initial factors (default 42).
    public init(
        factors: Int = 64, regularization: Float = 0.1, alpha: Float = 10, iterations: Int = 15,
        conjugateGradientSteps: Int = 3, seed: UInt64 = 42
    ) {
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.conjugateGradientSteps = conjugateGradientSteps
        self.seed = seed
    }

    /// Checks every value.
    /// - Throws: ``RecommenderError/invalidParameter(name:rule:)`` naming the first bad value.
    public func validate() throws(RecommenderError) {
        guard factors >= 1 else { throw .invalidParameter(name: "factors", rule: "must be at least 1") }
        guard regularization >= 0, regularization.isFinite else {
            throw .invalidParameter(name: "regularization", rule: "must be finite and at least 0")
        }
        guard alpha >= 0, alpha.isFinite else { throw .invalidParameter(name: "alpha", rule: "must be finite and at least 0") }
        guard iterations >= 0 else { throw .invalidParameter(name: "iterations", rule: "must be at least 0") }
        guard conjugateGradientSteps >= 1 else {
            throw .invalidParameter(name: "conjugateGradientSteps", rule: "must be at least 1")
        }
    }
}
