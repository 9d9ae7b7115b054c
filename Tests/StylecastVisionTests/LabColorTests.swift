import StylecastVision
import Testing

@Suite("sRGB and CIELAB")
struct LabColorTests {
    /// Reference values: the CIE formulas with the IEC 61966-2-1 matrix and D65 white, as
    /// published colour calculators give them to two decimals.
    @Test(
        "sRGB colours convert to their published CIELAB coordinates",
        arguments: [
            ("#ff0000", 53.24, 80.09, 67.20),
            ("#00ff00", 87.73, -86.18, 83.18),
            ("#0000ff", 32.30, 79.19, -107.86),
            ("#ffffff", 100.0, 0.0, 0.0),
            ("#000000", 0.0, 0.0, 0.0),
            ("#777777", 50.03, 0.0, 0.0),
            ("#000080", 12.97, 47.50, -64.70),
        ])
    func knownValues(hex: String, l: Double, a: Double, b: Double) throws {
        let lab = LabColor(try #require(SRGBColor(hex: hex)))
        #expect(abs(lab.l - l) < 0.01, "L of \(hex) is \(lab.l)")
        #expect(abs(lab.a - a) < 0.01, "a of \(hex) is \(lab.a)")
        #expect(abs(lab.b - b) < 0.01, "b of \(hex) is \(lab.b)")
    }

    @Test("white is exactly L 100, a 0, b 0, and greys have no chroma")
    func whiteAndGreys() {
        let white = LabColor(red: 255, green: 255, blue: 255)
        #expect(abs(white.l - 100) < 1e-9 && abs(white.a) < 1e-9 && abs(white.b) < 1e-9)
        for value in [UInt8(1), 60, 119, 200, 254] {
            #expect(LabColor(red: value, green: value, blue: value).chroma < 1e-9)
        }
    }

    @Test("every grey and a grid of colours come back to the same 8-bit sRGB")
    func roundTrip() {
        for value in 0...255 {
            let grey = SRGBColor(red: UInt8(value), green: UInt8(value), blue: UInt8(value))
            #expect(LabColor(grey).srgb == grey)
        }
        let levels: [UInt8] = [0, 17, 51, 102, 128, 170, 204, 238, 255]
        for red in levels {
            for green in levels {
                for blue in levels {
                    let color = SRGBColor(red: red, green: green, blue: blue)
                    #expect(LabColor(color).srgb == color, "\(color)")
                }
            }
        }
    }

    @Test("Lab outside the sRGB gamut is clamped, not wrapped")
    func outOfGamut() {
        #expect(LabColor(l: 120, a: 0, b: 0).srgb.hex == "#ffffff")
        #expect(LabColor(l: -5, a: 0, b: 0).srgb.hex == "#000000")
        #expect(LabColor(l: 50, a: 120, b: 0).srgb.green == 0)
    }

    @Test("ΔE76 is the Euclidean distance in L*a*b*")
    func distance() {
        #expect(LabColor(l: 50, a: 3, b: 4).distance(to: LabColor(l: 50, a: 0, b: 0)) == 5)
        #expect(LabColor(l: 50, a: 3, b: 4).chroma == 5)
    }

    @Test("hex is #rrggbb in lower case, and parsing accepts only six hex digits")
    func hex() {
        #expect(SRGBColor(red: 0x1A, green: 0x2B, blue: 0x3C).hex == "#1a2b3c")
        #expect(SRGBColor(red: 0, green: 0, blue: 8).hex == "#000008")
        #expect(SRGBColor(hex: "#1A2b3C") == SRGBColor(red: 0x1A, green: 0x2B, blue: 0x3C))
        #expect(SRGBColor(hex: "000080") == SRGBColor(red: 0, green: 0, blue: 0x80))
        for bad in ["", "#12345", "#1234567", "#12345g", "#+12345", "##123456"] {
            #expect(SRGBColor(hex: bad) == nil, "\(bad)")
        }
    }
}
