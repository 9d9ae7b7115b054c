import Foundation

/// A colour in CIELAB (CIE 1976 L\*a\*b\*) under the D65 white point, converted from and to
/// sRGB with the exact IEC 61966-2-1 transfer function.
///
/// Euclidean distance in this space (``distance(to:)``, CIE76 ΔE) is roughly perceptual: about
/// 2.3 is a just-noticeable difference, and the dominant-colour clustering and naming use it.
public struct LabColor: Sendable, Hashable {
    /// Lightness, 0 (black) to 100 (white).
    public var l: Double
    /// Green (negative) to red (positive); about -86 to 98 for sRGB colours.
    public var a: Double
    /// Blue (negative) to yellow (positive); about -108 to 95 for sRGB colours.
    public var b: Double

    /// A colour from its coordinates.
    /// - Parameters:
    ///   - l: Lightness, 0 to 100.
    ///   - a: The green-red axis.
    ///   - b: The blue-yellow axis.
    public init(l: Double, a: Double, b: Double) {
        self.l = l
        self.a = a
        self.b = b
    }

    /// The CIELAB coordinates of an 8-bit sRGB colour.
    /// - Parameter srgb: The colour; white comes out as exactly L 100, a 0, b 0.
    public init(_ srgb: SRGBColor) {
        self.init(red: srgb.red, green: srgb.green, blue: srgb.blue)
    }

    /// The CIELAB coordinates of an 8-bit sRGB colour given by its channels.
    /// - Parameters:
    ///   - red: Red, 0 to 255.
    ///   - green: Green, 0 to 255.
    ///   - blue: Blue, 0 to 255.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        let r = Self.linearTable[Int(red)]
        let g = Self.linearTable[Int(green)]
        let b = Self.linearTable[Int(blue)]
        let m = Self.rgbToXYZ
        let x = (m[0] * r + m[1] * g + m[2] * b) / Self.white.x
        let y = (m[3] * r + m[4] * g + m[5] * b) / Self.white.y
        let z = (m[6] * r + m[7] * g + m[8] * b) / Self.white.z
        let (fx, fy, fz) = (Self.f(x), Self.f(y), Self.f(z))
        self.init(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// The nearest 8-bit sRGB colour: channels outside the sRGB gamut are clamped to [0, 1]
    /// before encoding, then rounded.
    public var srgb: SRGBColor {
        let fy = (l + 16) / 116
        let x = Self.white.x * Self.fInverse(fy + a / 500)
        let y = Self.white.y * Self.fInverse(fy)
        let z = Self.white.z * Self.fInverse(fy - b / 200)
        let m = Self.xyzToRGB
        return SRGBColor(
            red: Self.encoded(m[0] * x + m[1] * y + m[2] * z),
            green: Self.encoded(m[3] * x + m[4] * y + m[5] * z),
            blue: Self.encoded(m[6] * x + m[7] * y + m[8] * z))
    }

    /// Chroma C\*ab, the distance from the grey axis: 0 for greys, about 133 for sRGB blue.
    public var chroma: Double { (a * a + b * b).squareRoot() }

    /// The CIE76 colour difference ΔE\*ab: the Euclidean distance in L\*a\*b\*.
    /// - Parameter other: The other colour.
    public func distance(to other: LabColor) -> Double { squaredDistance(to: other).squareRoot() }

    /// ΔE\*ab squared, for comparisons that need no square root.
    func squaredDistance(to other: LabColor) -> Double {
        let (dl, da, db) = (l - other.l, a - other.a, b - other.b)
        return dl * dl + da * da + db * db
    }

    // MARK: - sRGB (IEC 61966-2-1) and CIELAB constants

    /// Linear-light RGB to XYZ for the sRGB primaries, row-major.
    private static let rgbToXYZ: [Double] = [
        0.4124564, 0.3575761, 0.1804375,
        0.2126729, 0.7151522, 0.0721750,
        0.0193339, 0.1191920, 0.9503041,
    ]
    /// The inverse of ``rgbToXYZ``, row-major.
    private static let xyzToRGB: [Double] = [
        3.2404542, -1.5371385, -0.4985314,
        -0.9692660, 1.8760108, 0.0415560,
        0.0556434, -0.2040259, 1.0572252,
    ]
    /// The D65 white point as the matrix maps sRGB white (X 0.95047, Y 1.0000001, Z 1.08883),
    /// so that white is exactly L 100, a 0, b 0 rather than off by rounding in the last digit.
    private static let white = (
        x: rgbToXYZ[0] + rgbToXYZ[1] + rgbToXYZ[2],
        y: rgbToXYZ[3] + rgbToXYZ[4] + rgbToXYZ[5],
        z: rgbToXYZ[6] + rgbToXYZ[7] + rgbToXYZ[8])

    /// The sRGB decoding of each 8-bit value to linear light: the 256 possible inputs computed
    /// once, so that converting a whole image costs no `pow` per pixel.
    private static let linearTable: [Double] = (0...255).map { value in
        let c = Double(value) / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    /// Linear light in [0, 1] (clamped) to an 8-bit sRGB value.
    private static func encoded(_ linear: Double) -> UInt8 {
        let c = min(max(linear, 0), 1)
        let v = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
        return UInt8((v * 255).rounded())
    }

    /// δ = 6/29: below δ³ CIELAB's cube root is replaced by a line that meets it smoothly.
    private static let delta = 6.0 / 29.0

    private static func f(_ t: Double) -> Double {
        t > delta * delta * delta ? cbrt(t) : t / (3 * delta * delta) + 4.0 / 29.0
    }

    private static func fInverse(_ t: Double) -> Double {
        t > delta ? t * t * t : 3 * delta * delta * (t - 4.0 / 29.0)
    }
}
