// Helpers shared by the operation files: axis normalisation, uninitialised outputs, and the one
// place that calls into BLAS.

import CBLAS

extension TensorStorage {
    /// Allocates `count` floats without initialising them; the caller must write every element
    /// before the storage is read (used for GEMM outputs written with beta = 0).
    convenience init(unsafeUninitializedCount count: Int) {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: Swift.max(count, 1))
        // Float is a trivial type, so uninitialised memory that is fully overwritten before the
        // first read is well defined.
        self.init(allocated: buffer)
    }
}

extension Tensor {
    /// A tensor of `shape` whose elements `body` writes (every one of them).
    static func make(shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let count = shape.reduce(1, *)
        let storage = TensorStorage(unsafeUninitializedCount: count)
        body(UnsafeMutableBufferPointer(rebasing: storage.buffer[0..<count]))
        // The storage was allocated for exactly this shape, so the checked initialiser cannot fail.
        return Tensor(unchecked: shape, storage: storage)
    }

    /// Resolves a possibly negative axis (PyTorch style: -1 is the last axis).
    /// - Parameters:
    ///   - axis: The axis, in `-rank..<rank`.
    ///   - operation: The operation named in the error.
    func resolvedAxis(_ axis: Int, operation: String) throws(TensorError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw .invalidArgument(operation: operation, reason: "axis \(axis) out of range for shape \(shape)")
        }
        return resolved
    }
}

/// Row-major single-precision GEMM: `c[m, n] = sum_k op(a)[m, k] * op(b)[k, n]` (beta = 0).
///
/// - Parameters:
///   - a: `op(a)` is `[m, k]`; `a` itself is `[k, m]` when `transposeA`.
///   - b: `op(b)` is `[k, n]`; `b` itself is `[n, k]` when `transposeB`.
///   - c: `[m, n]`, overwritten (or accumulated into when `accumulate`).
func sgemm(
    m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, transposeA: Bool, lda: Int? = nil,
    b: UnsafePointer<Float>, transposeB: Bool, ldb: Int? = nil,
    c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
    alpha: Float = 1, accumulate: Bool = false
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        // BLAS leaves C untouched when K is 0; the mathematical product is zero.
        if !accumulate {
            for row in 0..<m { (c + row * (ldc ?? n)).update(repeating: 0, count: n) }
        }
        return
    }
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        blasint(m), blasint(n), blasint(k),
        alpha,
        a, blasint(lda ?? (transposeA ? m : k)),
        b, blasint(ldb ?? (transposeB ? k : n)),
        accumulate ? 1 : 0,
        c, blasint(ldc ?? n))
}

/// Steps a multi-dimensional index to the next position in row-major order over its first
/// `axes` axes (the last of them varies fastest), wrapping to all zeros after the end.
/// - Parameters:
///   - index: The index to advance, at least `axes` long.
///   - shape: Extent of each axis.
///   - axes: How many leading axes take part.
@inline(__always)
func advanceRowMajorIndex(_ index: inout [Int], shape: [Int], axes: Int) {
    var axis = axes - 1
    while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { return }
        index[axis] = 0
        axis -= 1
    }
}
