import Foundation
import StylecastTensor
import StylecastVision

/// A procedural surface pattern: the colour at each point of the design, from the palette.
///
/// Coordinates are output pixels; each pattern's period is a fraction of the image size, so a
/// design looks the same at every size. The seed chooses the stripe direction, the phase of
/// every grid and the placement of the flowers, so one seed always gives the same surface.
struct PatternField: Sendable {
    private let pattern: DesignPattern
    private let colors: [SIMD3<Float>]
    private let period: Float
    private let direction: (cos: Float, sin: Float)
    private let offset: (x: Float, y: Float)
    private let seed: UInt64

    /// - Parameters:
    ///   - pattern: The pattern.
    ///   - palette: Its colours, base first (at least two).
    ///   - size: The edge length of the image, in pixels.
    ///   - seed: Chooses direction, phase and flower placement.
    init(pattern: DesignPattern, palette: DesignPalette, size: Int, seed: UInt64) {
        self.pattern = pattern
        colors = palette.swatches.map { Self.vector($0.color) }
        let divisions: Float =
            switch pattern {
            case .none: 1
            case .stripes: 9
            case .checks: 7
            case .dots: 10
            case .geometric: 6
            case .floral: 5
            }
        period = Float(size) / divisions
        var random = SplitMix64(seed: seed ^ 0x5061_7474_6572_6E21)
        let angles: [Float] = [0, .pi / 2, .pi / 4, -.pi / 4]
        let angle = angles[Int(random.next() % UInt64(angles.count))]
        direction = (Foundation.cos(angle), Foundation.sin(angle))
        offset = (Float(random.nextUnit()) * period, Float(random.nextUnit()) * period)
        self.seed = random.next()
    }

    /// The colour at a point, sRGB in [0, 1].
    func color(x: Float, y: Float) -> SIMD3<Float> {
        let (base, accent) = (colors[0], colors[1])
        let third = colors.count > 2 ? colors[2] : accent
        let u = (x + offset.x) / period
        let v = (y + offset.y) / period
        switch pattern {
        case .none:
            return base
        case .stripes:
            let phase = Self.fraction(u * direction.cos + v * direction.sin)
            if phase < 0.5 { return base }
            return colors.count > 2 && phase > 0.85 ? third : accent
        case .checks:
            let across = Self.fraction(u) < 0.5
            let down = Self.fraction(v) < 0.5
            if across && down { return accent }
            return across != down ? (base + accent) * 0.5 : base
        case .dots:
            let row = (v).rounded(.down)
            let shifted = u + (Int(row) & 1 == 0 ? 0 : 0.5)
            let dx = Self.fraction(shifted) - 0.5
            let dy = Self.fraction(v) - 0.5
            guard dx * dx + dy * dy < 0.22 * 0.22 else { return base }
            return Int(shifted.rounded(.down) + row) & 1 == 0 ? accent : third
        case .geometric:
            let (cellU, cellV) = (u.rounded(.down), v.rounded(.down))
            let (fu, fv) = (u - cellU, v - cellV)
            if Swift.min(fu, 1 - fu, fv, 1 - fv) < 0.035 { return third == accent ? accent : third }
            let triangle = (fu > fv ? 1 : 0) + (fu + fv > 1 ? 2 : 0)
            let count = colors.count
            return colors[((Int(cellU) + 2 * Int(cellV) + triangle) % count + count) % count]
        case .floral:
            let (cellU, cellV) = (u.rounded(.down), v.rounded(.down))
            let cellKey = (UInt64(bitPattern: Int64(cellU)) &* 0x9E37_79B9) ^ (UInt64(bitPattern: Int64(cellV)) &* 0x85EB_CA6B)
            var random = SplitMix64(seed: seed ^ cellKey)
            let centre = (0.5 + Float(random.nextUnit() - 0.5) * 0.3, 0.5 + Float(random.nextUnit() - 0.5) * 0.3)
            let rotation = Float(random.nextUnit()) * 2 * .pi
            let dx = u - cellU - centre.0
            let dy = v - cellV - centre.1
            let radius = (dx * dx + dy * dy).squareRoot()
            let flower: Float = 0.34
            if radius < 0.09 { return third == accent ? Self.contrastCentre(accent) : third }
            let petal = flower * (0.45 + 0.55 * Swift.abs(Foundation.cos(2.5 * (Foundation.atan2(dy, dx) - rotation))))
            return radius < petal ? accent : base
        }
    }

    private static func fraction(_ value: Float) -> Float { value - value.rounded(.down) }

    /// A yellow-ish centre for two-colour flowers.
    private static func contrastCentre(_ accent: SIMD3<Float>) -> SIMD3<Float> {
        let gold = SIMD3<Float>(0.95, 0.78, 0.2)
        return (accent * 0.3 + gold * 0.7)
    }

    private static func vector(_ color: SRGBColor) -> SIMD3<Float> {
        SIMD3(Float(color.red), Float(color.green), Float(color.blue)) / 255
    }
}
