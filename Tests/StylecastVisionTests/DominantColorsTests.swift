import StylecastImageIO
import StylecastVision
import Testing

/// Synthetic garment images drawn here, pixel by pixel, plus one real Fashion-MNIST image.
@Suite("Dominant colours")
struct DominantColorsTests {
    static let white: [UInt8] = [255, 255, 255]
    static let red: [UInt8] = [255, 0, 0]
    static let navy: [UInt8] = [0, 0, 128]
    static let yellow: [UInt8] = [255, 255, 0]

    /// An image whose pixel at (x, y) is `pixel(x, y)` (`format.channels` bytes).
    static func image(
        width: Int, height: Int, format: PNGImage.Format = .rgb, pixel: (Int, Int) -> [UInt8]
    ) throws -> PNGImage {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(width * height * format.channels)
        for y in 0..<height {
            for x in 0..<width { bytes += pixel(x, y) }
        }
        return try PNGImage(width: width, height: height, format: format, pixels: bytes)
    }

    /// A T-shirt silhouette in a 120 x 120 frame: body, sleeves, and a round neckline cut out.
    static func isShirt(x: Int, y: Int) -> Bool {
        let body = (35..<85).contains(x) && (30..<110).contains(y)
        let sleeves = (15..<105).contains(x) && (30..<55).contains(y)
        let neck = (x - 60) * (x - 60) + (y - 30) * (y - 30) < 100
        return (body || sleeves) && !neck
    }

    @Test("a red T-shirt on white is one colour, pure red, named red, covering the whole garment")
    func redShirtOnWhite() throws {
        let shirt = try Self.image(width: 120, height: 120) { x, y in Self.isShirt(x: x, y: y) ? Self.red : Self.white }
        let colors = DominantColors.extract(from: shirt)
        #expect(colors.map(\.name) == ["red"])
        #expect(colors.map(\.hex) == ["#ff0000"])
        #expect(colors.map(\.share) == [1])
    }

    @Test(
        "navy and yellow stripes 70/30 come back as two colours with shares 0.7 and 0.3",
        arguments: [
            // (width, height, margin around the garment, vertical stripes)
            (140, 140, 20, true),  // a striped garment on white, every pixel read
            (140, 140, 0, false),  // stripes to the edge: the border is no uniform background
            (1000, 800, 100, true),  // more pixels than the mask reads: the strided read
        ])
    func stripes(width: Int, height: Int, margin: Int, vertical: Bool) throws {
        let period = width >= 1000 ? 20 : 10
        let image = try Self.image(width: width, height: height) { x, y in
            let inGarment = (margin..<(width - margin)).contains(x) && (margin..<(height - margin)).contains(y)
            guard inGarment else { return Self.white }
            let position = (vertical ? x - margin : y - margin) % period
            return position < period * 7 / 10 ? Self.navy : Self.yellow
        }
        let colors = DominantColors.extract(from: image)
        #expect(colors.map(\.name) == ["navy", "yellow"])
        #expect(colors.map(\.hex) == ["#000080", "#ffff00"])
        #expect(abs((colors.first?.share ?? 0) - 0.7) <= 0.05, "\(colors)")
        #expect(abs((colors.last?.share ?? 0) - 0.3) <= 0.05, "\(colors)")
    }

    @Test("on a transparent background only the opaque garment counts, whatever the hidden pixels hold")
    func transparentBackground() throws {
        let garment = try Self.image(width: 64, height: 64, format: .rgba) { x, y in
            let inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) * 2 < 500
            return inside ? Self.navy + [255] : [0, 255, 0, 0]  // transparent pixels hold bright green
        }
        let colors = DominantColors.extract(from: garment)
        #expect(colors.map(\.name) == ["navy"])
        #expect(colors.map(\.hex) == ["#000080"])
        #expect(colors.map(\.share) == [1])

        // A grey garment there is greyscale: the hidden green is not colour.
        let grey = try Self.image(width: 64, height: 64, format: .rgba) { x, _ in
            x < 32 ? [90, 90, 90, 255] : [0, 255, 0, 0]
        }
        #expect(!DominantColors.isColourImage(grey))
        #expect(DominantColors.extract(from: grey).isEmpty)
    }

    @Test("a Fashion-MNIST garment is greyscale, as a grey PNG and as RGB, and has no dominant colours")
    func fashionMNISTIsGrey() throws {
        let test = try FashionMNIST(split: .test)
        let pixels = try test.image(at: 0)
        let side = FashionMNIST.imageSide
        let grey = try PNGImage(width: side, height: side, format: .grey, pixels: pixels)
        let rgb = try PNGImage(width: side, height: side, format: .rgb, pixels: pixels.flatMap { [$0, $0, $0] })
        #expect(pixels.contains { $0 > 100 }, "the image has a garment")
        #expect(!DominantColors.isColourImage(grey))
        #expect(!DominantColors.isColourImage(rgb))
        #expect(DominantColors.extract(from: grey).isEmpty)
        #expect(DominantColors.extract(from: rgb).isEmpty)

        // Tinted red, the same garment is a colour image (the black background is removed).
        let tinted = try PNGImage(
            width: side, height: side, format: .rgb, pixels: pixels.flatMap { [$0, $0 / 4, $0 / 4] })
        #expect(DominantColors.isColourImage(tinted))
        #expect(!DominantColors.extract(from: tinted).isEmpty)
    }

    @Test("the same image gives identical colours every time, also after a PNG round trip")
    func deterministic() throws {
        // A hue sweep: no obvious clusters, so the result depends on the k-means++ draws.
        let sweep = try Self.image(width: 200, height: 150) { x, y in
            let t = Double(x) / 199
            let value = 255 - y / 2
            return [
                UInt8(Double(value) * (1 - t)), UInt8(Double(value) * (1 - abs(2 * t - 1))), UInt8(Double(value) * t),
            ]
        }
        let first = DominantColors.extract(from: sweep)
        let second = DominantColors.extract(from: sweep)
        let decoded = DominantColors.extract(from: try PNGImage(pngData: try sweep.pngData()))
        #expect(first.count == 5)
        #expect(first == second)
        #expect(first == decoded)
        #expect(abs(first.map(\.share).reduce(0, +) - 1) < 1e-9)
        #expect(zip(first, first.dropFirst()).allSatisfy { $0.share >= $1.share })
    }

    @Test(
        "a single-colour image, even 1x1 or all background (which falls back to every pixel), is that one colour",
        arguments: [(1, 1, [200, 30, 40] as [UInt8], "#c81e28", "red"), (50, 40, [0, 0x47, 0xAB], "#0047ab", "blue")])
    func singleColour(width: Int, height: Int, rgb: [UInt8], hex: String, name: String) throws {
        let image = try Self.image(width: width, height: height) { _, _ in rgb }
        let colors = DominantColors.extract(from: image)
        #expect(colors.map(\.hex) == [hex])
        #expect(colors.map(\.share) == [1])
        #expect(colors.map(\.name) == [name])
    }

    @Test("maxColors bounds the number of colours; below 1 there are none")
    func maxColors() throws {
        let blocks: [[UInt8]] = [[255, 0, 0], [0, 0, 128], [255, 255, 0], [0, 128, 0], [128, 0, 128], [255, 165, 0]]
        let image = try Self.image(width: 140, height: 100) { x, y in
            guard (20..<120).contains(x), (20..<80).contains(y) else { return Self.white }
            return blocks[(x - 20) * blocks.count / 100]
        }
        #expect(DominantColors.extract(from: image, maxColors: 6).count == 6)
        let three = DominantColors.extract(from: image, maxColors: 3)
        #expect(three.count == 3)
        #expect(abs(three.map(\.share).reduce(0, +) - 1) < 1e-9)
        #expect(DominantColors.extract(from: image, maxColors: 0).isEmpty)
    }

    @Test("two shades closer than the merge distance are one colour; farther apart they stay two")
    func merging() throws {
        func halves(_ left: [UInt8], _ right: [UInt8]) throws -> [DominantColor] {
            let image = try Self.image(width: 100, height: 100) { x, y in
                guard (10..<90).contains(x), (10..<90).contains(y) else { return Self.white }
                return x < 50 ? left : right
            }
            return DominantColors.extract(from: image)
        }
        let close = try halves([255, 0, 0], [245, 0, 0])  // ΔE76 about 3
        #expect(close.count == 1)
        #expect(close.first?.share == 1)
        let apart = try halves([255, 0, 0], [200, 0, 0])  // ΔE76 about 14
        #expect(apart.count == 2)
    }
}

extension DominantColorsTests {
    @Test("cream and light grey parts of a garment on white are garment, not background")
    func paleGarmentOnWhite() throws {
        let image = try Self.image(width: 100, height: 100) { x, y in
            guard (20..<80).contains(x), (20..<80).contains(y) else { return Self.white }
            return x < 50 ? [0xFF, 0xFD, 0xD0] : [0xE0, 0xE0, 0xE0]
        }
        let colors = DominantColors.extract(from: image)
        #expect(colors.map(\.name).sorted() == ["cream", "white"])  // #e0e0e0 is nearer white than silver
        #expect(colors.map(\.hex).sorted() == ["#e0e0e0", "#fffdd0"])
        #expect(colors.map(\.share) == [0.5, 0.5])
    }
}
