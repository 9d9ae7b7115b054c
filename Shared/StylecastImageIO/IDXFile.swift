/// An IDX file (the MNIST format) of unsigned bytes: a big-endian magic number
/// `0x0000 08 NN` (type 0x08 = unsigned byte, NN dimensions), NN big-endian 32-bit extents,
/// then the values in row-major order. Gzipped files are decompressed transparently.
public struct IDXFile: Equatable, Sendable {
    /// The largest payload accepted, in bytes (1 GiB).
    public static let maximumByteCount = 1 << 30

    /// The magic number, e.g. 0x00000803 for a 3-dimensional image file.
    public var magic: UInt32
    /// Extent of each axis, outermost first (e.g. `[60000, 28, 28]`).
    public var dimensions: [Int]
    /// The values, row-major; exactly the product of `dimensions`.
    public var values: [UInt8]

    /// Parses an IDX file held in memory.
    /// - Parameters:
    ///   - bytes: The file, plain or gzipped.
    ///   - expectedMagic: When given, the magic number the file must carry (e.g. 0x00000801
    ///     for labels), which fixes the number of dimensions.
    /// - Throws: ``ImageIOError`` for a corrupt or unexpected file.
    public init(bytes: [UInt8], expectedMagic: UInt32? = nil) throws(ImageIOError) {
        let plain = Gzip.isGzip(bytes)
            ? try Gzip.decompress(bytes, maximumByteCount: Self.maximumByteCount + 4 + 4 * 255) : bytes
        guard plain.count >= 4 else { throw .idxTooShort(byteCount: plain.count) }
        let magic = Self.bigEndianUInt32(plain, at: 0)
        guard plain[0] == 0, plain[1] == 0, plain[3] > 0 else { throw .idxBadMagic(found: magic, expected: expectedMagic) }
        guard plain[2] == 0x08 else { throw .idxUnsupportedDataType(code: plain[2]) }
        if let expectedMagic, magic != expectedMagic { throw .idxBadMagic(found: magic, expected: expectedMagic) }
        let rank = Int(plain[3])
        let headerCount = 4 + 4 * rank
        guard plain.count >= headerCount else { throw .idxTooShort(byteCount: plain.count) }
        let dimensions = (0..<rank).map { Int(Self.bigEndianUInt32(plain, at: 4 + 4 * $0)) }
        var expected = 1
        for extent in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= Self.maximumByteCount else { throw .idxBadDimensions(dimensions) }
            expected = product
        }
        guard plain.count - headerCount == expected else {
            throw .idxByteCountMismatch(expected: expected, actual: plain.count - headerCount)
        }
        self.magic = magic
        self.dimensions = dimensions
        self.values = Array(plain[headerCount...])
    }

    /// Reads and parses the IDX file at `path`.
    /// - Parameters:
    ///   - path: A plain or gzipped IDX file.
    ///   - expectedMagic: When given, the magic number the file must carry.
    /// - Throws: ``ImageIOError/cannotRead(path:errno:)`` or a format error.
    public init(contentsOf path: String, expectedMagic: UInt32? = nil) throws(ImageIOError) {
        try self.init(bytes: try FileIO.read(path), expectedMagic: expectedMagic)
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
