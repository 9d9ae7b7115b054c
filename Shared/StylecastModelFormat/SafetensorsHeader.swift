/// A validated safetensors header: the tensor entries, the metadata and where data begins.
struct SafetensorsHeader: Sendable {
    /// The entries by name.
    var tensors: [String: SafetensorsTensorInfo]
    /// The `__metadata__` strings (empty when absent).
    var metadata: [String: String]
    /// Offset of the data region from the start of the file: 8 + the header length.
    var dataStart: Int

    /// Parses and validates the header of a whole safetensors file.
    ///
    /// Following the reference implementation, the tensors' byte ranges must tile the data
    /// region exactly: no overlaps, no gaps and no trailing bytes. A file that passes can be
    /// read tensor by tensor without any further bounds checks.
    /// - Parameter file: All the bytes of the file.
    init(parsing file: UnsafeRawBufferPointer) throws(SafetensorsError) {
        guard file.count >= 8 else { throw .fileTooShort(byteCount: file.count) }
        let length = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard length <= UInt64(SafetensorsFile.maximumHeaderByteCount) else {
            throw .headerTooLarge(length: length, limit: SafetensorsFile.maximumHeaderByteCount)
        }
        guard length <= UInt64(file.count - 8) else { throw .headerPastEnd(length: length, available: file.count - 8) }
        let headerBytes = UnsafeRawBufferPointer(rebasing: file[8..<(8 + Int(length))])
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw .headerNotUTF8 }

        let json: JSONValue
        do {
            json = try JSONParser.parse(headerBytes)
        } catch {
            throw .headerNotJSON(offset: error.offset, reason: error.reason)
        }
        guard case .object(let entries) = json else { throw .headerNotObject(found: json.typeName) }

        dataStart = 8 + Int(length)
        let dataByteCount = file.count - dataStart
        var tensors: [String: SafetensorsTensorInfo] = [:]
        var metadata: [String: String] = [:]
        // Sorted so that, of several faults, the same one is always reported.
        for name in entries.keys.sorted() {
            let entry = entries[name]!
            if name == "__metadata__" {
                metadata = try Self.metadata(entry)
            } else {
                tensors[name] = try Self.tensorInfo(name: name, entry: entry, dataByteCount: dataByteCount)
            }
        }
        try Self.checkCoverage(of: Array(tensors.values), dataByteCount: dataByteCount)
        self.tensors = tensors
        self.metadata = metadata
    }

    private static func metadata(_ entry: JSONValue) throws(SafetensorsError) -> [String: String] {
        guard case .object(let members) = entry else {
            throw .invalidMetadata(reason: "must be an object, found \(entry.typeName)")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let string) = value else {
                throw .invalidMetadata(reason: "value of \"\(key)\" must be a string, found \(value.typeName)")
            }
            metadata[key] = string
        }
        return metadata
    }

    private static func tensorInfo(
        name: String, entry: JSONValue, dataByteCount: Int
    ) throws(SafetensorsError) -> SafetensorsTensorInfo {
        guard case .object(let fields) = entry else { throw .entryNotObject(tensor: name) }
        guard let dtypeField = fields["dtype"] else { throw .missingField(tensor: name, field: "dtype") }
        guard let shapeField = fields["shape"] else { throw .missingField(tensor: name, field: "shape") }
        guard let offsetsField = fields["data_offsets"] else {
            throw .missingField(tensor: name, field: "data_offsets")
        }
        guard case .string(let dtypeName) = dtypeField else {
            throw .wrongFieldType(tensor: name, field: "dtype", expected: "a string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw .unknownDType(tensor: name, dtype: dtypeName)
        }
        guard let shape = integers(shapeField) else {
            throw .wrongFieldType(tensor: name, field: "shape", expected: "an array of integers")
        }
        guard let offsets = integers(offsetsField), offsets.count == 2, offsets.allSatisfy({ $0 >= 0 }) else {
            throw .wrongFieldType(tensor: name, field: "data_offsets", expected: "two non-negative integers")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeExtent(tensor: name, shape: shape) }
        var byteCount = dtype.byteSize
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw .shapeOverflow(tensor: name, shape: shape) }
            byteCount = product
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw .offsetsReversed(tensor: name, begin: begin, end: end) }
        guard end <= dataByteCount else { throw .offsetsPastEnd(tensor: name, end: end, dataByteCount: dataByteCount) }
        guard end - begin == byteCount else {
            throw .byteCountMismatch(tensor: name, expected: byteCount, actual: end - begin)
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    private static func integers(_ value: JSONValue) -> [Int]? {
        guard case .array(let elements) = value else { return nil }
        var integers: [Int] = []
        integers.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let integer) = element else { return nil }
            integers.append(integer)
        }
        return integers
    }

    private static func checkCoverage(
        of tensors: [SafetensorsTensorInfo], dataByteCount: Int
    ) throws(SafetensorsError) {
        let ordered = tensors.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name)
                < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        var covered = 0
        var previous: String?
        for tensor in ordered {
            if tensor.dataOffsets.lowerBound < covered, let previous {
                throw .overlappingTensors(first: previous, second: tensor.name)
            }
            if tensor.dataOffsets.lowerBound > covered {
                throw .dataNotCovered(begin: covered, end: tensor.dataOffsets.lowerBound)
            }
            covered = tensor.dataOffsets.upperBound
            previous = tensor.name
        }
        guard covered == dataByteCount else { throw .dataNotCovered(begin: covered, end: dataByteCount) }
    }
}
