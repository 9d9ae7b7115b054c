import StylecastImageIO
import StylecastTensor
import StylecastTestSupport
import Testing

/// The pixel formula of scripts/fixtures/make_png_fixtures.py.
func fixturePixels(channels: Int) -> [UInt8] {
    var pixels: [UInt8] = []
    for y in 0..<5 {
        for x in 0..<7 {
            for c in 0..<channels {
                let value: Int = (x * 37 + y * 23 + c * 71 + x * y * 5) % 256
                pixels.append(UInt8(value))
            }
        }
    }
    return pixels
}

func fixturePalettePixels(alphas: [UInt8]?) -> [UInt8] {
    var pixels: [UInt8] = []
    for y in 0..<5 {
        for x in 0..<7 {
            let index: Int = (x + 2 * y) % 6
            pixels.append(UInt8((index * 50) % 256))
            pixels.append(UInt8((255 - index * 30) % 256))
            pixels.append(UInt8((index * index * 7) % 256))
            if let alphas { pixels.append(index < alphas.count ? alphas[index] : 255) }
        }
    }
    return pixels
}

struct PNGFixture: Sendable, CustomTestStringConvertible {
    var file: String
    var format: PNGImage.Format
    var pixels: [UInt8]
    var testDescription: String { file }
}

struct PNGErrorCase: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var expected: ImageIOError
    var testDescription: String { label }
}

/// Rows of one filter-type byte (0) and `width` grey bytes.
func greyRows(width: Int, height: Int, filter: UInt8 = 0) -> [UInt8] {
    (0..<height).flatMap { row in [filter] + (0..<width).map { UInt8(($0 + row) % 256) } }
}

let validGrey = PNGBytes.file([
    PNGBytes.header(width: 2, height: 2, colourType: 0), PNGBytes.chunk("IDAT", PNGBytes.zlibStored(greyRows(width: 2, height: 2))),
])

let pngErrorCases: [PNGErrorCase] = {
    var cases: [PNGErrorCase] = []
    func add(_ label: String, _ bytes: [UInt8], _ expected: ImageIOError) {
        cases.append(PNGErrorCase(label: label, bytes: bytes, expected: expected))
    }
    let idat = PNGBytes.chunk("IDAT", PNGBytes.zlibStored(greyRows(width: 2, height: 2)))
    add("bad signature", [137, 80, 78, 71, 13, 10, 26, 11] + validGrey.dropFirst(8), .pngBadSignature)
    add("empty input", [], .pngBadSignature)
    add("truncated inside IDAT", Array(validGrey.prefix(33 + 10)), .pngTruncatedChunk(offset: 33))
    var corrupted = validGrey
    corrupted[33 + 8 + 3] ^= 0xFF  // a byte of IDAT data
    let idatBody = Array(corrupted[(33 + 4)..<(33 + 8 + idat.count - 12)])
    add(
        "bad CRC in IDAT", corrupted,
        .pngBadCRC(chunk: "IDAT", stored: PNGBytes.crc32(Array(idat[4..<(idat.count - 4)])), computed: PNGBytes.crc32(idatBody)))
    add("chunk type not letters", PNGBytes.file([PNGBytes.chunk("IH1R", [])]), .pngBadChunkType(offset: 8))
    add("first chunk not IHDR", PNGBytes.file([idat]), .pngMissingChunk("IHDR"))
    add(
        "IHDR of 12 bytes", PNGBytes.file([PNGBytes.chunk("IHDR", Array(repeating: 1, count: 12)), idat]),
        .pngBadHeader(reason: "length 12, must be 13"))
    add(
        "zero width", PNGBytes.file([PNGBytes.header(width: 0, height: 2, colourType: 0), idat]),
        .pngBadHeader(reason: "size 0x2 must be 1 to 2^31 - 1 each way"))
    add(
        "colour type 5", PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 5), idat]),
        .pngBadHeader(reason: "colour type 5"))
    add(
        "RGB at 4 bits", PNGBytes.file([PNGBytes.header(width: 2, height: 2, depth: 4, colourType: 2), idat]),
        .pngBadHeader(reason: "bit depth 4 is not allowed for colour type 2"))
    add(
        "over 64 Mpixel", PNGBytes.file([PNGBytes.header(width: 10_000, height: 10_000, colourType: 0), idat]),
        .pngTooManyPixels(width: 10_000, height: 10_000, limit: PNGImage.maximumPixelCount))
    add("no IDAT", PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 0)]), .pngMissingChunk("IDAT"))
    add("no IEND", PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 0), idat], end: false), .pngMissingChunk("IEND"))
    add(
        "IDAT runs not consecutive",
        PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 0), idat, PNGBytes.chunk("tEXt", [65, 0, 66]), idat]),
        .pngChunkOutOfOrder(chunk: "IDAT", reason: "IDAT chunks must be consecutive"))
    add(
        "unknown critical chunk",
        PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 0), PNGBytes.chunk("ABCD", []), idat]),
        .pngUnknownCriticalChunk("ABCD"))
    add(
        "image data not zlib",
        PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 0), PNGBytes.chunk("IDAT", [1, 2, 3, 4])]),
        .decompressionFailed(reason: "incorrect header check"))
    add(
        "image data too short",
        PNGBytes.file([
            PNGBytes.header(width: 2, height: 2, colourType: 0),
            PNGBytes.chunk("IDAT", PNGBytes.zlibStored(greyRows(width: 2, height: 1))),
        ]),
        .pngImageDataSize(expected: 6, actual: 3))
    add(
        "image data too long",
        PNGBytes.file([
            PNGBytes.header(width: 2, height: 2, colourType: 0),
            PNGBytes.chunk("IDAT", PNGBytes.zlibStored(greyRows(width: 2, height: 3))),
        ]),
        .decompressedTooLarge(limit: 6))
    add(
        "filter type 7",
        PNGBytes.file([
            PNGBytes.header(width: 2, height: 2, colourType: 0),
            PNGBytes.chunk("IDAT", PNGBytes.zlibStored(greyRows(width: 2, height: 2, filter: 7))),
        ]),
        .pngBadFilterType(row: 0, type: 7))
    add(
        "palette image without PLTE", PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 3), idat]),
        .pngMissingChunk("PLTE"))
    add(
        "PLTE of 4 bytes",
        PNGBytes.file([PNGBytes.header(width: 2, height: 2, colourType: 3), PNGBytes.chunk("PLTE", [1, 2, 3, 4]), idat]),
        .pngBadPalette(reason: "PLTE length 4 must be 3 to 768 and a multiple of 3"))
    add(
        "palette index past the palette",
        PNGBytes.file([
            PNGBytes.header(width: 2, height: 2, colourType: 3), PNGBytes.chunk("PLTE", [1, 2, 3, 4, 5, 6]),
            PNGBytes.chunk("IDAT", PNGBytes.zlibStored([0, 0, 1, 0, 1, 5])),
        ]),
        .pngPaletteIndexOutOfRange(index: 5, paletteCount: 2))
    return cases
}()

@Suite("PNG")
struct PNGTests {
    @Test(
        "PNG files written by Python decode to the right pixels (every colour type, every filter)",
        arguments: [
            PNGFixture(file: "grey.png", format: .grey, pixels: fixturePixels(channels: 1)),
            PNGFixture(file: "grey_alpha.png", format: .greyAlpha, pixels: fixturePixels(channels: 2)),
            PNGFixture(file: "rgb.png", format: .rgb, pixels: fixturePixels(channels: 3)),
            PNGFixture(file: "rgba.png", format: .rgba, pixels: fixturePixels(channels: 4)),
            PNGFixture(file: "palette.png", format: .rgb, pixels: fixturePalettePixels(alphas: nil)),
            PNGFixture(file: "palette_trns.png", format: .rgba, pixels: fixturePalettePixels(alphas: [0, 64, 128, 192])),
        ])
    func pythonFixtures(_ fixture: PNGFixture) throws {
        let image = try PNGImage(contentsOf: try fixturePath(fixture.file, in: .module))
        #expect(image.width == 7)
        #expect(image.height == 5)
        #expect(image.format == fixture.format)
        #expect(image.pixels == fixture.pixels)
    }

    @Test("16-bit and interlaced files are refused as unsupported")
    func unsupported() throws {
        #expect(throws: ImageIOError.pngUnsupported(feature: "bit depth 16")) {
            try PNGImage(contentsOf: try fixturePath("grey16.png", in: .module))
        }
        #expect(throws: ImageIOError.pngUnsupported(feature: "Adam7 interlacing")) {
            try PNGImage(contentsOf: try fixturePath("interlaced.png", in: .module))
        }
    }

    @Test("each malformed PNG is refused with its exact typed error", arguments: pngErrorCases)
    func malformed(_ errorCase: PNGErrorCase) {
        #expect(throws: errorCase.expected) { try PNGImage(pngData: errorCase.bytes) }
        #expect(errorCase.expected.failureKind == .invalidInput)
    }

    @Test("the hand-built valid file decodes (the error cases differ from it in one rule)")
    func handBuilt() throws {
        let image = try PNGImage(pngData: validGrey)
        #expect(image.pixels == [0, 1, 1, 2])
    }

    @Test(
        "encoded images decode to the same pixels, for every format and filter",
        arguments: PNGImage.Format.allCases, [nil] + PNGFilterType.allCases.map(Optional.some))
    func roundTrip(format: PNGImage.Format, filter: PNGFilterType?) throws {
        let (width, height) = (13, 9)
        let count: Int = width * height * format.channels
        let pixels: [UInt8] = (0..<count).map { (index: Int) -> UInt8 in UInt8((index * 7919 + index / 5 * 31) % 256) }
        let image = try PNGImage(width: width, height: height, format: format, pixels: pixels)
        let data = try image.pngData(filter: filter)
        #expect(try PNGImage(pngData: data) == image)
    }

    @Test("a caller's pixel limit refuses a larger image from its header, before inflating it")
    func callerPixelLimit() throws {
        let image = try PNGImage(width: 40, height: 30, format: .rgba, pixels: [UInt8](repeating: 7, count: 40 * 30 * 4))
        let data = try image.pngData()
        #expect(throws: ImageIOError.pngTooManyPixels(width: 40, height: 30, limit: 1199)) {
            try PNGImage(pngData: data, maximumPixelCount: 1199)
        }
        #expect(try PNGImage(pngData: data, maximumPixelCount: 1200) == image)
        // A limit above the decoder's own is capped by it.
        #expect(try PNGImage(pngData: data, maximumPixelCount: .max) == image)
    }

    @Test("scaledDown(toFit:) averages the pixels each target pixel covers and keeps the format and aspect ratio")
    func scaledDown() throws {
        // 4 x 2 grey: two 2 x 2 blocks averaging 10 and 201 (rounded half up).
        let grey = try PNGImage(width: 4, height: 2, format: .grey, pixels: [0, 20, 200, 201, 10, 10, 202, 201])
        let half = grey.scaledDown(toFit: 2)
        #expect(half == (try PNGImage(width: 2, height: 1, format: .grey, pixels: [10, 201])))
        #expect(grey.scaledDown(toFit: 4) == grey)
        // 300 x 100 RGB of one colour: 256 x 85, every pixel the same colour.
        let wide = try PNGImage(
            width: 300, height: 100, format: .rgb, pixels: [UInt8]((0..<30_000).flatMap { _ in [200, 30, 40] as [UInt8] }))
        let fitted = wide.scaledDown(toFit: 256)
        #expect((fitted.width, fitted.height, fitted.format) == (256, 85, .rgb))
        #expect(Set(stride(from: 0, to: fitted.pixels.count, by: 3).map { fitted.pixels[$0..<($0 + 3)] }) == [[200, 30, 40]])
    }

    @Test("a file written to disk reads back")
    func writeAndRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("design.png")
        let image = try PNGImage(width: 2, height: 1, format: .rgb, pixels: [255, 0, 0, 0, 0, 255])
        try image.write(to: path)
        #expect(try PNGImage(contentsOf: path) == image)
        #expect(throws: ImageIOError.cannotRead(path: "/nonexistent.png", errno: 2)) {
            try PNGImage(contentsOf: "/nonexistent.png")
        }
    }

    @Test("a [C, H, W] tensor in [0, 1] becomes an image and back; bad shapes are typed errors")
    func tensors() throws {
        let values: [Float] = [0, 1, 2 / 255, 1.5, 0.5, -1]  // [3, 1, 2]: clamped, rounded
        let image = try PNGImage(tensor: try Tensor(shape: [3, 1, 2], values: values))
        #expect(image.format == .rgb)
        #expect(image.pixels == [0, 2, 128, 255, 255, 0])
        #expect(image.tensor().shape == [3, 1, 2])
        #expect(image.tensor().scalars == [0, 1, 2 / 255, 1, 128 / 255, 0])
        #expect(throws: ImageIOError.invalidImage(reason: "tensor shape [5, 1, 1] must be [1...4, height, width]")) {
            try PNGImage(tensor: Tensor(zeros: [5, 1, 1]))
        }
        #expect(throws: ImageIOError.invalidImage(reason: "1x1 grey needs 1 bytes, got 2")) {
            try PNGImage(width: 1, height: 1, format: .grey, pixels: [1, 2])
        }
    }
}
