import CZlib

/// zlib's streaming inflate, the one wrapper of it: ``Zlib/inflate(_:maximumByteCount:concatenatedMembers:reserveMaximum:)``
/// (PNG data, gzip files in memory) and StylecastDatasets' streaming file reader use it. No C
/// pointer leaves this file.
///
/// The `z_stream` lives in its own allocation because zlib keeps a pointer back to it and
/// checks it on every call, so it must never move.
public final class ZlibInflater {
    /// Which framing the input has.
    public enum Format: Sendable {
        /// gzip members only.
        case gzip
        /// A zlib or a gzip stream, told apart by its header.
        case zlibOrGzip

        var windowBits: Int32 {
            switch self {
            case .gzip: 15 + 16
            case .zlibOrGzip: 15 + 32
            }
        }
    }

    /// What one ``inflate(_:into:)`` step achieved.
    public enum Step: Sendable {
        /// Output was produced or input consumed; call again.
        case progress(consumed: Int, produced: Int)
        /// The current stream (member) ended after consuming `consumed` input bytes.
        case streamEnd(consumed: Int, produced: Int)
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// Starts an inflater; `nil` when zlib cannot (out of memory).
    public init?(format: Format) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
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

    /// Prepares for the next concatenated stream (gzip member).
    public func reset() { inflateReset(stream) }

    /// Inflates from `input` into the free space of `output`.
    /// - Returns: How much input was consumed and output produced.
    /// - Throws: zlib's message when the data is corrupt.
    public func inflate(
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
        case Z_STREAM_END: return .streamEnd(consumed: consumed, produced: produced)
        default:
            throw InflateFailure(message: stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)")
        }
    }
}

/// zlib's reason for refusing a stream.
public struct InflateFailure: Error, Sendable {
    /// zlib's message.
    public var message: String
}
