import Foundation
import StylecastImageIO
import StylecastModelFormat
import StylecastTensor
import StylecastTestSupport
import StylecastVision
import Testing

@Suite("Garment classifier against PyTorch", .timeLimit(.minutes(10)))
struct GarmentClassifierTests {
    static let referencePath = Bundle.module.url(
        forResource: "garment_classifier_reference", withExtension: "safetensors", subdirectory: "Fixtures")!.path

    @Test("Swift and PyTorch agree on the 10,000 Fashion-MNIST test images, and accuracy is at least 93%")
    func agreesWithPyTorchOnTheTestSet() throws {
        let classifier = try GarmentClassifier.load(environment: [:])
        let reference = try SafetensorsFile(contentsOf: Self.referencePath)
        let expectedLogits = try reference.tensor(named: "logits")
        let expectedClasses = try reference.int64Values(named: "predicted").map(Int.init)
        let test = try FashionMNIST(split: .test)
        #expect(expectedLogits.shape == [10_000, 10])

        var sameClass = 0
        var correct = 0
        var maxDifference: Float = 0
        let batch = 500
        for start in stride(from: 0, to: test.count, by: batch) {
            let logits = try classifier.logits(try test.imagesTensor(range: start..<(start + batch)))
            let expected = try expectedLogits.slice(from: start, count: batch)
            let predicted = try logits.argmax(axis: 1)
            logits.withUnsafeBufferPointer { ours in
                expected.withUnsafeBufferPointer { theirs in
                    for index in 0..<ours.count { maxDifference = max(maxDifference, abs(ours[index] - theirs[index])) }
                }
            }
            for (offset, predictedClass) in predicted.enumerated() {
                if predictedClass == expectedClasses[start + offset] { sameClass += 1 }
                if predictedClass == Int(test.labels[start + offset]) { correct += 1 }
            }
        }
        let accuracy = Double(correct) / Double(test.count)
        print("garment classifier: Swift test accuracy \(accuracy), same class as PyTorch \(sameClass)/\(test.count), max |logit difference| \(maxDifference)")
        #expect(Double(sameClass) / Double(test.count) >= 0.999)
        #expect(maxDifference <= 1e-3)
        #expect(accuracy >= 0.93)
        #expect(reference.metadata["test_accuracy"].flatMap(Double.init).map { abs($0 - accuracy) < 0.002 } ?? false)
    }

    @Test("a garment drawn dark on white at another size, as a PNG, is classified like the original")
    func photosArePreparedLikeFashionMNIST() throws {
        let classifier = try GarmentClassifier.load(environment: [:])
        let test = try FashionMNIST(split: .test)
        let count = 200
        var originals: [[UInt8]] = []
        var prepared: [[UInt8]] = []
        for index in 0..<count {
            let image = try test.image(at: index)
            originals.append(image)
            // Scale 28x28 up to 84x84 (nearest), invert to dark-on-white, round-trip through PNG.
            var big = [UInt8](repeating: 0, count: 84 * 84 * 3)
            for y in 0..<84 {
                for x in 0..<84 {
                    let value = 255 - image[(y / 3) * 28 + x / 3]
                    for channel in 0..<3 { big[(y * 84 + x) * 3 + channel] = value }
                }
            }
            let png = try PNGImage(width: 84, height: 84, format: .rgb, pixels: big).pngData()
            prepared.append(GarmentInput.fashionMNISTStyle(try PNGImage(pngData: png)))
        }
        let direct = try classifier.classify(try GarmentInput.tensor(greyscale: originals))
        let viaPNG = try classifier.classify(try GarmentInput.tensor(greyscale: prepared))
        let agreeing = zip(direct, viaPNG).filter { $0.classIndex == $1.classIndex }.count
        #expect(agreeing >= count * 95 / 100, "only \(agreeing) of \(count) agree")
    }

    @Test("weights with a missing tensor or a wrong shape are typed errors naming the tensor")
    func badWeights() throws {
        let directory = try TemporaryDirectory()
        let good = try SafetensorsFile(contentsOf: GarmentClassifier.bundledWeightsPath!)

        var missing = SafetensorsWriter()
        for name in good.tensorNames where name != "fc2.bias" { try missing.add(try good.tensor(named: name), named: name) }
        let missingPath = directory.path("missing.safetensors")
        try missing.write(to: missingPath)
        #expect { try GarmentClassifier(weightsAt: missingPath) } throws: { "\($0)".contains("fc2.bias") }

        var reshaped = SafetensorsWriter()
        for name in good.tensorNames {
            let tensor = try good.tensor(named: name)
            try reshaped.add(name == "fc1.weight" ? try tensor.reshaped([3136, 128]) : tensor, named: name)
        }
        let reshapedPath = directory.path("reshaped.safetensors")
        try reshaped.write(to: reshapedPath)
        #expect { try GarmentClassifier(weightsAt: reshapedPath) } throws: { error in
            guard case .unexpectedShape(let name, _, _) = error as? GarmentClassifierError else { return false }
            return name == "fc1"
        }
    }

    @Test("probabilities of each image sum to 1 and the class is their argmax")
    func probabilities() throws {
        let classifier = try GarmentClassifier.load(environment: [:])
        let images = try FashionMNIST(split: .test).imagesTensor(range: 0..<8)
        for result in try classifier.classify(images) {
            #expect(abs(result.probabilities.reduce(0, +) - 1) < 1e-5)
            #expect(result.probabilities.max() == result.probabilities[result.classIndex])
        }
    }
}
