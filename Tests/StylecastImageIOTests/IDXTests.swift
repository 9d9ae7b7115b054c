import StylecastImageIO
import StylecastTestSupport
import Testing

let fashionDirectory = FashionMNIST.defaultDirectory

@Suite("IDX and Fashion-MNIST")
struct IDXTests {
    @Test("the real training split: 60,000 images, known labels and pixels, tensor scaled to [0, 1]")
    func trainSplit() throws {
        let train = try FashionMNIST(split: .train)
        #expect(train.count == 60_000)
        #expect(train.pixels.count == 60_000 * 784)
        #expect(Array(train.labels.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        let first = try train.image(at: 0)
        #expect(first.reduce(0) { $0 + Int($1) } == 76_247)
        #expect(first[14 * 28 + 14] == 217)
        #expect(Array(first[(10 * 28 + 13)..<(10 * 28 + 16)]) == [0xC1, 0xE4, 0xDA])
        #expect(try train.image(at: 1).reduce(0) { $0 + Int($1) } == 84_598)
        #expect(train.images[1] == (try train.image(at: 1)))
        let tensor = try train.imagesTensor(range: 0..<2)
        #expect(tensor.shape == [2, 1, 28, 28])
        #expect(tensor[0, 0, 14, 14] == Float(217) / 255)
        #expect(tensor.scalars.allSatisfy { (0...1).contains($0) })
        #expect(throws: ImageIOError.indexOutOfRange(index: 60_000, count: 60_000)) { try train.image(at: 60_000) }
    }

    @Test("the real test split: 10,000 images and known labels; ten class names")
    func testSplit() throws {
        let test = try FashionMNIST(split: .test)
        #expect(test.count == 10_000)
        #expect(Array(test.labels.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        #expect(try test.image(at: 0)[14 * 28 + 14] == 110)
        #expect(try test.imagesTensor().shape == [10_000, 1, 28, 28])
        #expect(FashionMNIST.classNames.count == 10)
        #expect(FashionMNIST.classNames[0] == "T-shirt/top")
        #expect(FashionMNIST.classNames[9] == "Ankle boot")
    }

    @Test("a plain IDX file parses: magic, dimensions, values")
    func plainIDX() throws {
        let file = try IDXFile(bytes: [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6])
        #expect(file.magic == 0x0000_0802)
        #expect(file.dimensions == [2, 3])
        #expect(file.values == [1, 2, 3, 4, 5, 6])
    }

    @Test(
        "corrupt IDX files are refused with exact typed errors",
        arguments: [
            ([UInt8]([0, 0, 8]), nil, ImageIOError.idxTooShort(byteCount: 3)),
            ([1, 0, 8, 1, 0, 0, 0, 1, 7], nil, .idxBadMagic(found: 0x0100_0801, expected: nil)),
            ([0, 0, 8, 0], nil, .idxBadMagic(found: 0x0000_0800, expected: nil)),
            ([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], nil, .idxUnsupportedDataType(code: 0x0D)),
            ([0, 0, 8, 1, 0, 0, 0, 1, 7], 0x0000_0803, .idxBadMagic(found: 0x0000_0801, expected: 0x0000_0803)),
            ([0, 0, 8, 3, 0, 0, 0, 1], nil, .idxTooShort(byteCount: 8)),
            ([0, 0, 8, 1, 0, 0, 0, 3, 7, 7], nil, .idxByteCountMismatch(expected: 3, actual: 2)),
            ([0, 0, 8, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], nil, .idxBadDimensions([4_294_967_295, 4_294_967_295])),
        ] as [([UInt8], UInt32?, ImageIOError)])
    func corruptIDX(bytes: [UInt8], expectedMagic: UInt32?, expected: ImageIOError) {
        #expect(throws: expected) { try IDXFile(bytes: bytes, expectedMagic: expectedMagic) }
    }

    @Test("a truncated gzip file is a decompression error; output over the bound is refused")
    func gzipFailures() throws {
        let gzipped = try readFile("\(fashionDirectory)/t10k-labels-idx1-ubyte.gz")
        #expect(Gzip.isGzip(gzipped))
        #expect(try Gzip.decompress(gzipped).count == 10_008)
        #expect(throws: ImageIOError.decompressionFailed(reason: "unexpected end of compressed data")) {
            try IDXFile(bytes: Array(gzipped.prefix(gzipped.count / 2)))
        }
        #expect(throws: ImageIOError.decompressedTooLarge(limit: 1000)) {
            try Gzip.decompress(gzipped, maximumByteCount: 1000)
        }
    }

    @Test("a directory without the data set is unavailable, naming the file")
    func missingDirectory() {
        #expect(throws: ImageIOError.cannotRead(path: "/nonexistent/train-images-idx3-ubyte.gz", errno: 2)) {
            try FashionMNIST(split: .train, directory: "/nonexistent")
        }
        #expect(ImageIOError.cannotRead(path: "", errno: 2).failureKind == .unavailable)
    }
}
