import StylecastErrors

/// Why a compressed stream, an IDX file, the Fashion-MNIST data set or a PNG image cannot be
/// read or written.
///
/// Corrupt or unsupported input is ``FailureKind/invalidInput``; a file the process cannot
/// read or write is ``FailureKind/unavailable``.
public enum ImageIOError: StylecastError, Equatable {
    /// The file could not be opened or read (`errno` from the system call).
    case cannotRead(path: String, errno: Int32)
    /// The file could not be written (`errno` from the system call).
    case cannotWrite(path: String, errno: Int32)
    /// zlib refused the compressed stream (corrupt or truncated); `reason` is zlib's message.
    case decompressionFailed(reason: String)
    /// The decompressed data would exceed `limit` bytes (a bound against decompression bombs,
    /// or for PNG the exact size the header implies).
    case decompressedTooLarge(limit: Int)
    /// zlib could not compress (only on allocation failure).
    case compressionFailed(status: Int32)
    /// An IDX file is shorter than its magic number and dimensions.
    case idxTooShort(byteCount: Int)
    /// An IDX magic number is malformed, or is not the one expected (e.g. 0x00000803 for images).
    case idxBadMagic(found: UInt32, expected: UInt32?)
    /// An IDX element type other than unsigned byte (0x08).
    case idxUnsupportedDataType(code: UInt8)
    /// IDX dimensions whose product overflows or exceeds ``IDXFile/maximumByteCount``.
    case idxBadDimensions([Int])
    /// The IDX payload is not exactly the product of the dimensions.
    case idxByteCountMismatch(expected: Int, actual: Int)
    /// A data set file is well formed but not what the data set requires (count, shape, labels).
    case unexpectedDataset(path: String, reason: String)
    /// An index past the end of a data set.
    case indexOutOfRange(index: Int, count: Int)
    /// The input does not start with the 8-byte PNG signature.
    case pngBadSignature
    /// A PNG chunk starting at byte `offset` runs past the end of the input.
    case pngTruncatedChunk(offset: Int)
    /// A PNG chunk type at byte `offset` is not four ASCII letters.
    case pngBadChunkType(offset: Int)
    /// A PNG chunk declares a length over 2^31 - 1.
    case pngChunkTooLarge(chunk: String, length: UInt32)
    /// A PNG chunk's CRC does not match its type and data.
    case pngBadCRC(chunk: String, stored: UInt32, computed: UInt32)
    /// The PNG IHDR chunk is malformed or holds values the specification forbids.
    case pngBadHeader(reason: String)
    /// A required PNG chunk (IHDR, PLTE, IDAT, IEND) is missing.
    case pngMissingChunk(String)
    /// A PNG chunk appears where the specification does not allow it.
    case pngChunkOutOfOrder(chunk: String, reason: String)
    /// A valid PNG feature this decoder does not implement (16-bit or sub-byte depths, interlacing).
    case pngUnsupported(feature: String)
    /// The image has more pixels than ``PNGImage/maximumPixelCount``.
    case pngTooManyPixels(width: Int, height: Int, limit: Int)
    /// A PLTE or tRNS chunk has an invalid length.
    case pngBadPalette(reason: String)
    /// A pixel refers to a palette entry that does not exist.
    case pngPaletteIndexOutOfRange(index: Int, paletteCount: Int)
    /// A critical chunk this decoder does not know (it cannot be skipped safely).
    case pngUnknownCriticalChunk(String)
    /// A scanline starts with a filter type other than 0 to 4.
    case pngBadFilterType(row: Int, type: UInt8)
    /// The decompressed image data is shorter than the header implies.
    case pngImageDataSize(expected: Int, actual: Int)
    /// Pixels given to ``PNGImage`` do not match its size and format, or a tensor has the wrong shape.
    case invalidImage(reason: String)

    public var failureKind: FailureKind {
        switch self {
        case .cannotRead, .cannotWrite: .unavailable
        case .compressionFailed: .bug
        default: .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .cannotRead(let path, let errno): "cannot read \(path) (errno \(errno))"
        case .cannotWrite(let path, let errno): "cannot write \(path) (errno \(errno))"
        case .decompressionFailed(let reason): "compressed data is corrupt: \(reason)"
        case .decompressedTooLarge(let limit): "decompressed data exceeds the limit of \(limit) bytes"
        case .compressionFailed(let status): "zlib compression failed with status \(status)"
        case .idxTooShort(let count): "IDX file of \(count) bytes is shorter than its header"
        case .idxBadMagic(let found, let expected):
            "IDX magic number 0x\(String(found, radix: 16))"
                + (expected.map { " is not the expected 0x\(String($0, radix: 16))" } ?? " is malformed")
        case .idxUnsupportedDataType(let code): "IDX data type 0x\(String(code, radix: 16)) is not unsigned byte (0x8)"
        case .idxBadDimensions(let dimensions): "IDX dimensions \(dimensions) overflow the size limit"
        case .idxByteCountMismatch(let expected, let actual): "IDX payload has \(actual) bytes; dimensions need \(expected)"
        case .unexpectedDataset(let path, let reason): "\(path): \(reason)"
        case .indexOutOfRange(let index, let count): "index \(index) is out of range 0..<\(count)"
        case .pngBadSignature: "not a PNG file (bad signature)"
        case .pngTruncatedChunk(let offset): "PNG chunk at byte \(offset) is truncated"
        case .pngBadChunkType(let offset): "PNG chunk type at byte \(offset) is not four ASCII letters"
        case .pngChunkTooLarge(let chunk, let length): "PNG \(chunk) chunk length \(length) exceeds 2^31 - 1"
        case .pngBadCRC(let chunk, let stored, let computed):
            "PNG \(chunk) chunk CRC 0x\(String(stored, radix: 16)) does not match 0x\(String(computed, radix: 16))"
        case .pngBadHeader(let reason): "PNG IHDR: \(reason)"
        case .pngMissingChunk(let chunk): "PNG has no \(chunk) chunk"
        case .pngChunkOutOfOrder(let chunk, let reason): "PNG \(chunk) chunk out of order: \(reason)"
        case .pngUnsupported(let feature): "PNG \(feature) is not supported"
        case .pngTooManyPixels(let width, let height, let limit): "PNG of \(width)x\(height) exceeds \(limit) pixels"
        case .pngBadPalette(let reason): "PNG palette: \(reason)"
        case .pngPaletteIndexOutOfRange(let index, let count): "PNG palette index \(index) but the palette has \(count) entries"
        case .pngUnknownCriticalChunk(let chunk): "PNG critical chunk \(chunk) is unknown"
        case .pngBadFilterType(let row, let type): "PNG row \(row) has filter type \(type); must be 0 to 4"
        case .pngImageDataSize(let expected, let actual): "PNG image data is \(actual) bytes; the header implies \(expected)"
        case .invalidImage(let reason): "invalid image: \(reason)"
        }
    }
}
