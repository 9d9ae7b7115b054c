import Foundation
import StylecastVision

/// The colours of a design: the base colour of the garment first, then accents for the
/// pattern, with the lexicon colour names they came from.
package struct DesignPalette: Sendable, Equatable {
    /// One colour and the name it came from (`"navy"`, `"neon"`, `"contrast"`).
    package struct Swatch: Sendable, Equatable {
        /// The colour name: a lexicon colour value, or `"contrast"` for an added accent.
        package var name: String
        /// The colour.
        package var color: SRGBColor
    }

    /// The colours, base first; at least two (an accent is added when one colour is asked).
    package let swatches: [Swatch]

    /// The colours as `#rrggbb`, base first.
    package var hexColors: [String] { swatches.map(\.color.hex) }

    /// The most colours a design uses.
    package static let maximumColors = 3

    /// Fluorescent colours for `neon` (it names a finish, not one hue): green, pink, blue.
    static let neonColors = ["#39ff14", "#ff10f0", "#1f51ff"].compactMap { SRGBColor(hex: $0) }
    /// Colours for `multicolour`: red, saffron, teal.
    static let multicolourColors = ["#e63946", "#f4a261", "#2a9d8f"].compactMap { SRGBColor(hex: $0) }

    /// A palette from lexicon colour values, in the order given: each single colour is its
    /// ``ColorPalette/representativeSRGB`` shade, `neon` and `multicolour` expand to three
    /// colours each, unknown names are skipped, and at most ``maximumColors`` are kept. When
    /// only one colour remains, a contrasting accent (near-white on dark colours, near-black on
    /// light ones) is added so that a pattern stays visible.
    /// - Parameter colorNames: Lexicon colour values, e.g. `["red", "white"]`.
    /// - Returns: `nil` when none of the names is a colour.
    package init?(colorNames: [String]) {
        var swatches: [Swatch] = []
        for name in colorNames {
            let colors: [SRGBColor]
            switch name {
            case "neon": colors = Self.neonColors
            case "multicolour": colors = Self.multicolourColors
            default: colors = ColorPalette.representativeSRGB[name].map { [$0] } ?? []
            }
            for color in colors where !swatches.contains(where: { $0.color == color }) {
                swatches.append(Swatch(name: name, color: color))
            }
        }
        guard let base = swatches.first else { return nil }
        if swatches.count == 1 {
            swatches.append(Swatch(name: "contrast", color: Self.contrast(to: base.color)))
        }
        self.swatches = Array(swatches.prefix(Self.maximumColors))
    }

    /// Near-white for a dark colour, near-black for a light one (relative luminance 0.4).
    static func contrast(to color: SRGBColor) -> SRGBColor {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * linear(color.red) + 0.7152 * linear(color.green) + 0.0722 * linear(color.blue)
        return luminance > 0.4
            ? SRGBColor(red: 0x22, green: 0x22, blue: 0x2a) : SRGBColor(red: 0xf8, green: 0xf6, blue: 0xf0)
    }
}
