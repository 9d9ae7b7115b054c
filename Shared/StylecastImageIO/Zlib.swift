import CZlib

/// The zlib calls this library needs, with Swift arrays in and out; no C pointer leaves here.
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
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .decompressionFailed(reason: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let result: Result<[UInt8], ImageIOError> = input.withUnsafeBufferPointer { inputBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = UInt32(inputBuffer.count)
            var output: [UInt8] = []
            if reserveMaximum { output.reserveCapacity(maximumByteCount) }
            while true {
                var produced = 0
                let status = chunk.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = UInt32(outputBuffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = outputBuffer.count - Int(stream.avail_out)
                    return status
                }
                guard output.count + produced <= maximumByteCount else {
                    return .failure(.decompressedTooLarge(limit: maximumByteCount))
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    guard concatenatedMembers, stream.avail_in > 0 else { return .success(output) }
                    inflateReset(&stream)
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.decompressionFailed(reason: "unexpected end of compressed data"))
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    return .failure(.decompressionFailed(reason: message))
                }
            }
        }
        return try result.get()
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
