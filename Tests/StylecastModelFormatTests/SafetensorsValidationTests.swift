import StylecastErrors
import StylecastModelFormat
import StylecastTestSupport
import Testing

/// A safetensors file assembled byte by byte, so each test can break exactly one rule.
func safetensorsBytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    return safetensorsBytes(headerBytes: json, data: data, declaredLength: declaredLength)
}

func safetensorsBytes(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes += $0 }
    return bytes + headerBytes + data
}

/// One corrupt input and the exact error it must produce.
struct CorruptCase: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var expected: SafetensorsError
    var testDescription: String { label }
}

let corruptCases: [CorruptCase] = [
    CorruptCase(label: "truncated before the length", bytes: [1, 0, 0, 0, 0], expected: .fileTooShort(byteCount: 5)),
    CorruptCase(
        label: "header length over 100 MB", bytes: safetensorsBytes(header: "{}", declaredLength: 100_000_001),
        expected: .headerTooLarge(length: 100_000_001, limit: 100_000_000)),
    CorruptCase(
        label: "header length past the end", bytes: safetensorsBytes(header: "{}", declaredLength: 64),
        expected: .headerPastEnd(length: 64, available: 2)),
    CorruptCase(
        label: "header not UTF-8", bytes: safetensorsBytes(headerBytes: [UInt8(ascii: "{"), 0xFF, 0xFE, UInt8(ascii: "}")]),
        expected: .headerNotUTF8),
    CorruptCase(
        label: "truncated JSON", bytes: safetensorsBytes(header: #"{"a":"#),
        expected: .headerNotJSON(offset: 5, reason: "unexpected end of input")),
    CorruptCase(
        label: "duplicate tensor name",
        bytes: safetensorsBytes(
            header: #"{"t":{"dtype":"U8","shape":[],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}"#,
            data: [7]),
        expected: .headerNotJSON(offset: 52, reason: #"duplicate key "t""#)),
    CorruptCase(
        label: "header is an array", bytes: safetensorsBytes(header: "[1]"), expected: .headerNotObject(found: "array")),
    CorruptCase(
        label: "metadata value not a string", bytes: safetensorsBytes(header: #"{"__metadata__":{"epoch":3}}"#),
        expected: .invalidMetadata(reason: #"value of "epoch" must be a string, found number"#)),
    CorruptCase(
        label: "entry not an object", bytes: safetensorsBytes(header: #"{"t":3}"#), expected: .entryNotObject(tensor: "t")),
    CorruptCase(
        label: "missing dtype", bytes: safetensorsBytes(header: #"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        expected: .missingField(tensor: "t", field: "dtype")),
    CorruptCase(
        label: "missing data_offsets", bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":[1]}}"#),
        expected: .missingField(tensor: "t", field: "data_offsets")),
    CorruptCase(
        label: "shape of the wrong type",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        expected: .wrongFieldType(tensor: "t", field: "shape", expected: "an array of integers")),
    CorruptCase(
        label: "fractional offset",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, data: [0, 0, 0, 0]),
        expected: .wrongFieldType(tensor: "t", field: "data_offsets", expected: "two non-negative integers")),
    CorruptCase(
        label: "unknown dtype",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, data: Array(repeating: 0, count: 16)),
        expected: .unknownDType(tensor: "t", dtype: "F128")),
    CorruptCase(
        label: "negative extent",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        expected: .negativeExtent(tensor: "t", shape: [-1])),
    CorruptCase(
        label: "shape that overflows",
        bytes: safetensorsBytes(
            header: #"{"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        expected: .shapeOverflow(tensor: "t", shape: [4_611_686_018_427_387_904, 4])),
    CorruptCase(
        label: "shape and byte length disagree",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        expected: .byteCountMismatch(tensor: "t", expected: 8, actual: 4)),
    CorruptCase(
        label: "offsets reversed",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]),
        expected: .offsetsReversed(tensor: "t", begin: 4, end: 0)),
    CorruptCase(
        label: "offsets past the end",
        bytes: safetensorsBytes(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]),
        expected: .offsetsPastEnd(tensor: "t", end: 8, dataByteCount: 4)),
    CorruptCase(
        label: "overlapping tensors",
        bytes: safetensorsBytes(
            header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            data: Array(repeating: 0, count: 12)),
        expected: .overlappingTensors(first: "a", second: "b")),
    CorruptCase(
        label: "gap between tensors",
        bytes: safetensorsBytes(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
            data: Array(repeating: 0, count: 12)),
        expected: .dataNotCovered(begin: 4, end: 8)),
    CorruptCase(
        label: "trailing bytes after the last tensor",
        bytes: safetensorsBytes(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 8)),
        expected: .dataNotCovered(begin: 4, end: 8)),
]

@Suite("Safetensors validation")
struct SafetensorsValidationTests {
    @Test("each corrupt input is refused with its exact typed error", arguments: corruptCases)
    func corrupt(_ corrupt: CorruptCase) {
        #expect(throws: corrupt.expected) { try SafetensorsFile(bytes: corrupt.bytes) }
        #expect(corrupt.expected.failureKind == .invalidInput)
    }

    @Test("a truncated file on disk is refused before it is mapped")
    func truncatedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("short.safetensors")
        try writeFile(path, [8, 0, 0])
        #expect(throws: SafetensorsError.fileTooShort(byteCount: 3)) { try SafetensorsFile(contentsOf: path) }
    }

    @Test("a file that does not exist is unavailable, with errno ENOENT")
    func missingFile() {
        #expect(throws: SafetensorsError.cannotOpen(path: "/nonexistent/x.safetensors", errno: 2)) {
            try SafetensorsFile(contentsOf: "/nonexistent/x.safetensors")
        }
        #expect(SafetensorsError.cannotOpen(path: "", errno: 2).failureKind == .unavailable)
    }

    @Test("an unknown tensor name is a not-found error")
    func unknownName() throws {
        let file = try SafetensorsFile(bytes: safetensorsBytes(header: "{}"))
        #expect(file.tensorNames.isEmpty)
        #expect(throws: SafetensorsError.tensorNotFound(name: "w")) { try file.tensor(named: "w") }
        #expect(SafetensorsError.tensorNotFound(name: "w").failureKind == .notFound)
    }

    @Test("a dtype the reader does not convert is a typed error, not a crash")
    func unsupportedConversion() throws {
        let file = try SafetensorsFile(
            bytes: safetensorsBytes(header: #"{"u":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, data: [1, 2]))
        #expect(file.tensors == [SafetensorsTensorInfo(name: "u", dtype: .uint8, shape: [2], dataOffsets: 0..<2)])
        #expect(throws: SafetensorsError.unsupportedConversion(tensor: "u", dtype: "U8", target: "Float")) {
            try file.tensor(named: "u")
        }
        #expect(throws: SafetensorsError.unsupportedConversion(tensor: "u", dtype: "U8", target: "Int64")) {
            try file.int64Values(named: "u")
        }
    }
}
