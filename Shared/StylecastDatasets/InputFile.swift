import StylecastImageIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read front to back in 64 KiB chunks, gunzipped on the fly when it starts with the
/// gzip magic number (concatenated members included), handed out as plain bytes.
final class InputFile {
    /// The size of one read from the file and of one inflate step.
    static let chunkSize = 64 * 1024

    let path: String
    /// The file size in bytes.
    let totalBytes: UInt64
    /// File bytes consumed so far (compressed bytes for a gzip file).
    private(set) var bytesRead: UInt64 = 0
    /// Whether every byte of the file has been handed out.
    private(set) var isAtEnd = false

    private var descriptor: Int32
    private var inflater: ZlibInflater?
    private var raw: [UInt8]
    private var rawStart = 0
    private var rawEnd = 0
    private var fileEnded = false
    /// Whether the current gzip member ended and the next one has not started.
    private var betweenMembers = false

    /// Opens `path`.
    /// - Throws: ``DatasetError/missingFile(path:)``, ``DatasetError/cannotRead(path:errno:)``,
    ///   or ``DatasetError/notGzip(path:)`` when the name ends in `.gz` and the content is not gzip.
    init(path: String) throws(DatasetError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .missingFile(path: path) : .cannotRead(path: path, errno: errno)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let failure = errno
            close(descriptor)
            throw .cannotRead(path: path, errno: failure)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .cannotRead(path: path, errno: EISDIR)
        }
        totalBytes = UInt64(status.st_size)
        raw = [UInt8](repeating: 0, count: Self.chunkSize)
        do throws(DatasetError) {
            try fillRaw()
            while rawEnd - rawStart < 2, !fileEnded { try fillRaw() }
        } catch {
            close(descriptor)
            throw error
        }
        let isGzip = rawEnd - rawStart >= 2 && raw[rawStart] == 0x1F && raw[rawStart + 1] == 0x8B
        if isGzip {
            guard let inflater = ZlibInflater(format: .gzip) else {
                close(descriptor)
                throw .corruptGzip(path: path, reason: "zlib could not start")
            }
            self.inflater = inflater
        } else if path.hasSuffix(".gz") {
            close(descriptor)
            throw .notGzip(path: path)
        }
    }

    deinit { close(descriptor) }

    /// Appends the next plain bytes (at most ``chunkSize``) to `buffer`.
    /// - Returns: The number of bytes appended; 0 only at the end of the file.
    /// - Throws: ``DatasetError/corruptGzip(path:reason:)`` for corrupt or truncated gzip data,
    ///   ``DatasetError/cannotRead(path:errno:)`` for an I/O error.
    func read(appendingTo buffer: inout [UInt8]) throws(DatasetError) -> Int {
        if isAtEnd { return 0 }
        guard let inflater else {
            if rawStart == rawEnd { try fillRaw() }
            let count = rawEnd - rawStart
            if count == 0 {
                isAtEnd = true
                return 0
            }
            buffer.append(contentsOf: raw[rawStart..<rawEnd])
            rawStart = rawEnd
            return count
        }
        let before = buffer.count
        buffer.reserveCapacity(before + Self.chunkSize)
        while buffer.count == before {
            if rawStart == rawEnd {
                try fillRaw()
                if rawStart == rawEnd {
                    if betweenMembers {
                        isAtEnd = true
                        return 0
                    }
                    throw .corruptGzip(path: path, reason: "the file ends inside a gzip member (truncated)")
                }
            }
            if betweenMembers {
                // Another member must start with the magic number; anything else is trailing
                // padding, which gzip(1) ignores too.
                while rawEnd - rawStart < 2, !fileEnded { try fillRaw() }
                guard rawEnd - rawStart >= 2, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B else {
                    isAtEnd = true
                    return 0
                }
                inflater.reset()
                betweenMembers = false
            }
            let step: ZlibInflater.Step
            do {
                step = try raw.withUnsafeBufferPointer { input throws(InflateFailure) in
                    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.chunkSize) {
                        output throws(InflateFailure) in
                        let step = try inflater.inflate(
                            UnsafeBufferPointer(rebasing: input[rawStart..<rawEnd]), into: output)
                        switch step {
                        case .progress(_, let produced), .streamEnd(_, let produced):
                            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: output[0..<produced]))
                        }
                        return step
                    }
                }
            } catch {
                throw .corruptGzip(path: path, reason: error.message)
            }
            switch step {
            case .progress(let consumed, let produced):
                rawStart += consumed
                if consumed == 0, produced == 0, rawStart < rawEnd {
                    throw .corruptGzip(path: path, reason: "zlib made no progress")
                }
            case .streamEnd(let consumed, _):
                rawStart += consumed
                betweenMembers = true
            }
        }
        return buffer.count - before
    }

    /// Reads the next chunk of the file into `raw`, keeping unconsumed bytes.
    private func fillRaw() throws(DatasetError) {
        if fileEnded || (rawStart == 0 && rawEnd == raw.count) { return }
        if rawStart > 0 {
            let remaining = rawEnd - rawStart
            if remaining > 0 {
                raw.withUnsafeMutableBufferPointer { buffer in
                    let base = buffer.baseAddress!
                    base.update(from: base + rawStart, count: remaining)
                }
            }
            rawStart = 0
            rawEnd = remaining
        }
        while true {
            let count = raw.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + rawEnd, buffer.count - rawEnd)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, errno: errno)
            }
            if count == 0 { fileEnded = true }
            rawEnd += count
            bytesRead += UInt64(count)
            return
        }
    }
}

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}
