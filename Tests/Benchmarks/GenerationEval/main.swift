// generation-eval: the Swift side of scripts/eval/generation.sh. Evaluates the committed style
// generator with the committed Swift garment classifier:
//   - conditional accuracy: share of generated garments the classifier assigns to the class the
//     generator was asked for (N per class, seeds 0 ..< 10N, class = seed / N);
//   - FID in the classifier's penultimate-feature space (128-d, fc1 after ReLU) against the
//     Fashion-MNIST test set, beside the training set's FID (real vs real) and a class-mean-image
//     baseline's (each class's mean training image, N copies per class);
//   - a 10 x 10 contact sheet PNG (row = class, the first 10 garments of each class).
// Each truncation given is evaluated; prints one Markdown table and a JSON line.
//
//   generation-eval [--per-class 1000] [--truncations 1,0.7] [--contact-sheet FILE]
//                   [--fashion-mnist DIR]

import BenchmarkSupport
import Foundation
import StylecastCalendar
import StylecastImageIO
import StylecastTensor
import StylecastVision

BLASRuntime.useSingleThread()
let perClass = Int(option("--per-class", default: "1000")) ?? 1000
let truncations = option("--truncations", default: "1,0.7").split(separator: ",").compactMap { Float($0) }
let sheetPath = option("--contact-sheet", default: "")
let directory = option("--fashion-mnist", default: FashionMNIST.defaultDirectory)
let classes = StyleGenerator.classCount
let clock = ContinuousClock()
let started = clock.now

let generator = try StyleGenerator.load()
let classifier = try GarmentClassifier.load()

/// Feature statistics of images `[N, 1, 28, 28]` in [0, 1], in chunks to bound memory.
func statistics(_ images: Tensor) throws -> FrechetDistance.Statistics {
    try FrechetDistance.Statistics(features: classifier.features(images))
}

log("generation-eval: Fashion-MNIST test and train features ...")
let test = try FashionMNIST(split: .test, directory: directory)
let train = try FashionMNIST(split: .train, directory: directory)
let testStatistics = try statistics(test.imagesTensor())
let trainImages = try train.imagesTensor()
let trainFID = try FrechetDistance.distance(try statistics(trainImages), testStatistics)

// Baseline: each class's mean training image, perClass copies.
var means = [Float](repeating: 0, count: classes * 784)
var counts = [Int](repeating: 0, count: classes)
for (index, label) in train.labels.enumerated() {
    counts[Int(label)] += 1
    for (pixel, value) in try train.image(at: index).enumerated() { means[Int(label) * 784 + pixel] += Float(value) / 255 }
}
for label in 0..<classes {
    for pixel in 0..<784 { means[label * 784 + pixel] /= Float(counts[label]) }
}
var baselineValues: [Float] = []
for label in 0..<classes {
    for _ in 0..<perClass { baselineValues += means[(label * 784)..<((label + 1) * 784)] }
}
let baselineImages = try Tensor(shape: [classes * perClass, 1, 28, 28], values: baselineValues)
let baselineFID = try FrechetDistance.distance(try statistics(baselineImages), testStatistics)
let baselineAccuracy = Double(
    zip(try classifier.classify(baselineImages), (0..<(classes * perClass)).map { $0 / perClass })
        .filter { $0.0.classIndex == $0.1 }.count) / Double(classes * perClass)

struct Result {
    var truncation: Float
    var accuracy: Double
    var perClass: [Double]
    var fid: Double
    var seconds: Double
}

var results: [Result] = []
for truncation in truncations {
    log("generation-eval: \(classes * perClass) garments at truncation \(truncation) ...")
    let generationStart = clock.now
    var pieces: [Tensor] = []
    let requested = (0..<(classes * perClass)).map { $0 / perClass }
    let batch = 250
    for start in stride(from: 0, to: requested.count, by: batch) {
        let size = min(batch, requested.count - start)
        let latents = try Tensor.concatenated(
            (start..<(start + size)).map { StyleGenerator.latents(seed: UInt64($0), count: 1) }, axis: 0)
        let images = try generator.generate(
            latents: latents, classes: Array(requested[start..<(start + size)]), truncation: truncation)
        pieces.append((images + 1) * 0.5)
    }
    let generated = try Tensor.concatenated(pieces, axis: 0)
    let elapsed = clock.now - generationStart
    let predicted = try classifier.classify(generated)
    var right = [Int](repeating: 0, count: classes)
    for (prediction, wanted) in zip(predicted, requested) where prediction.classIndex == wanted { right[wanted] += 1 }
    let fid = try FrechetDistance.distance(try statistics(generated), testStatistics)
    results.append(
        Result(
            truncation: truncation, accuracy: Double(right.reduce(0, +)) / Double(requested.count),
            perClass: right.map { Double($0) / Double(perClass) }, fid: fid,
            seconds: elapsed.totalSeconds))

    if !sheetPath.isEmpty, truncation == truncations[0] {
        // 10 x 10 sheet, 3x nearest upscaling, black garments on white for print.
        let scale = 3, tile = 28 * 3, side = 10 * tile
        var pixels = [UInt8](repeating: 255, count: side * side)
        let values = generated.scalars
        for row in 0..<classes {
            for column in 0..<10 {
                let image = row * perClass + column
                for y in 0..<(28 * scale) {
                    for x in 0..<(28 * scale) {
                        let value = values[image * 784 + (y / scale) * 28 + x / scale]
                        pixels[(row * tile + y) * side + column * tile + x] = UInt8(255 - (min(max(value, 0), 1) * 255).rounded())
                    }
                }
            }
        }
        try PNGImage(width: side, height: side, format: .grey, pixels: pixels).write(to: sheetPath)
        log("generation-eval: contact sheet written to \(sheetPath)")
    }
}

print("Style generator, \(classes * perClass) garments (\(perClass) per class), Swift classifier features (128-d):")
print()
print("| images | conditional accuracy | FID vs test set |")
print("|---|---|---|")
for result in results {
    print(String(format: "| generated, truncation %.2g | %.4f | %.2f |", result.truncation, result.accuracy, result.fid))
}
print(String(format: "| Fashion-MNIST train (real vs real) | - | %.2f |", trainFID))
print(String(format: "| class-mean images (baseline) | %.4f | %.2f |", baselineAccuracy, baselineFID))
print()
print("Per-class accuracy (truncation \(results.first.map { String($0.truncation) } ?? "-")):")
print()
print("| " + GarmentClassifier.classNames.joined(separator: " | ") + " |")
print("|" + String(repeating: "---|", count: classes))
if let first = results.first { print("| " + first.perClass.map { String(format: "%.3f", $0) }.joined(separator: " | ") + " |") }
let target = results.first.map { $0.accuracy >= 0.85 } ?? false
print()
print("Target (conditional accuracy >= 0.85 at truncation \(truncations.first ?? 1)): \(target ? "met" : "NOT met").")
let total = clock.now - started
let summary: [String: Any] = [
    "results": results.map {
        ["truncation": $0.truncation, "accuracy": $0.accuracy, "fid": $0.fid, "per_class": $0.perClass,
         "generation_seconds": $0.seconds] as [String: Any]
    },
    "train_fid": trainFID, "baseline_fid": baselineFID, "baseline_accuracy": baselineAccuracy,
    "seconds": Double(total.components.seconds),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
