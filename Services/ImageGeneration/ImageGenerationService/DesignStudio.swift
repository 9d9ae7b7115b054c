import StylecastImageIO
import StylecastTensor
import StylecastVision

/// One finished design.
package struct Design: Sendable {
    /// The PNG file.
    package var png: [UInt8]
    /// The class the generator was conditioned on.
    package var garmentClass: GarmentClass
    /// The seed that reproduces this design (`Generate` with count 1 and this seed).
    package var seed: UInt64
    /// The palette's colours, `#rrggbb`, base first.
    package var palette: [String]
    /// The pattern painted.
    package var pattern: DesignPattern
    /// Width and height, in pixels.
    package var size: Int
}

/// The core of the image-generation service: plans in, PNG designs out. Knows nothing of gRPC.
///
/// Design `i` of a request with seed `s` uses the seed `s + i` (wrapping): its latent is
/// ``StyleGenerator/latents(seed:count:)`` of that seed, and its pattern's direction and phase
/// come from it too, so the same request always gives the same images, and a design can be
/// redrawn alone with `count` 1 and its own seed.
package struct DesignStudio: Sendable {
    /// The truncation `psi` of served designs: styles pulled 30% toward their class's mean
    /// style, for typical garments (the evaluation reports both 1 and this value).
    package static let truncation: Float = 0.7

    private let generator: StyleGenerator
    private let painter = GarmentPainter()

    /// - Parameter generator: The loaded style generator.
    package init(generator: StyleGenerator) {
        self.generator = generator
    }

    /// Draws and paints designs.
    /// - Parameters:
    ///   - plans: One plan per design.
    ///   - seed: The first design's seed; design `i` uses `seed + i`.
    ///   - size: Output edge length, in pixels.
    /// - Returns: One design per plan, in order.
    package func designs(plans: [DesignPlan], seed: UInt64, size: Int) throws -> [Design] {
        guard !plans.isEmpty else { return [] }
        let seeds = plans.indices.map { seed &+ UInt64($0) }
        let latents = try Tensor.concatenated(seeds.map { StyleGenerator.latents(seed: $0, count: 1) }, axis: 0)
        let garments = try generator.generate(
            latents: latents, classes: plans.map(\.garmentClass.index), truncation: Self.truncation)
        return try zip(plans, seeds).enumerated().map { index, pair in
            let (plan, designSeed) = pair
            let png = painter.paint(
                garment: try garments.slice(from: index, count: 1).scalars, palette: plan.palette, pattern: plan.pattern,
                size: size, seed: designSeed)
            return Design(
                png: try png.pngData(), garmentClass: plan.garmentClass, seed: designSeed, palette: plan.palette.hexColors,
                pattern: plan.pattern, size: size)
        }
    }

    /// Style mixing: the coarse layers' style from design A, the fine layers' from design B.
    /// - Parameters:
    ///   - seedA: Design A's seed (its latent, and its class when `garmentClass` is nil).
    ///   - seedB: Design B's seed.
    ///   - crossover: Layers before it take A's style: `1...5`.
    ///   - garmentClass: The class of both designs; nil draws each in its seed's class
    ///     (``GarmentClass/init(seed:)``).
    ///   - size: Output edge length, in pixels.
    /// - Returns: The mix, then A, then B, each in ``DesignPlan/defaultPalette`` without pattern,
    ///   so that only shape and shading differ.
    package func mixedDesigns(
        seedA: UInt64, seedB: UInt64, crossover: Int, garmentClass: GarmentClass?, size: Int
    ) throws -> [Design] {
        let classA = garmentClass ?? GarmentClass(seed: seedA)
        let classB = garmentClass ?? GarmentClass(seed: seedB)
        let latents = try Tensor.concatenated(
            [StyleGenerator.latents(seed: seedA, count: 1), StyleGenerator.latents(seed: seedB, count: 1)], axis: 0)
        let styles = try generator.styles(latents: latents, classes: [classA.index, classB.index], truncation: Self.truncation)
        let styleA = try styles.slice(from: 0, count: 1)
        let styleB = try styles.slice(from: 1, count: 1)
        let mixed = try generator.mix(coarse: styleA, fine: styleB, crossover: crossover)
        let pure = try generator.mix(
            coarse: try Tensor.concatenated([styleA, styleB], axis: 0), fine: try Tensor.concatenated([styleA, styleB], axis: 0),
            crossover: crossover)
        let palette = DesignPlan.defaultPalette
        let images: [(Tensor, GarmentClass, UInt64)] = [
            (mixed, classA, seedA), (try pure.slice(from: 0, count: 1), classA, seedA),
            (try pure.slice(from: 1, count: 1), classB, seedB),
        ]
        return try images.map { image, garmentClass, seed in
            let png = painter.paint(garment: image.scalars, palette: palette, pattern: .none, size: size, seed: seed)
            return Design(
                png: try png.pngData(), garmentClass: garmentClass, seed: seed, palette: palette.hexColors, pattern: .none,
                size: size)
        }
    }
}
