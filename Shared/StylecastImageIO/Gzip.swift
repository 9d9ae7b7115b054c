/// Gzip decompression into memory (zlib's inflate, streaming in 64 KiB steps).
public enum Gzip {
    /// The default bound on decompressed output: 1 GiB.
    public static let defaultMaximumByteCount = 1 << 30

    /// Whether `bytes` start with the gzip magic number (0x1f 0x8b).
    /// - Parameter bytes: The start of a file.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a gzip file (concatenated members included) or a zlib stream.
    /// - Parameters:
    ///   - bytes: The compressed file.
    ///   - maximumByteCount: Refuse output larger than this many bytes (a bound against
    ///     decompression bombs).
    /// - Throws: ``ImageIOError/decompressionFailed(reason:)`` for corrupt or truncated input,
    ///   ``ImageIOError/decompressedTooLarge(limit:)`` past the bound.
    public static func decompress(
        _ bytes: [UInt8], maximumByteCount: Int = defaultMaximumByteCount
    ) throws(ImageIOError) -> [UInt8] {
        try Zlib.inflate(bytes, maximumByteCount: maximumByteCount, concatenatedMembers: true)
    }
}
