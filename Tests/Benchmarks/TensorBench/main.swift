// tensor-bench: the Swift side of scripts/bench/tensor.sh. Prints one JSON object per line.
//
//   tensor-bench sgemm [--seconds S]                 library matmul vs direct cblas_sgemm
//   tensor-bench classifier [--seconds S] [--batch-sizes 1,256]   images/second, 1 BLAS thread
//
// Run it from a release build (scripts/bench/tensor.sh does).

import BenchmarkSupport
import CBLAS
import Foundation
import StylecastCalendar
import StylecastImageIO
import StylecastTensor
import StylecastVision

/// Runs `body` repeatedly for about `seconds` after one warm-up call; returns calls per second.
func rate(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var calls = 0
    let start = ContinuousClock.now
    var elapsed = 0.0
    repeat {
        try body()
        calls += 1
        elapsed = (ContinuousClock.now - start).totalSeconds
    } while elapsed < seconds
    return Double(calls) / elapsed
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func randomTensor(_ shape: [Int]) throws -> Tensor {
    var generator = SystemRandomNumberGenerator()
    return try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) })
}

/// GFLOP/s of C = A B (or A B^T) through the library and through cblas_sgemm on the same data.
func benchmarkSGEMM(m: Int, k: Int, n: Int, transposeB: Bool, seconds: Double) throws {
    let a = try randomTensor([m, k])
    let b = try randomTensor(transposeB ? [n, k] : [k, n])
    var c = [Float](repeating: 0, count: m * n)
    let flops = 2.0 * Double(m) * Double(n) * Double(k)
    var sink: Float = 0
    // Alternate the two, three rounds each, and keep each one's best round, so that neither
    // gains from running second (warm caches, CPU clock ramp-up).
    var direct = 0.0
    var library = 0.0
    for _ in 0..<3 {
        direct = max(direct, a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    rate(seconds: seconds / 3) {
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), 1, aBuffer.baseAddress, Int32(k),
                            bBuffer.baseAddress, Int32(transposeB ? k : n), 0, cBuffer.baseAddress, Int32(n))
                    }
                }
            }
        })
        library = max(library, try rate(seconds: seconds / 3) {
            let product = try Tensor.matmul(a, b, transposeB: transposeB)
            sink += product[0, 0]
        })
    }
    emit([
        "bench": "sgemm", "m": m, "k": k, "n": n, "transpose_b": transposeB,
        "direct_gflops": direct * flops / 1e9, "library_gflops": library * flops / 1e9,
        "overhead_percent": (direct / library - 1) * 100, "kernel": BLASRuntime.kernelName, "checksum": sink.isFinite,
    ])
}

func benchmarkClassifier(batchSizes: [Int], seconds: Double) throws {
    let classifier = try GarmentClassifier.load()
    let images = try FashionMNIST(split: .test).imagesTensor()
    for batch in batchSizes {
        let batches = try stride(from: 0, to: images.shape[0] - batch + 1, by: batch).prefix(64).map { start in
            try images.slice(from: start, count: batch)
        }
        var next = 0
        var sink: Float = 0
        let batchesPerSecond = try rate(seconds: seconds) {
            let logits = try classifier.logits(batches[next % batches.count])
            sink += logits[0, 0]
            next += 1
        }
        emit([
            "bench": "classifier", "batch": batch, "images_per_second": batchesPerSecond * Double(batch),
            "threads": 1, "kernel": BLASRuntime.kernelName, "checksum": sink.isFinite,
        ])
    }
}

BLASRuntime.useSingleThread()
let seconds = Double(option("--seconds", default: "3")) ?? 3
switch CommandLine.arguments.dropFirst().first {
case "sgemm":
    try benchmarkSGEMM(m: 1024, k: 1024, n: 1024, transposeB: false, seconds: seconds)
    try benchmarkSGEMM(m: 40, k: 384, n: 1536, transposeB: true, seconds: seconds)
case "classifier":
    let sizes = option("--batch-sizes", default: "1,256").split(separator: ",").compactMap { Int($0) }
    try benchmarkClassifier(batchSizes: sizes, seconds: seconds)
default:
    FileHandle.standardError.write(Data("usage: tensor-bench sgemm|classifier [--seconds S] [--batch-sizes 1,256]\n".utf8))
    exit(2)
}
