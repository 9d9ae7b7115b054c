import CBLAS

/// The process's OpenBLAS: which kernel it runs and how many threads it uses.
///
/// Stylecast runs one BLAS thread per worker process; concurrency comes from requests.
/// Debian's OpenBLAS 0.3.21 may detect recent Xeons as "Prescott" (about 5x slower sgemm);
/// the kernel is chosen by `OPENBLAS_CORETYPE` before the process starts (see
/// docs/operations.md) and reported in the start-up log.
public enum BLASRuntime {
    /// The kernel OpenBLAS selected, e.g. `"Prescott"` or `"SkylakeX"`.
    public static var kernelName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Limits OpenBLAS to one thread.
    public static func useSingleThread() {
        openblas_set_num_threads(1)
    }
}
