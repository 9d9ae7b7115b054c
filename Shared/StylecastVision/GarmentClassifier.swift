import Foundation
import StylecastErrors
import StylecastModelFormat
import StylecastTensor

/// The Fashion-MNIST garment classifier trained by `Training/` (see its model card), run on the
/// shared tensor library.
///
/// Architecture (batch-norm folded into the convolutions at export):
/// `conv1 3x3 1->32, ReLU, conv2 3x3 32->32, ReLU, max-pool 2` ->
/// `conv3 3x3 32->64, ReLU, conv4 3x3 64->64, ReLU, max-pool 2` ->
/// `flatten (C, H, W) 3136 -> fc1 128, ReLU -> fc2 10` logits.
/// Input: `[N, 1, 28, 28]`, pixel / 255, white garment on black as in Fashion-MNIST.
public struct GarmentClassifier: Sendable {
    /// The ten Fashion-MNIST classes, by class index.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Edge length of the square greyscale input, in pixels.
    public static let imageSide = 28

    private struct Layer: Sendable {
        var weight: Tensor
        var bias: Tensor
    }

    private let conv1, conv2, conv3, conv4, fc1, fc2: Layer
    /// The weights file's `__metadata__` (architecture, classes, test accuracy).
    public let metadata: [String: String]

    /// Loads the classifier from a safetensors file (memory-mapped; float32 weights are not copied).
    /// - Parameter path: The weights file, e.g. ``bundledWeightsPath``.
    /// - Throws: ``SafetensorsError`` when the file is unreadable or corrupt, ``GarmentClassifierError``
    ///   when a weight is missing or has the wrong shape.
    public init(weightsAt path: String) throws {
        let file = try SafetensorsFile(contentsOf: path)
        func layer(_ name: String, weight: [Int], bias: [Int]) throws -> Layer {
            let loaded = Layer(
                weight: try file.tensor(named: "\(name).weight"), bias: try file.tensor(named: "\(name).bias"))
            guard loaded.weight.shape == weight, loaded.bias.shape == bias else {
                throw GarmentClassifierError.unexpectedShape(
                    name: name, expected: [weight, bias], found: [loaded.weight.shape, loaded.bias.shape])
            }
            return loaded
        }
        conv1 = try layer("conv1", weight: [32, 1, 3, 3], bias: [32])
        conv2 = try layer("conv2", weight: [32, 32, 3, 3], bias: [32])
        conv3 = try layer("conv3", weight: [64, 32, 3, 3], bias: [64])
        conv4 = try layer("conv4", weight: [64, 64, 3, 3], bias: [64])
        fc1 = try layer("fc1", weight: [128, 3136], bias: [128])
        fc2 = try layer("fc2", weight: [10, 128], bias: [10])
        metadata = file.metadata
    }

    /// The weights committed with the library (`Resources/garment-classifier.safetensors`).
    public static var bundledWeightsPath: String? {
        Bundle.module.url(forResource: "garment-classifier", withExtension: "safetensors")?.path
    }

    /// Loads the committed weights, or those at `STYLECAST_CLASSIFIER_WEIGHTS` when that is set.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> GarmentClassifier
    {
        if let path = environment["STYLECAST_CLASSIFIER_WEIGHTS"], !path.isEmpty {
            return try GarmentClassifier(weightsAt: path)
        }
        guard let path = bundledWeightsPath else { throw GarmentClassifierError.bundledWeightsMissing }
        return try GarmentClassifier(weightsAt: path)
    }

    /// Class scores before softmax.
    /// - Parameter images: `[N, 1, 28, 28]`, values in [0, 1].
    /// - Returns: `[N, 10]` logits.
    public func logits(_ images: Tensor) throws(TensorError) -> Tensor {
        try inChunks(images, "logits") { chunk throws(TensorError) in
            try chunkFeatures(chunk).linear(weight: fc2.weight, bias: fc2.bias)
        }
    }

    /// Images per forward pass inside ``logits(_:)`` and ``features(_:)``: 16 images of
    /// 32 x 28 x 28 activations are 1.6 MB, about what the L2 cache holds.
    static let chunkSize = 16

    /// `forward` of `images`, checked to be `[N, 1, 28, 28]`. Large batches run in chunks so that
    /// each layer's activations stay in cache; the chunks' outputs are then joined.
    private func inChunks(
        _ images: Tensor, _ operation: String, _ forward: (Tensor) throws(TensorError) -> Tensor
    ) throws(TensorError) -> Tensor {
        guard images.rank == 4, Array(images.shape.dropFirst()) == [1, Self.imageSide, Self.imageSide] else {
            throw .shapeMismatch(operation: "GarmentClassifier.\(operation)", shapes: [images.shape, [-1, 1, 28, 28]])
        }
        let count = images.shape[0]
        guard count > Self.chunkSize else { return try forward(images) }
        var chunks: [Tensor] = []
        for start in stride(from: 0, to: count, by: Self.chunkSize) {
            chunks.append(try forward(images.slice(from: start, count: Swift.min(Self.chunkSize, count - start))))
        }
        return try Tensor.concatenated(chunks, axis: 0)
    }

    private func chunkFeatures(_ images: Tensor) throws(TensorError) -> Tensor {
        var x = try images.conv2d(weight: conv1.weight, bias: conv1.bias, padding: 1).relu()
        x = try x.conv2d(weight: conv2.weight, bias: conv2.bias, padding: 1).relu()
        x = try x.maxPooled2d(kernel: 2)
        x = try x.conv2d(weight: conv3.weight, bias: conv3.bias, padding: 1).relu()
        x = try x.conv2d(weight: conv4.weight, bias: conv4.bias, padding: 1).relu()
        x = try x.maxPooled2d(kernel: 2)
        x = try x.reshaped([images.shape[0], -1])
        return try x.linear(weight: fc1.weight, bias: fc1.bias).relu()
    }

    /// The penultimate-layer activations (fc1 after ReLU), the feature space of the
    /// generator's Fréchet distance (``FrechetDistance``).
    /// - Parameter images: `[N, 1, 28, 28]`, values in [0, 1].
    /// - Returns: `[N, 128]`.
    public func features(_ images: Tensor) throws(TensorError) -> Tensor {
        try inChunks(images, "features", chunkFeatures)
    }

    /// Classifies a batch of images.
    /// - Parameter images: `[N, 1, 28, 28]`, values in [0, 1].
    /// - Returns: One classification per image, in order.
    public func classify(_ images: Tensor) throws(TensorError) -> [GarmentClassification] {
        let probabilities = try logits(images).softmax(axis: 1)
        let classes = GarmentClassifier.classNames.count
        return probabilities.withUnsafeBufferPointer { values in
            (0..<images.shape[0]).map { row in
                let scores = Array(values[(row * classes)..<((row + 1) * classes)])
                let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
                return GarmentClassification(classIndex: best, probabilities: scores)
            }
        }
    }
}

/// The classifier's answer for one image.
public struct GarmentClassification: Sendable, Equatable {
    /// The Fashion-MNIST class index, 0-9.
    public var classIndex: Int
    /// Probability of each class, by class index; they sum to 1.
    public var probabilities: [Float]

    /// The class name, e.g. `"Ankle boot"`.
    public var className: String { GarmentClassifier.classNames[classIndex] }
}

/// Why the classifier could not be loaded.
public enum GarmentClassifierError: StylecastError, Equatable {
    /// A weight has another shape than the architecture needs.
    case unexpectedShape(name: String, expected: [[Int]], found: [[Int]])
    /// The weights committed with the library are not in the built bundle.
    case bundledWeightsMissing

    public var failureKind: FailureKind {
        switch self {
        case .unexpectedShape: .invalidInput
        case .bundledWeightsMissing: .unavailable
        }
    }

    public var description: String {
        switch self {
        case .unexpectedShape(let name, let expected, let found):
            "classifier weights \(name): expected shapes \(expected), found \(found)"
        case .bundledWeightsMissing:
            "the classifier weights are missing from the StylecastVision bundle; set STYLECAST_CLASSIFIER_WEIGHTS"
        }
    }
}
