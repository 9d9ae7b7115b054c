import ArgumentParser
import Foundation
import StylecastImageIO
import StylecastVision

/// `stylecast classify [--json] FILE`: garment classes of the images in a PNG or an idx file.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify garment images with the Fashion-MNIST classifier.",
        discussion: """
            FILE is a PNG (one garment; converted to 28x28 grey like Fashion-MNIST) or an idx \
            image file (gzipped or not, 28x28 images). Prints one line per image: index, class \
            name, its probability, then every class's probability. With --json, one JSON object \
            per line: {"index", "class" (0-9), "name", "probabilities"}.
            """)

    @Flag(help: "One JSON object per line.")
    var json = false

    @Option(help: "Classifier weights (safetensors); default: the committed weights or STYLECAST_CLASSIFIER_WEIGHTS.")
    var weights: String?

    @Option(help: "Images per forward pass.")
    var batchSize = 256

    @Argument(help: "A PNG file, or an idx image file (.gz or plain).")
    var file: String

    func validate() throws {
        guard batchSize >= 1 && batchSize <= 4096 else {
            throw ValidationError("--batch-size must be between 1 and 4096, got \(batchSize)")
        }
    }

    func run() throws {
        let classifier = try weights.map { try GarmentClassifier(weightsAt: $0) } ?? GarmentClassifier.load()
        let images = try Self.readImages(file)
        for start in stride(from: 0, to: images.count, by: batchSize) {
            let batch = Array(images[start..<min(start + batchSize, images.count)])
            let results = try classifier.classify(try GarmentInput.tensor(greyscale: batch))
            for (offset, result) in results.enumerated() {
                print(line(index: start + offset, result))
            }
        }
    }

    /// The 28 x 28 greyscale images in `path`.
    static func readImages(_ path: String) throws -> [[UInt8]] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ValidationError("\(path): no such readable file")
        }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let signature = try handle.read(upToCount: 8) ?? Data()
        try handle.close()
        if Array(signature) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            return [GarmentInput.fashionMNISTStyle(try PNGImage(contentsOf: path))]
        }
        let idx: IDXFile
        do {
            idx = try IDXFile(contentsOf: path, expectedMagic: 0x0000_0803)
        } catch {
            throw ValidationError("\(path): neither a PNG nor an idx image file (\(error))")
        }
        let side = GarmentClassifier.imageSide
        guard idx.dimensions.count == 3, idx.dimensions[1] == side, idx.dimensions[2] == side else {
            throw ValidationError("\(path): idx images must be \(side)x\(side), found dimensions \(idx.dimensions)")
        }
        let size = side * side
        return (0..<idx.dimensions[0]).map { Array(idx.values[($0 * size)..<(($0 + 1) * size)]) }
    }

    private func line(index: Int, _ result: GarmentClassification) -> String {
        if json {
            let object: [String: Any] = [
                "index": index, "class": result.classIndex, "name": result.className,
                "probabilities": result.probabilities.map { (Double($0) * 1e6).rounded() / 1e6 },
            ]
            return (try? jsonText(object)) ?? ""
        }
        let all = zip(GarmentClassifier.classNames, result.probabilities)
            .map { "\($0)=\(String(format: "%.4f", $1))" }.joined(separator: " ")
        return "\(index)\t\(result.className)\t\(String(format: "%.4f", result.probabilities[result.classIndex]))\t\(all)"
    }
}
