import StylecastImageIO
import StylecastVision

/// Turns a generated 28 x 28 greyscale garment into a coloured, patterned design of any size.
///
/// The generator draws a bright garment on black, as in Fashion-MNIST. The painter upsamples
/// it bilinearly into the middle of the image (``margin`` free on each side), takes a soft
/// garment mask from its brightness (`smoothstep(0.12, 0.32, t)` of the brightness `t` in
/// [0, 1]), keeps the brightness as shading (so folds and seams stay
/// visible), fills the mask with the pattern's colours and composites the garment over a light
/// background. Each output pixel averages 2 x 2 samples, so pattern and mask edges are smooth.
package struct GarmentPainter: Sendable {
    /// The background behind the garment, a light warm grey.
    package static let background = SRGBColor(red: 0xf4, green: 0xf2, blue: 0xef)

    /// The share of the edge left free on each side: Fashion-MNIST garments fill their frame,
    /// so the painter draws the 28 x 28 garment into the middle 84% of the image.
    package static let margin: Float = 0.08

    /// Creates a painter.
    package init() {}

    /// Paints one design.
    /// - Parameters:
    ///   - garment: The generator's output for one image: 784 values in [-1, 1], row-major.
    ///   - palette: The colours, base first.
    ///   - pattern: The surface pattern.
    ///   - size: The output edge length, in pixels.
    ///   - seed: The design's seed (pattern direction, phase, flower placement).
    /// - Returns: An RGB image `size` x `size`.
    package func paint(
        garment: [Float], palette: DesignPalette, pattern: DesignPattern, size: Int, seed: UInt64
    ) -> PNGImage {
        let side = StyleGenerator.imageSide
        precondition(garment.count == side * side && size > 0, "a 28 x 28 garment and a positive size")
        let brightness = garment.map { Swift.min(Swift.max(($0 + 1) / 2, 0), 1) }
        // Shading relative to the garment's bright parts, so dark garments are not painted
        // darker than their colour.
        let garmentPixels = brightness.filter { $0 > 0.2 }.sorted()
        let reference = garmentPixels.isEmpty ? 1 : Swift.max(garmentPixels[garmentPixels.count * 9 / 10], 0.3)
        let field = PatternField(pattern: pattern, palette: palette, size: size, seed: seed)
        let background = SIMD3<Float>(
            Float(Self.background.red), Float(Self.background.green), Float(Self.background.blue)) / 255
        // Output pixel x maps to garment pixel (x / size - margin) / (1 - 2 margin) * 28 - 0.5.
        let scale = Float(side) / (Float(size) * (1 - 2 * Self.margin))
        let shift = Self.margin * Float(size)
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            for x in 0..<size {
                var sum = SIMD3<Float>(0, 0, 0)
                for (sx, sy) in [(Float(0.25), Float(0.25)), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    let px = Float(x) + sx
                    let py = Float(y) + sy
                    let t = Self.bilinear(brightness, side: side, x: (px - shift) * scale - 0.5, y: (py - shift) * scale - 0.5)
                    let alpha = Self.smoothstep(0.12, 0.32, t)
                    let shade = 0.5 + 0.5 * Swift.min(t / reference, 1)
                    let color = field.color(x: px, y: py) * shade
                    sum += background * (1 - alpha) + color * alpha
                }
                let average = sum * 0.25 * 255
                let offset = (y * size + x) * 3
                pixels[offset] = UInt8(Swift.min(Swift.max(average.x.rounded(), 0), 255))
                pixels[offset + 1] = UInt8(Swift.min(Swift.max(average.y.rounded(), 0), 255))
                pixels[offset + 2] = UInt8(Swift.min(Swift.max(average.z.rounded(), 0), 255))
            }
        }
        // The size is positive and the buffer exactly size x size x 3.
        return try! PNGImage(width: size, height: size, format: .rgb, pixels: pixels)
    }

    /// The image's value at a real-valued position: bilinear inside, clamped within half a
    /// pixel of the edge, 0 (background) beyond.
    private static func bilinear(_ values: [Float], side: Int, x: Float, y: Float) -> Float {
        guard x > -0.5, y > -0.5, x < Float(side) - 0.5, y < Float(side) - 0.5 else { return 0 }
        let cx = Swift.min(Swift.max(x, 0), Float(side - 1))
        let cy = Swift.min(Swift.max(y, 0), Float(side - 1))
        let (x0, y0) = (Int(cx), Int(cy))
        let (x1, y1) = (Swift.min(x0 + 1, side - 1), Swift.min(y0 + 1, side - 1))
        let (fx, fy) = (cx - Float(x0), cy - Float(y0))
        let top = values[y0 * side + x0] * (1 - fx) + values[y0 * side + x1] * fx
        let bottom = values[y1 * side + x0] * (1 - fx) + values[y1 * side + x1] * fx
        return top * (1 - fy) + bottom * fy
    }

    private static func smoothstep(_ low: Float, _ high: Float, _ value: Float) -> Float {
        let t = Swift.min(Swift.max((value - low) / (high - low), 0), 1)
        return t * t * (3 - 2 * t)
    }
}
