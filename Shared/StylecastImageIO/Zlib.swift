import CZlib

/// One-shot zlib calls with Swift arrays in and out (inflate through ``ZlibInflater``); no C
/// pointer leaves here.
enum Zlib {
    /// Inflates a zlib or gzip stream (detected from its header: `windowBits` 15 + 32).
    /// - Parameters:
    ///   - input: The compressed bytes.
    ///   - maximumByteCount: Refuse to produce more than this many bytes.
    ///   - concatenatedMembers: Whether input left after the end of one stream starts another
    ///     (gzip allows concatenated members); otherwise trailing bytes are ignored.
    ///   - reserveMaximum: Allocate `maximumByteCount` up front, for a caller that knows the
    ///     exact size (a PNG's image data): one allocation instead of a doubling array, whose
    ///     last growth would hold up to twice the output.
    static func inflate(
        _ input: [UInt8], maximumByteCount: Int, concatenatedMembers: Bool, reserveMaximum: Bool = false
    ) throws(ImageIOError) -> [UInt8] {
        guard input.count <= Int(UInt32.max) else { throw .decompressedTooLarge(limit: maximumByteCount) }
        guard let inflater = ZlibInflater(format: .zlibOrGzip) else {
            throw .decompressionFailed(reason: "inflateInit2 failed")
        }
        var output: [UInt8] = []
        if reserveMaximum { output.reserveCapacity(maximumByteCount) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = 0
        while true {
            let step: ZlibInflater.Step
            do {
                step = try input.withUnsafeBufferPointer { all throws(InflateFailure) in
                    try chunk.withUnsafeMutableBufferPointer { out throws(InflateFailure) in
                        try inflater.inflate(UnsafeBufferPointer(rebasing: all[offset...]), into: out)
                    }
                }
            } catch {
                throw .decompressionFailed(reason: error.message)
            }
            let (consumed, produced, ended) =
                switch step {
                case .progress(let consumed, let produced): (consumed, produced, false)
                case .streamEnd(let consumed, let produced): (consumed, produced, true)
                }
            offset += consumed
            guard output.count + produced <= maximumByteCount else { throw .decompressedTooLarge(limit: maximumByteCount) }
            output.append(contentsOf: chunk[0..<produced])
            if ended {
                guard concatenatedMembers, offset < input.count else { return output }
                inflater.reset()
            } else if consumed == 0 && produced == 0 {
                // No progress with input left or none: the stream stops before its end.
                throw .decompressionFailed(reason: "unexpected end of compressed data")
            }
        }
    }

    /// Compresses into a zlib stream (the format PNG's IDAT uses).
    /// - Parameters:
    ///   - input: The bytes to compress.
    ///   - level: 0 (store) to 9 (smallest).
    static func deflate(_ input: [UInt8], level: Int32 = 6) throws(ImageIOError) -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { outputBuffer in
            input.withUnsafeBufferPointer { inputBuffer in
                compress2(outputBuffer.baseAddress, &length, inputBuffer.baseAddress, uLong(inputBuffer.count), level)
            }
        }
        guard status == Z_OK else { throw .compressionFailed(status: status) }
        output.removeSubrange(Int(length)...)
        return output
    }

    /// The CRC-32 (ISO 3309, as PNG and gzip use it) of `bytes`.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
