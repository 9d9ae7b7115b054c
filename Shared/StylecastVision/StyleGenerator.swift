import Foundation
import StylecastErrors
import StylecastModelFormat
import StylecastTensor

/// The class-conditional style-based garment generator trained by `Training/` (model card:
/// `Training/artifacts/style-generator/MODEL_CARD.md`), run on the shared tensor library.
///
/// Mapping: `z` (64, RMS-normalised) joined with the class embedding (64) -> 3 x [linear(128),
/// leaky ReLU 0.2] -> style `w` (128). Synthesis: a learned 128x7x7 constant -> five modulated
/// 3x3 convolutions (128 @7, up 2x, 64 @14, 64 @14, up 2x, 32 @28, 32 @28), each with its own
/// style input, demodulated, then bias + leaky ReLU 0.2 x sqrt(2) -> a modulated 1x1 convolution
/// to one channel (sixth style input, not demodulated) + bias -> tanh. Output `[N, 1, 28, 28]`
/// in [-1, 1], white garment on black as in Fashion-MNIST. Every training-time constant
/// (equalized learning rate, gains, embedding normalisation) is baked into the weights.
///
/// Each layer takes its own style vector, so styles can be mixed: the first layers (coarse:
/// silhouette, class) from one vector, the rest (fine: texture, shading) from another.
public struct StyleGenerator: Sendable {
    /// Size of the latent `z`.
    public static let latentSize = 64
    /// Size of a style vector `w`.
    public static let styleSize = 128
    /// Style inputs: one per modulated convolution, plus the output layer.
    public static let styleInputs = 6
    /// Garment classes (the Fashion-MNIST classes, ``GarmentClassifier/classNames``).
    public static let classCount = 10
    /// Edge length of the square output, in pixels.
    public static let imageSide = 28
    /// Crossover used by style mixing unless asked otherwise: layers `0..<2` (7x7 and the first
    /// 14x14 convolution) take the coarse style.
    public static let defaultCrossover = 2

    /// Images per synthesis pass inside ``synthesize(styles:)``: each layer of a pass is one
    /// GEMM over all its images' pixels; 8 images keep the largest unfolded input (9 x 128
    /// rows x 8 x 49 columns, 1.8 MB) near the L2 cache. Measured with `generator-bench` at
    /// batch 64: 8 gave 465 images/s, 16 gave 430, 64 gave 426 (Haswell kernel, 1 thread).
    static let chunkSize = 8

    private struct Linear: Sendable {
        var weight: Tensor
        var bias: Tensor
    }

    private struct ModulatedLayer: Sendable {
        var affine: Linear
        var weight: Tensor
        var bias: [Float]
        var upsample: Bool
        var demodulate: Bool
        var padding: Int
    }

    private let embedding: Tensor
    private let mappingLayers: [Linear]
    private let classMeanStyles: Tensor
    private let constant: Tensor
    private let layers: [ModulatedLayer]
    private let output: ModulatedLayer
    /// The weights file's `__metadata__` (architecture, training command, metrics).
    public let metadata: [String: String]

    /// Loads the generator from a safetensors file.
    /// - Parameter path: The weights file, e.g. ``bundledWeightsPath``.
    /// - Throws: ``SafetensorsError`` for an unreadable or corrupt file, ``StyleGeneratorError``
    ///   when a tensor is missing or has the wrong shape.
    public init(weightsAt path: String) throws {
        let file = try SafetensorsFile(contentsOf: path)
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
            let loaded = try file.tensor(named: name)
            guard loaded.shape == shape else {
                throw StyleGeneratorError.unexpectedShape(name: name, expected: shape, found: loaded.shape)
            }
            return loaded
        }
        func linear(_ prefix: String, out: Int, in inputs: Int) throws -> Linear {
            Linear(weight: try tensor("\(prefix).weight", [out, inputs]), bias: try tensor("\(prefix).bias", [out]))
        }
        let latent = Self.latentSize, style = Self.styleSize
        embedding = try tensor("mapping.embed", [Self.classCount, latent])
        mappingLayers = try (0..<3).map { index in
            try linear("mapping.fc\(index)", out: style, in: index == 0 ? 2 * latent : style)
        }
        classMeanStyles = try tensor("mapping.w_avg", [Self.classCount, style])
        constant = try tensor("synthesis.const", [128, 7, 7])
        let shapes: [(inputs: Int, outputs: Int, upsample: Bool)] = [
            (128, 128, false), (128, 64, true), (64, 64, false), (64, 32, true), (32, 32, false),
        ]
        layers = try shapes.enumerated().map { index, shape in
            let prefix = "synthesis.layer\(index)"
            return ModulatedLayer(
                affine: try linear("\(prefix).affine", out: shape.inputs, in: style),
                weight: try tensor("\(prefix).weight", [shape.outputs, shape.inputs, 3, 3]),
                bias: try tensor("\(prefix).bias", [shape.outputs]).scalars,
                upsample: shape.upsample, demodulate: true, padding: 1)
        }
        output = ModulatedLayer(
            affine: try linear("synthesis.to_image.affine", out: 32, in: style),
            weight: try tensor("synthesis.to_image.weight", [1, 32, 1, 1]),
            bias: try tensor("synthesis.to_image.bias", [1]).scalars,
            upsample: false, demodulate: false, padding: 0)
        metadata = file.metadata
    }

    /// The weights committed with the library (`Resources/style-generator.safetensors`).
    public static var bundledWeightsPath: String? {
        Bundle.module.url(forResource: "style-generator", withExtension: "safetensors")?.path
    }

    /// Loads the committed weights, or those at `STYLECAST_GENERATOR_WEIGHTS` when that is set.
    /// - Throws: As ``init(weightsAt:)``; ``StyleGeneratorError/bundledWeightsMissing``.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> StyleGenerator
    {
        if let path = environment["STYLECAST_GENERATOR_WEIGHTS"], !path.isEmpty {
            return try StyleGenerator(weightsAt: path)
        }
        guard let path = bundledWeightsPath else { throw StyleGeneratorError.bundledWeightsMissing }
        return try StyleGenerator(weightsAt: path)
    }

    /// Standard-normal latents for a seed: the same seed gives the same latents on every run
    /// (SplitMix64 uniforms through Box-Muller).
    /// - Parameters:
    ///   - seed: The seed.
    ///   - count: Latents wanted.
    /// - Returns: `[count, 64]`.
    public static func latents(seed: UInt64, count: Int) -> Tensor {
        var generator = SplitMix64(seed: seed)
        var values = [Float]()
        values.reserveCapacity(count * latentSize)
        while values.count < count * latentSize {
            // 1 - u keeps the logarithm's argument in (0, 1].
            let radius = (-2 * Foundation.log(1 - generator.nextUnit())).squareRoot()
            let angle = 2 * Double.pi * generator.nextUnit()
            values.append(Float(radius * Foundation.cos(angle)))
            values.append(Float(radius * Foundation.sin(angle)))
        }
        // The count is exact by construction.
        return try! Tensor(shape: [count, latentSize], values: values.prefix(count * latentSize))
    }

    /// Style vectors from latents and classes (the mapping network).
    /// - Parameters:
    ///   - latents: `[N, 64]`.
    ///   - classes: N class indices in `0..<10`.
    ///   - truncation: `psi`: 1 keeps `w`; below 1 pulls it towards the class's mean style
    ///     (more typical, less varied garments).
    /// - Returns: `[N, 128]`.
    /// - Throws: ``StyleGeneratorError`` for a bad class or count, `TensorError` for a bad shape.
    public func styles(latents: Tensor, classes: [Int], truncation: Float = 1) throws -> Tensor {
        let count = classes.count
        guard latents.shape == [count, Self.latentSize] else {
            throw StyleGeneratorError.latentShape(expected: [count, Self.latentSize], found: latents.shape)
        }
        if let bad = classes.first(where: { !(0..<Self.classCount).contains($0) }) {
            throw StyleGeneratorError.classOutOfRange(bad)
        }
        var normalised = latents.scalars
        for row in 0..<count {
            let range = (row * Self.latentSize)..<((row + 1) * Self.latentSize)
            let meanSquare = normalised[range].reduce(0) { $0 + $1 * $1 } / Float(Self.latentSize)
            let scale = 1 / (meanSquare + 1e-8).squareRoot()
            for index in range { normalised[index] *= scale }
        }
        var x = try Tensor.concatenated(
            [try Tensor(shape: [count, Self.latentSize], values: normalised), try embedding.embedding(indices: classes)],
            axis: 1)
        for layer in mappingLayers {
            x = try x.linear(weight: layer.weight, bias: layer.bias).mapped { $0 >= 0 ? $0 : 0.2 * $0 }
        }
        guard truncation != 1 else { return x }
        let means = try classMeanStyles.embedding(indices: classes)
        return try means + (try x - means) * truncation
    }

    /// Images from one style vector per layer (the synthesis network).
    /// - Parameter styles: ``styleInputs`` tensors `[N, 128]`, coarse (first) to fine (last).
    /// - Returns: `[N, 1, 28, 28]` in [-1, 1].
    /// - Throws: ``StyleGeneratorError/styleCount(_:)`` or a `TensorError` for bad shapes.
    public func synthesize(styles: [Tensor]) throws -> Tensor {
        guard styles.count == Self.styleInputs else { throw StyleGeneratorError.styleCount(styles.count) }
        let count = styles[0].shape.first ?? 0
        guard count <= Self.chunkSize else {
            // Large batches run in chunks so that each layer's activations stay in cache.
            var chunks: [Tensor] = []
            for start in stride(from: 0, to: count, by: Self.chunkSize) {
                let size = Swift.min(Self.chunkSize, count - start)
                chunks.append(try synthesize(styles: try styles.map { try $0.slice(from: start, count: size) }))
            }
            return try Tensor.concatenated(chunks, axis: 0)
        }
        var x = try Tensor(
            shape: [count, 128, 7, 7], values: Array([[Float]](repeating: constant.scalars, count: count).joined()))
        for (layer, style) in zip(layers, styles) {
            x = try modulate(x, layer: layer, style: style, activate: true)
        }
        return try modulate(x, layer: output, style: styles[Self.styleInputs - 1], activate: false).tanh()
    }

    /// Garments of the given classes from latents: the same style at every layer.
    /// - Parameters:
    ///   - latents: `[N, 64]`.
    ///   - classes: N class indices.
    ///   - truncation: See ``styles(latents:classes:truncation:)``.
    /// - Returns: `[N, 1, 28, 28]` in [-1, 1].
    public func generate(latents: Tensor, classes: [Int], truncation: Float = 1) throws -> Tensor {
        let w = try styles(latents: latents, classes: classes, truncation: truncation)
        return try synthesize(styles: [Tensor](repeating: w, count: Self.styleInputs))
    }

    /// Style mixing: layers before `crossover` take `coarse`, the others `fine`.
    /// - Parameters:
    ///   - coarse: `[N, 128]` styles for the coarse layers (shape, class).
    ///   - fine: `[N, 128]` styles for the fine layers (texture, shading).
    ///   - crossover: `1...5`; ``defaultCrossover`` unless asked otherwise.
    /// - Returns: `[N, 1, 28, 28]` in [-1, 1].
    public func mix(coarse: Tensor, fine: Tensor, crossover: Int = defaultCrossover) throws -> Tensor {
        guard (1..<Self.styleInputs).contains(crossover) else { throw StyleGeneratorError.crossover(crossover) }
        return try synthesize(styles: (0..<Self.styleInputs).map { $0 < crossover ? coarse : fine })
    }

    /// One modulated layer: per-sample style from `w`, 2x nearest upsampling where the layer
    /// has it (fused into the convolution), modulated convolution, bias, and for the hidden
    /// layers leaky ReLU 0.2 times sqrt(2).
    private func modulate(_ x: Tensor, layer: ModulatedLayer, style w: Tensor, activate: Bool) throws -> Tensor {
        let style = try w.linear(weight: layer.affine.weight, bias: layer.affine.bias)
        let convolved =
            layer.upsample
            ? try x.upsampledModulatedConv2d(weight: layer.weight, style: style, demodulate: layer.demodulate)
            : try x.modulatedConv2d(
                weight: layer.weight, style: style, demodulate: layer.demodulate,
                padding: Size2D(layer.padding, layer.padding))
        let channels = layer.bias.count
        let area = convolved.shape[2] * convolved.shape[3]
        let bias = layer.bias
        var values = convolved.scalars
        values.withUnsafeMutableBufferPointer { buffer in
            for plane in 0..<(buffer.count / area) {
                let b = bias[plane % channels]
                let base = plane * area
                if activate {
                    for index in base..<(base + area) {
                        let v = buffer[index] + b
                        buffer[index] = (v >= 0 ? v : 0.2 * v) * 1.414_213_6
                    }
                } else {
                    for index in base..<(base + area) { buffer[index] += b }
                }
            }
        }
        return try Tensor(shape: convolved.shape, values: values)
    }
}

/// Why the generator cannot load or run.
public enum StyleGeneratorError: StylecastError, Equatable {
    /// A weight has another shape than the architecture needs.
    case unexpectedShape(name: String, expected: [Int], found: [Int])
    /// The weights committed with the library are not in the built bundle.
    case bundledWeightsMissing
    /// Latents are not `[N, 64]` for N classes.
    case latentShape(expected: [Int], found: [Int])
    /// A class index outside `0..<10`.
    case classOutOfRange(Int)
    /// Not one style per style input.
    case styleCount(Int)
    /// A crossover outside `1...5`.
    case crossover(Int)

    public var failureKind: FailureKind {
        switch self {
        case .bundledWeightsMissing: .unavailable
        default: .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .unexpectedShape(let name, let expected, let found):
            "generator weights \(name): expected shape \(expected), found \(found)"
        case .bundledWeightsMissing:
            "the generator weights are missing from the StylecastVision bundle; set STYLECAST_GENERATOR_WEIGHTS"
        case .latentShape(let expected, let found):
            "latents: expected shape \(expected), found \(found)"
        case .classOutOfRange(let value):
            "class: must be between 0 and \(StyleGenerator.classCount - 1), got \(value)"
        case .styleCount(let count):
            "styles: expected \(StyleGenerator.styleInputs) style inputs, got \(count)"
        case .crossover(let value):
            "crossover_layer: must be between 1 and \(StyleGenerator.styleInputs - 1), got \(value)"
        }
    }
}
