import StylecastTensor

/// A validated safetensors file whose tensors can be read as ``Tensor`` values.
///
/// Opening a file maps it read-only and validates the whole header (see ``SafetensorsError``);
/// reading a tensor afterwards cannot fail on corrupt input. `F32` tensors whose data is
/// 4-byte aligned in memory are returned without a copy, borrowing the mapping; `F16`, `BF16`
/// and `I64` are converted to `Float` on read.
///
/// ```swift
/// let weights = try SafetensorsFile(contentsOf: "model.safetensors")
/// let w = try weights.tensor(named: "encoder.layer.0.weight")
/// ```
public struct SafetensorsFile: Sendable {
    /// The largest JSON header accepted, in bytes (the reference implementation's bound).
    public static let maximumHeaderByteCount = 100_000_000

    private let bytes: SafetensorsBytes
    private let header: SafetensorsHeader

    /// Memory-maps and validates the file at `path`.
    /// - Parameter path: A file system path to a `.safetensors` file.
    /// - Throws: ``SafetensorsError`` naming the first problem found.
    public init(contentsOf path: String) throws(SafetensorsError) {
        let bytes = try SafetensorsBytes(mapping: path)
        self.header = try SafetensorsHeader(parsing: bytes.buffer)
        self.bytes = bytes
    }

    /// Validates a safetensors file held in memory (the bytes are copied once).
    /// - Parameter bytes: The whole file.
    /// - Throws: ``SafetensorsError`` naming the first problem found.
    public init(bytes: [UInt8]) throws(SafetensorsError) {
        let owned = SafetensorsBytes(copying: bytes)
        self.header = try SafetensorsHeader(parsing: owned.buffer)
        self.bytes = owned
    }

    /// The tensor names, sorted.
    public var tensorNames: [String] { header.tensors.keys.sorted() }

    /// Every tensor's entry, sorted by name.
    public var tensors: [SafetensorsTensorInfo] { tensorNames.map { header.tensors[$0]! } }

    /// The `__metadata__` strings; empty when the file has none.
    public var metadata: [String: String] { header.metadata }

    /// The entry of one tensor.
    /// - Parameter name: The tensor's name.
    /// - Throws: ``SafetensorsError/tensorNotFound(name:)`` when there is no such tensor.
    public func info(named name: String) throws(SafetensorsError) -> SafetensorsTensorInfo {
        guard let info = header.tensors[name] else { throw .tensorNotFound(name: name) }
        return info
    }

    /// One tensor as `Float` values.
    ///
    /// `F32` data is borrowed from the file without a copy when its address is 4-byte aligned.
    /// The format only guarantees 8-byte alignment of the header *length*, so a file whose
    /// header or earlier tensors have an odd length can place floats at misaligned addresses;
    /// those are copied instead (check `storage.isBorrowed`). Files from ``SafetensorsWriter``
    /// and from Python's `safetensors` are always aligned. `F16` and `BF16` are widened
    /// exactly; `I64` is rounded to the nearest `Float` (exact up to 2^24 in magnitude).
    /// - Parameter name: The tensor's name.
    /// - Throws: ``SafetensorsError/tensorNotFound(name:)``, or
    ///   ``SafetensorsError/unsupportedConversion(tensor:dtype:target:)`` for other dtypes.
    public func tensor(named name: String) throws(SafetensorsError) -> Tensor {
        let info = try info(named: name)
        let raw = data(of: info)
        let count = info.elementCount
        switch info.dtype {
        case .float32:
            if count > 0, Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0 {
                // The mapping is PROT_READ: the pointer is typed mutable only because
                // TensorStorage requires it; Tensor copies borrowed storage before any write.
                let floats = UnsafeMutableRawPointer(mutating: raw.baseAddress!)
                    .assumingMemoryBound(to: Float.self)
                let storage = TensorStorage(
                    borrowing: UnsafeMutableBufferPointer(start: floats, count: count), owner: bytes)
                return try makeTensor(info, storage: storage)
            }
            return try makeTensor(info, values: (0..<count).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            })
        case .float16:
            return try makeTensor(info, values: (0..<count).map {
                Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))))
            })
        case .bfloat16:
            return try makeTensor(info, values: (0..<count).map {
                let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))
                return Float(bitPattern: UInt32(bits) << 16)
            })
        case .int64:
            return try makeTensor(info, values: int64Values(raw, count: count).map { Float($0) })
        default:
            throw .unsupportedConversion(tensor: name, dtype: info.dtype.rawValue, target: "Float")
        }
    }

    /// One `I64` tensor's values, exactly, in row-major order.
    /// - Parameter name: The tensor's name.
    /// - Throws: ``SafetensorsError/tensorNotFound(name:)``, or
    ///   ``SafetensorsError/unsupportedConversion(tensor:dtype:target:)`` when the dtype is not `I64`.
    public func int64Values(named name: String) throws(SafetensorsError) -> [Int64] {
        let info = try info(named: name)
        guard info.dtype == .int64 else {
            throw .unsupportedConversion(tensor: name, dtype: info.dtype.rawValue, target: "Int64")
        }
        return int64Values(data(of: info), count: info.elementCount)
    }

    private func data(of info: SafetensorsTensorInfo) -> UnsafeRawBufferPointer {
        let start = header.dataStart + info.dataOffsets.lowerBound
        return UnsafeRawBufferPointer(rebasing: bytes.buffer[start..<(start + info.dataOffsets.count)])
    }

    private func int64Values(_ raw: UnsafeRawBufferPointer, count: Int) -> [Int64] {
        (0..<count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
    }

    // The header was validated (shape x size == byte length), so these cannot fail; a failure
    // would be a defect here, reported as the mismatch it would be rather than a crash.
    private func makeTensor(_ info: SafetensorsTensorInfo, storage: TensorStorage) throws(SafetensorsError) -> Tensor {
        do {
            return try Tensor(shape: info.shape, storage: storage)
        } catch {
            throw .byteCountMismatch(tensor: info.name, expected: info.elementCount, actual: storage.buffer.count)
        }
    }

    private func makeTensor(_ info: SafetensorsTensorInfo, values: [Float]) throws(SafetensorsError) -> Tensor {
        do {
            return try Tensor(shape: info.shape, values: values)
        } catch {
            throw .byteCountMismatch(tensor: info.name, expected: info.elementCount, actual: values.count)
        }
    }
}
