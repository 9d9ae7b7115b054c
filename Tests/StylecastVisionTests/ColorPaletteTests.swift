import StylecastAttributes
import StylecastVision
import Testing

@Suite("Colour palette and the attribute lexicon")
struct ColorPaletteTests {
    static let lexiconColours = Set(Lexicon.standard.values(of: .color))

    @Test("every palette name is a canonical lexicon colour, and every single-colour value has an entry")
    func paletteMatchesLexicon() {
        let tableNames = Set(ColorPalette.representativeSRGB.keys)
        #expect(tableNames.subtracting(Self.lexiconColours).isEmpty, "not lexicon colours: \(tableNames.subtracting(Self.lexiconColours))")
        #expect(ColorPalette.notSingleColours.isSubset(of: Self.lexiconColours))
        #expect(tableNames.isDisjoint(with: ColorPalette.notSingleColours))
        let singleColours = Self.lexiconColours.subtracting(ColorPalette.notSingleColours)
        #expect(singleColours.subtracting(tableNames).isEmpty, "without a colour: \(singleColours.subtracting(tableNames))")
        #expect(Set(ColorPalette.standard.entries.map(\.name)) == singleColours)
        #expect(ColorPalette.standard.entries.count == 27)
    }

    @Test("each representative colour is named by its own entry")
    func representativesNameThemselves() {
        for entry in ColorPalette.standard.entries {
            #expect(ColorPalette.standard.nearest(to: entry.lab).name == entry.name)
        }
    }

    @Test(
        "common garment shades get the lexicon's name for them",
        arguments: [
            ("#1a1a1a", "black"), ("#fafafa", "white"), ("#36454f", "grey"), ("#800020", "maroon"),
            ("#1560bd", "blue"), ("#228b22", "green"), ("#c19a6b", "tan"), ("#7b3f00", "brown"),
            ("#f3e5ab", "cream"), ("#f28500", "orange"), ("#ff2400", "red"), ("#b87333", "bronze"),
        ])
    func commonShades(hex: String, name: String) throws {
        let lab = LabColor(try #require(SRGBColor(hex: hex)))
        #expect(ColorPalette.standard.nearest(to: lab).name == name)
    }
}
