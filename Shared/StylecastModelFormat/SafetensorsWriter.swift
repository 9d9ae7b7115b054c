#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StylecastTensor

/// Builds a safetensors file from named `F32` tensors, `I64` arrays and string metadata.
///
/// The header lists `__metadata__` first, then the tensors sorted by name, and is padded with
/// spaces so that the data starts at a multiple of 8 bytes; the data follows in the same order,
/// tightly packed, so every `F32` tensor is 4-byte aligned and readable without a copy.
/// The output is what Python's `safetensors` writes and reads.
public struct SafetensorsWriter: Sendable {
    private enum Payload: Sendable {
        case float32(Tensor)
        case int64([Int64])
    }

    private struct Entry: Sendable {
        var shape: [Int]
        var payload: Payload
    }

    /// String metadata stored under `__metadata__` (omitted from the file when empty).
    public var metadata: [String: String]
    private var entries: [String: Entry] = [:]

    /// Creates an empty writer.
    /// - Parameter metadata: String metadata for the header.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor, stored as `F32` with the tensor's shape.
    /// - Parameters:
    ///   - tensor: The values.
    ///   - name: A unique, non-empty name other than `__metadata__`.
    /// - Throws: ``SafetensorsError/duplicateTensorName(_:)`` or ``SafetensorsError/invalidTensorName(_:)``.
    public mutating func add(_ tensor: Tensor, named name: String) throws(SafetensorsError) {
        try checkNew(name)
        entries[name] = Entry(shape: tensor.shape, payload: .float32(tensor))
    }

    /// Adds 64-bit integers, stored as `I64`.
    /// - Parameters:
    ///   - values: The values in row-major order.
    ///   - shape: Extent of each axis; the product must equal `values.count`.
    ///   - name: A unique, non-empty name other than `__metadata__`.
    /// - Throws: ``SafetensorsError/elementCountMismatch(tensor:shape:count:)`` and the name errors.
    public mutating func add(int64Values values: [Int64], shape: [Int], named name: String) throws(SafetensorsError) {
        try checkNew(name)
        var expected = 1
        for extent in shape {
            let (product, overflow) = expected.multipliedReportingOverflow(by: extent)
            guard extent >= 0, !overflow else { throw .elementCountMismatch(tensor: name, shape: shape, count: values.count) }
            expected = product
        }
        guard expected == values.count else { throw .elementCountMismatch(tensor: name, shape: shape, count: values.count) }
        entries[name] = Entry(shape: shape, payload: .int64(values))
    }

    private func checkNew(_ name: String) throws(SafetensorsError) {
        guard !name.isEmpty, name != "__metadata__" else { throw .invalidTensorName(name) }
        guard entries[name] == nil else { throw .duplicateTensorName(name) }
    }

    /// The whole file in memory.
    public func serialized() -> [UInt8] {
        var output = header()
        for name in entries.keys.sorted() {
            withBytes(of: entries[name]!) { output.append(contentsOf: $0) }
        }
        return output
    }

    /// Writes the file to `path`, replacing any existing file atomically: the bytes go to a
    /// temporary file in the same directory, which is then renamed over `path`.
    /// - Parameter path: The destination path.
    /// - Throws: ``SafetensorsError/cannotWrite(path:errno:)``.
    public func write(to path: String) throws(SafetensorsError) {
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, errno: errno) }
        var failure: Int32 = 0
        header().withUnsafeBytes { failure = Self.writeAll($0, to: descriptor) }
        for name in entries.keys.sorted() where failure == 0 {
            withBytes(of: entries[name]!) { failure = Self.writeAll($0, to: descriptor) }
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw .cannotWrite(path: path, errno: failure)
        }
    }

    /// Writes all of `bytes`, retrying short writes and interruptions; returns 0 or an errno.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        var written = 0
        while written < bytes.count {
            let result = systemWrite(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += result
        }
        return 0
    }

    private func withBytes(of entry: Entry, _ body: (UnsafeRawBufferPointer) -> Void) {
        switch entry.payload {
        case .float32(let tensor):
            tensor.withUnsafeBufferPointer { floats in
                // Little-endian hosts only (x86-64, arm64): the in-memory layout is the file's.
                body(UnsafeRawBufferPointer(floats))
            }
        case .int64(let values):
            values.withUnsafeBytes(body)
        }
    }

    private static func byteCount(of entry: Entry) -> Int {
        switch entry.payload {
        case .float32(let tensor): tensor.count * 4
        case .int64(let values): values.count * 8
        }
    }

    /// The 8-byte length followed by the JSON header padded with spaces to a multiple of 8.
    private func header() -> [UInt8] {
        var json = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
            members.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in entries.keys.sorted() {
            let entry = entries[name]!
            let dtype = if case .float32 = entry.payload { "F32" } else { "I64" }
            let end = offset + Self.byteCount(of: entry)
            let shape = entry.shape.map(String.init).joined(separator: ",")
            members.append(
                "\(Self.quoted(name)):{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += members.joined(separator: ",") + "}"
        var headerBytes = Array(json.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var output: [UInt8] = []
        output.reserveCapacity(8 + headerBytes.count)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: headerBytes)
        return output
    }

    /// A JSON string literal.
    private static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// `write(2)`, named apart from ``SafetensorsWriter/write(to:)``.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
