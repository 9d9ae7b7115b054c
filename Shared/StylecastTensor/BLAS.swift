import CBLAS

/// Single-precision BLAS on raw row-major buffers, for the libraries whose hot loops work on
/// their own memory (the recommenders' factor matrices) rather than on ``Tensor``s: the only way
/// above StylecastTensor to reach OpenBLAS. Sizes are element counts; leading dimensions default
/// to the dense row length.
public enum BLAS {
    /// `C = alpha * op(A) * op(B)` (or `C += ...` when `accumulate`), `op(A)` `[m, k]`, `op(B)`
    /// `[k, n]`, `C` `[m, n]`.
    /// - Parameters:
    ///   - m: Rows of `op(A)` and `C`.
    ///   - n: Columns of `op(B)` and `C`.
    ///   - k: The inner dimension (`C` is zeroed, or left as is when accumulating, for `k == 0`).
    ///   - a: `A`, `[m, k]` or, when `transposeA`, `[k, m]`.
    ///   - b: `B`, `[k, n]` or, when `transposeB`, `[n, k]`.
    ///   - c: The result.
    ///   - lda: Row stride of `A` (default its row length).
    ///   - ldb: Row stride of `B` (default its row length).
    ///   - ldc: Row stride of `C` (default `n`).
    ///   - alpha: Scale of the product.
    ///   - accumulate: Add to `C` instead of overwriting it.
    public static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, transposeA: Bool = false, lda: Int? = nil,
        b: UnsafePointer<Float>, transposeB: Bool = false, ldb: Int? = nil,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        alpha: Float = 1, accumulate: Bool = false
    ) {
        sgemm(
            m: m, n: n, k: k, a: a, transposeA: transposeA, lda: lda, b: b, transposeB: transposeB, ldb: ldb,
            c: c, ldc: ldc, alpha: alpha, accumulate: accumulate)
    }

    /// `y = A x`, `A` `[rows, columns]` dense row-major, `x` `columns` long, `y` `rows` long.
    public static func gemv(
        rows: Int, columns: Int, matrix: UnsafePointer<Float>, vector: UnsafePointer<Float>,
        result: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0 else { return }
        guard columns > 0 else {
            result.update(repeating: 0, count: rows)
            return
        }
        cblas_sgemv(
            CblasRowMajor, CblasNoTrans, blasint(rows), blasint(columns), 1, matrix, blasint(columns), vector, 1, 0,
            result, 1)
    }

    /// The upper triangle of `C = Aᵀ A`, `A` `[rows, columns]` dense row-major, `C`
    /// `[columns, columns]` (the strictly lower triangle is left as it was).
    public static func gramUpper(
        rows: Int, columns: Int, matrix: UnsafePointer<Float>, result: UnsafeMutablePointer<Float>
    ) {
        guard columns > 0 else { return }
        cblas_ssyrk(
            CblasRowMajor, CblasUpper, CblasTrans, blasint(columns), blasint(rows), 1, matrix, blasint(columns), 0,
            result, blasint(columns))
    }
}
