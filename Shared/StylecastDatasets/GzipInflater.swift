import CZlib

/// zlib's streaming inflate for gzip members; no C pointer leaves this file.
///
/// The `z_stream` lives in its own allocation because zlib keeps a pointer back to it and
/// checks it on every call, so it must never move.
final class GzipInflater {
    /// What one ``inflate(_:into:)`` step achieved.
    enum Step {
        /// Output was produced or input consumed; call again.
        case progress(consumed: Int, produced: Int)
        /// The current member ended after consuming `consumed` input bytes.
        case memberEnd(consumed: Int, produced: Int)
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// Starts a gzip inflater (`windowBits` 15 + 16: gzip only).
    init?() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            return nil
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Prepares for the next concatenated member.
    func reset() { inflateReset(stream) }

    /// Inflates from `input` into the free space of `output`.
    /// - Returns: How much input was consumed and output produced.
    /// - Throws: zlib's message when the data is corrupt.
    func inflate(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) throws(InflateFailure) -> Step {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress
        stream.pointee.avail_out = UInt32(output.count)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.pointee.avail_in)
        let produced = output.count - Int(stream.pointee.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR: return .progress(consumed: consumed, produced: produced)
        case Z_STREAM_END: return .memberEnd(consumed: consumed, produced: produced)
        default:
            throw InflateFailure(message: stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)")
        }
    }
}

/// zlib's reason for refusing a stream.
struct InflateFailure: Error {
    var message: String
}
