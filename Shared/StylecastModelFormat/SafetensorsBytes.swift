#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one safetensors file, valid and unchanged for as long as this object lives:
/// either a read-only private memory mapping of the file or a private heap copy.
///
/// Tensors borrowed from the file keep this object alive as their storage owner, so the
/// mapping outlives every tensor that points into it.
final class SafetensorsBytes: @unchecked Sendable {
    // @unchecked: the memory is never written after init (a PROT_READ mapping, or a copy that
    // nothing mutates) and is released only in deinit, when no tensor refers to it any more.

    /// First byte.
    let base: UnsafeRawPointer
    /// Number of bytes.
    let count: Int
    private let isMapped: Bool

    /// Maps the file at `path` read-only (`PROT_READ`, `MAP_PRIVATE`).
    ///
    /// Files shorter than the 8-byte length prefix are refused before mapping (an empty file
    /// cannot be mapped). As with any mapping, truncating the file while it is mapped makes
    /// later reads fault; model files are replaced by rename, never rewritten in place.
    init(mapping path: String) throws(SafetensorsError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .cannotOpen(path: path, errno: errno) }
        let size = Int(status.st_size)
        guard size >= 8 else { throw .fileTooShort(byteCount: size) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED
        else { throw .cannotMap(path: path, errno: errno) }
        base = UnsafeRawPointer(address)
        count = size
        isMapped = true
    }

    /// Copies `bytes` into memory owned by this object.
    init(copying bytes: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(
            byteCount: Swift.max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0) }
        base = UnsafeRawPointer(memory.baseAddress!)
        count = bytes.count
        isMapped = false
    }

    /// The bytes as a buffer.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }
}
