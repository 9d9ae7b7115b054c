// generator-bench: the Swift side of scripts/bench/generation.sh. Generates garments with the
// committed style generator (StylecastVision.StyleGenerator), one OpenBLAS thread, at each
// batch size: a warm-up, then as many batches as fit in the measured seconds. Prints one JSON
// line per batch size, e.g. {"batch": 64, "images_per_second": 512.3, "side": "swift"}.
//
//   generator-bench [--seconds 5] [--batch-sizes 1,64]

import BenchmarkSupport
import Foundation
import StylecastCalendar
import StylecastTensor
import StylecastVision

BLASRuntime.useSingleThread()
let seconds = Double(option("--seconds", default: "5")) ?? 5
let batches = option("--batch-sizes", default: "1,64").split(separator: ",").compactMap { Int($0) }
let generator = try StyleGenerator.load()
let clock = ContinuousClock()
for batch in batches {
    let classes = (0..<batch).map { $0 % StyleGenerator.classCount }
    let latents = StyleGenerator.latents(seed: 42, count: batch)
    func run(for duration: Double) throws -> (images: Int, seconds: Double) {
        let start = clock.now
        var images = 0
        repeat {
            _ = try generator.generate(latents: latents, classes: classes)
            images += batch
        } while clock.now - start < .milliseconds(Int(duration * 1000))
        return (images, (clock.now - start).totalSeconds)
    }
    _ = try run(for: min(1, seconds / 5))
    let measured = try run(for: seconds)
    let line: [String: Any] = [
        "side": "swift", "batch": batch, "images_per_second": Double(measured.images) / measured.seconds,
        "kernel": BLASRuntime.kernelName,
    ]
    let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
