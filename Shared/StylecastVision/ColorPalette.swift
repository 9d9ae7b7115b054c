import StylecastAttributes

/// Named colours for naming a measured colour: each name is a canonical colour value of the
/// attribute lexicon (`Lexicon.standard.values(of: .color)`), so colours seen in images and
/// colours read from text land in the same trend series.
///
/// ``standard`` reads the colour values from the lexicon at run time and pairs each with its
/// representative in ``representativeSRGB``; the values in ``notSingleColours`` have none.
public struct ColorPalette: Sendable {
    /// One named colour.
    public struct Entry: Sendable, Hashable {
        /// The canonical lexicon value, e.g. `"navy"`.
        public var name: String
        /// The representative colour.
        public var srgb: SRGBColor
        /// ``srgb`` in CIELAB.
        public var lab: LabColor
    }

    /// The entries, in the order they were given.
    public let entries: [Entry]

    /// A palette of named colours.
    /// - Parameter colors: Names and their representative colours; at least one.
    public init(_ colors: [(name: String, srgb: SRGBColor)]) {
        precondition(!colors.isEmpty, "a palette needs at least one colour")
        entries = colors.map { Entry(name: $0.name, srgb: $0.srgb, lab: LabColor($0.srgb)) }
    }

    /// The entry nearest to a colour by CIE76 ΔE; on a tie, the one given first.
    /// - Parameter color: The measured colour.
    public func nearest(to color: LabColor) -> Entry {
        var best = entries[0]
        var bestDistance = color.squaredDistance(to: best.lab)
        for entry in entries.dropFirst() {
            let distance = color.squaredDistance(to: entry.lab)
            if distance < bestDistance { (best, bestDistance) = (entry, distance) }
        }
        return best
    }

    /// The lexicon's colour values with a representative colour each, in the lexicon's sorted
    /// order; a value with no entry in ``representativeSRGB`` is left out (a test keeps the two
    /// lists in step).
    public static let standard = ColorPalette(
        Lexicon.standard.values(of: .color).compactMap { name in
            representativeSRGB[name].map { (name: name, srgb: $0) }
        })

    /// Lexicon colour values that are not one colour and so are never a measured colour's name:
    /// `"multicolour"` (several colours at once) and `"neon"` (a fluorescent finish of any hue).
    public static let notSingleColours: Set<String> = ["multicolour", "neon"]

    /// The representative sRGB colour of each single-colour lexicon value.
    ///
    /// Mostly the common web (CSS) or Wikipedia value of the name, moved toward the shade a
    /// garment of that name usually has where that value is an extreme: `red` is pigment red
    /// rather than #ff0000 (so that #c81e28 is red, not maroon), `blue` is cobalt rather than
    /// the fully saturated #0000ff, `peach` is coral (the lexicon files coral and salmon
    /// under it), `pink` is hot pink, `lavender` is lilac, `beige` is a sand beige rather than
    /// the near-white CSS beige. Checked by hand against about fifty named garment shades
    /// (sky blue still comes out `silver` and brick red `maroon`: CIE76 to one point per name
    /// is coarse).
    public static let representativeSRGB: [String: SRGBColor] = [
        "black": rgb(0x000000),
        "white": rgb(0xFFFFFF),
        "cream": rgb(0xFFFDD0),
        "grey": rgb(0x808080),
        "silver": rgb(0xC0C0C0),
        "navy": rgb(0x000080),
        "blue": rgb(0x0047AB),
        "teal": rgb(0x008080),
        "turquoise": rgb(0x40E0D0),
        "green": rgb(0x00A651),
        "olive": rgb(0x808000),
        "khaki": rgb(0xC3B091),
        "yellow": rgb(0xFFFF00),
        "mustard": rgb(0xE1AD01),
        "gold": rgb(0xD4AF37),
        "orange": rgb(0xFFA500),
        "peach": rgb(0xFF7F50),
        "red": rgb(0xED1C24),
        "maroon": rgb(0x800000),
        "pink": rgb(0xFF69B4),
        "magenta": rgb(0xC154C1),
        "purple": rgb(0x800080),
        "lavender": rgb(0xC8A2C8),
        "brown": rgb(0x964B00),
        "tan": rgb(0xD2B48C),
        "beige": rgb(0xD9C5A0),
        "bronze": rgb(0xCD7F32),
    ]

    private static func rgb(_ value: UInt32) -> SRGBColor {
        SRGBColor(red: UInt8(value >> 16), green: UInt8((value >> 8) & 0xFF), blue: UInt8(value & 0xFF))
    }
}
