import Foundation
import StylecastModelFormat
import StylecastTensor
import StylecastVision
import Testing

/// The Swift generator against the PyTorch reference written by Training/export_generator.py
/// from the same exported weights (Fixtures/style_generator_reference.safetensors): fixed
/// latents and classes, their styles, two hidden layers, the images, the truncated images and a
/// style-mixing case.
@Suite("Style generator")
struct StyleGeneratorTests {
    static let referencePath = Bundle.module.url(
        forResource: "style_generator_reference", withExtension: "safetensors", subdirectory: "Fixtures")!.path

    let generator: StyleGenerator
    let reference: SafetensorsFile
    let classes: [Int]

    init() throws {
        generator = try StyleGenerator.load()
        reference = try SafetensorsFile(contentsOf: Self.referencePath)
        classes = try reference.int64Values(named: "classes").map(Int.init)
    }

    func maximumDifference(_ ours: Tensor, _ name: String) throws -> Float {
        let theirs = try reference.tensor(named: name)
        #expect(ours.shape == theirs.shape, "\(name) shape")
        return zip(ours.scalars, theirs.scalars).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test("styles, images, truncated images and mixed images equal PyTorch's (max |diff| <= 1e-3 per pixel in [-1, 1])")
    func agreesWithPyTorch() throws {
        let latents = try reference.tensor(named: "z")
        let w = try generator.styles(latents: latents, classes: classes)
        #expect(try maximumDifference(w, "w") < 1e-4)
        let images = try generator.generate(latents: latents, classes: classes)
        let imageDifference = try maximumDifference(images, "images")
        // The limit is 1e-3 on pixels; images span [-1, 1], twice the [0, 1] pixel range.
        #expect(imageDifference <= 1e-3)
        let psi = Float(reference.metadata["truncation_psi"] ?? "") ?? 0.7
        let truncated = try generator.generate(latents: latents, classes: classes, truncation: psi)
        #expect(try maximumDifference(truncated, "images_truncated") <= 1e-3)
        let crossover = Int(reference.metadata["crossover"] ?? "") ?? StyleGenerator.defaultCrossover
        let rolled = try Tensor.concatenated([w.slice(from: 1, count: w.shape[0] - 1), w.slice(from: 0, count: 1)], axis: 0)
        let mixed = try generator.mix(coarse: w, fine: rolled, crossover: crossover)
        #expect(try maximumDifference(mixed, "images_mixed") <= 1e-3)
        print("style generator vs PyTorch: images max |diff| \(imageDifference)")
    }

    @Test("the same seed gives the same garments; another seed different ones")
    func deterministic() throws {
        let first = try generator.generate(latents: StyleGenerator.latents(seed: 7, count: 3), classes: [0, 3, 7])
        let again = try generator.generate(latents: StyleGenerator.latents(seed: 7, count: 3), classes: [0, 3, 7])
        let other = try generator.generate(latents: StyleGenerator.latents(seed: 8, count: 3), classes: [0, 3, 7])
        #expect(first.scalars == again.scalars)
        #expect(first.scalars != other.scalars)
        #expect(first.shape == [3, 1, 28, 28])
        #expect(first.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test("the classifier recognises the requested class in generated garments")
    func conditional() throws {
        let classifier = try GarmentClassifier.load()
        let classes = (0..<100).map { $0 % 10 }
        let images = try generator.generate(latents: StyleGenerator.latents(seed: 1, count: 100), classes: classes)
        let predicted = try classifier.classify((images + 1) * 0.5)
        let agreeing = zip(predicted, classes).filter { $0.classIndex == $1 }.count
        #expect(agreeing >= 85, "\(agreeing) of 100 generated garments classified as requested")
    }

    @Test("style mixing: coarse styles from A, fine from B keep A's class per the classifier in >= 80% of cases")
    func mixingKeepsCoarseClass() throws {
        let classifier = try GarmentClassifier.load()
        let classesA = (0..<200).map { $0 % 10 }
        let classesB = (0..<200).map { ($0 * 7 + 3) % 10 }
        let a = try generator.styles(latents: StyleGenerator.latents(seed: 11, count: 200), classes: classesA)
        let b = try generator.styles(latents: StyleGenerator.latents(seed: 12, count: 200), classes: classesB)
        let mixed = try generator.mix(coarse: a, fine: b)
        let predicted = try classifier.classify((mixed + 1) * 0.5)
        let keptA = zip(predicted, classesA).filter { $0.classIndex == $1 }.count
        print("style mixing at crossover \(StyleGenerator.defaultCrossover): \(keptA) of 200 keep A's class")
        #expect(keptA >= 160)
    }

    @Test("bad latents, classes and crossovers are refused naming the field")
    func badInput() throws {
        #expect(throws: StyleGeneratorError.classOutOfRange(10)) {
            try generator.styles(latents: StyleGenerator.latents(seed: 1, count: 1), classes: [10])
        }
        #expect(throws: StyleGeneratorError.latentShape(expected: [2, 64], found: [1, 64])) {
            try generator.styles(latents: StyleGenerator.latents(seed: 1, count: 1), classes: [0, 1])
        }
        let w = try generator.styles(latents: StyleGenerator.latents(seed: 1, count: 1), classes: [0])
        #expect(throws: StyleGeneratorError.crossover(6)) { try generator.mix(coarse: w, fine: w, crossover: 6) }
        #expect(StyleGeneratorError.crossover(0).description.contains("crossover_layer"))
    }
}
