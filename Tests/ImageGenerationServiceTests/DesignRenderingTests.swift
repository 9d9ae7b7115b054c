import ImageGenerationService
import StylecastImageIO
import StylecastVision
import Testing

@Suite("Design rendering: the generator's garments painted, encoded and reproducible")
struct DesignRenderingTests {
    static let studio: DesignStudio = {
        do {
            return DesignStudio(generator: try StyleGenerator.load())
        } catch {
            fatalError("the committed generator does not load: \(error)")
        }
    }()

    private func plan(_ garmentClass: GarmentClass, _ colors: [String], _ pattern: DesignPattern) -> DesignPlan {
        DesignPlan(garmentClass: garmentClass, palette: DesignPalette(colorNames: colors)!, pattern: pattern, attributes: [])
    }

    @Test("a plain design: background at the corners, the garment in its colour, shaded, in the middle")
    func plainDesign() throws {
        let designs = try Self.studio.designs(plans: [plan(.dress, ["red"], .none)], seed: 5, size: 112)
        let image = try PNGImage(pngData: try #require(designs.first).png)
        #expect(image.width == 112 && image.height == 112 && image.format == .rgb)
        func pixel(_ x: Int, _ y: Int) -> (Int, Int, Int) {
            let offset = (y * 112 + x) * 3
            return (Int(image.pixels[offset]), Int(image.pixels[offset + 1]), Int(image.pixels[offset + 2]))
        }
        let background = GarmentPainter.background
        #expect(pixel(0, 0) == (Int(background.red), Int(background.green), Int(background.blue)))
        #expect(pixel(111, 111) == (Int(background.red), Int(background.green), Int(background.blue)))
        // The dress covers the centre; red (#ed1c24) shaded between 50% and 100%.
        let centre = pixel(56, 56)
        #expect(centre.0 >= 118 && centre.0 <= 237 && centre.1 < 40 && centre.2 < 50, "centre \(centre)")
    }

    @Test("every pattern paints both palette colours inside the garment", arguments: DesignPattern.allCases.filter { $0 != .none })
    func patternsUseThePalette(pattern: DesignPattern) throws {
        let designs = try Self.studio.designs(plans: [plan(.pullover, ["blue", "yellow"], pattern)], seed: 11, size: 128)
        let image = try PNGImage(pngData: designs[0].png)
        var bluish = 0, yellowish = 0
        for offset in stride(from: 0, to: image.pixels.count, by: 3) {
            let (r, g, b) = (Int(image.pixels[offset]), Int(image.pixels[offset + 1]), Int(image.pixels[offset + 2]))
            if b > r + 40 && b > g + 20 { bluish += 1 }
            if r > b + 80 && g > b + 80 { yellowish += 1 }
        }
        #expect(bluish > 300 && yellowish > 300, "\(pattern): \(bluish) blue and \(yellowish) yellow pixels")
    }

    @Test("the same plans and seed give the same bytes; design i equals the single design of seed + i")
    func deterministic() throws {
        let plans = [plan(.coat, ["green"], .checks), plan(.bag, ["black", "gold"], .floral)]
        let first = try Self.studio.designs(plans: plans, seed: 100, size: 64)
        let second = try Self.studio.designs(plans: plans, seed: 100, size: 64)
        #expect(first.map(\.png) == second.map(\.png))
        let alone = try Self.studio.designs(plans: [plans[1]], seed: 101, size: 64)
        #expect(alone[0].png == first[1].png)
        #expect(first.map(\.seed) == [100, 101])
        let other = try Self.studio.designs(plans: plans, seed: 200, size: 64)
        #expect(other[0].png != first[0].png)
    }

    @Test("the painted silhouette is the generator's garment: >= 95% of its 28 x 28 pixels agree, every class")
    func paintingKeepsTheSilhouette() throws {
        let generator = try StyleGenerator.load()
        let (size, margin) = (100, 8)
        #expect(Int(GarmentPainter.margin * Float(size)) == margin)
        let inner = Float(size - 2 * margin)
        let background = GarmentPainter.background
        for garmentClass in GarmentClass.allCases {
            let seed = UInt64(500 + garmentClass.index)
            let design = try Self.studio.designs(plans: [plan(garmentClass, ["red"], .none)], seed: seed, size: size)[0]
            let image = try PNGImage(pngData: design.png)
            let garment = try generator.generate(
                latents: StyleGenerator.latents(seed: seed, count: 1), classes: [garmentClass.index],
                truncation: DesignStudio.truncation
            ).scalars
            var agreeing = 0
            for row in 0..<28 {
                for column in 0..<28 {
                    let brightness = (garment[row * 28 + column] + 1) / 2
                    let x = margin + Int((Float(column) + 0.5) * inner / 28)
                    let y = margin + Int((Float(row) + 0.5) * inner / 28)
                    let offset = (y * size + x) * 3
                    let painted = abs(Int(image.pixels[offset]) - Int(background.red)) > 30
                        || abs(Int(image.pixels[offset + 1]) - Int(background.green)) > 30
                        || abs(Int(image.pixels[offset + 2]) - Int(background.blue)) > 30
                    if painted == (brightness > 0.22) { agreeing += 1 }
                }
            }
            #expect(agreeing >= 745, "\(garmentClass): \(agreeing) of 784 pixels agree")
        }
    }
}
