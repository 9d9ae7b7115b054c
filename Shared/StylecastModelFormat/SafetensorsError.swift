import StylecastErrors

/// Why a safetensors file cannot be read or written.
///
/// Every corrupt-input case is ``FailureKind/invalidInput``; a missing tensor name is
/// ``FailureKind/notFound``; a file the process cannot open, map or write is
/// ``FailureKind/unavailable`` (the model is not available right now).
public enum SafetensorsError: StylecastError, Equatable {
    /// The file could not be opened or measured (`errno` from the system call).
    case cannotOpen(path: String, errno: Int32)
    /// The file could not be memory-mapped (`errno` from `mmap`).
    case cannotMap(path: String, errno: Int32)
    /// The file could not be written (`errno` from the system call).
    case cannotWrite(path: String, errno: Int32)
    /// The input is shorter than the 8-byte header length that starts every file.
    case fileTooShort(byteCount: Int)
    /// The declared JSON header length exceeds ``SafetensorsFile/maximumHeaderByteCount``.
    case headerTooLarge(length: UInt64, limit: Int)
    /// The declared JSON header length runs past the end of the input.
    case headerPastEnd(length: UInt64, available: Int)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8
    /// The header is not a JSON document; `offset` is the byte within the header.
    case headerNotJSON(offset: Int, reason: String)
    /// The header is JSON but not an object; `found` names its type.
    case headerNotObject(found: String)
    /// `__metadata__` is not an object whose values are all strings.
    case invalidMetadata(reason: String)
    /// A tensor's entry in the header is not a JSON object.
    case entryNotObject(tensor: String)
    /// A tensor's entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(tensor: String, field: String)
    /// A tensor's field has the wrong JSON type; `expected` says what was required.
    case wrongFieldType(tensor: String, field: String, expected: String)
    /// A tensor's `dtype` is not one the safetensors format defines.
    case unknownDType(tensor: String, dtype: String)
    /// A tensor's shape has a negative extent.
    case negativeExtent(tensor: String, shape: [Int])
    /// A tensor's element or byte count overflows `Int`.
    case shapeOverflow(tensor: String, shape: [Int])
    /// A tensor's shape times its dtype size differs from the length of its byte range.
    case byteCountMismatch(tensor: String, expected: Int, actual: Int)
    /// A tensor's `data_offsets` end before they begin.
    case offsetsReversed(tensor: String, begin: Int, end: Int)
    /// A tensor's `data_offsets` end past the data region (`dataByteCount` bytes after the header).
    case offsetsPastEnd(tensor: String, end: Int, dataByteCount: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(first: String, second: String)
    /// Bytes `begin..<end` of the data region belong to no tensor (a gap or trailing bytes).
    case dataNotCovered(begin: Int, end: Int)
    /// No tensor has this name.
    case tensorNotFound(name: String)
    /// The tensor's dtype cannot be converted to what was asked (`target`, e.g. `"Float"`).
    case unsupportedConversion(tensor: String, dtype: String, target: String)
    /// The writer was given two tensors with the same name.
    case duplicateTensorName(String)
    /// The writer was given an empty name or the reserved name `__metadata__`.
    case invalidTensorName(String)
    /// The writer was given a number of values that is not the product of the shape.
    case elementCountMismatch(tensor: String, shape: [Int], count: Int)

    public var failureKind: FailureKind {
        switch self {
        case .cannotOpen, .cannotMap, .cannotWrite: .unavailable
        case .tensorNotFound: .notFound
        default: .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let errno): "cannot open \(path) (errno \(errno))"
        case .cannotMap(let path, let errno): "cannot memory-map \(path) (errno \(errno))"
        case .cannotWrite(let path, let errno): "cannot write \(path) (errno \(errno))"
        case .fileTooShort(let count): "safetensors input is \(count) bytes; must be at least 8"
        case .headerTooLarge(let length, let limit):
            "safetensors header length \(length) exceeds the limit of \(limit) bytes"
        case .headerPastEnd(let length, let available):
            "safetensors header length \(length) runs past the end (\(available) bytes after the length)"
        case .headerNotUTF8: "safetensors header is not valid UTF-8"
        case .headerNotJSON(let offset, let reason): "safetensors header is not JSON at byte \(offset): \(reason)"
        case .headerNotObject(let found): "safetensors header must be a JSON object, found \(found)"
        case .invalidMetadata(let reason): "safetensors __metadata__ \(reason)"
        case .entryNotObject(let tensor): "tensor \"\(tensor)\": entry must be a JSON object"
        case .missingField(let tensor, let field): "tensor \"\(tensor)\": missing field \(field)"
        case .wrongFieldType(let tensor, let field, let expected): "tensor \"\(tensor)\": \(field) must be \(expected)"
        case .unknownDType(let tensor, let dtype): "tensor \"\(tensor)\": unknown dtype \"\(dtype)\""
        case .negativeExtent(let tensor, let shape): "tensor \"\(tensor)\": negative extent in shape \(shape)"
        case .shapeOverflow(let tensor, let shape): "tensor \"\(tensor)\": shape \(shape) overflows the byte count"
        case .byteCountMismatch(let tensor, let expected, let actual):
            "tensor \"\(tensor)\": shape and dtype need \(expected) bytes, data_offsets span \(actual)"
        case .offsetsReversed(let tensor, let begin, let end):
            "tensor \"\(tensor)\": data_offsets [\(begin), \(end)] end before they begin"
        case .offsetsPastEnd(let tensor, let end, let count):
            "tensor \"\(tensor)\": data_offsets end \(end) is past the data region of \(count) bytes"
        case .overlappingTensors(let first, let second): "tensors \"\(first)\" and \"\(second)\" overlap"
        case .dataNotCovered(let begin, let end): "data bytes \(begin)..<\(end) belong to no tensor"
        case .tensorNotFound(let name): "no tensor named \"\(name)\""
        case .unsupportedConversion(let tensor, let dtype, let target):
            "tensor \"\(tensor)\": dtype \(dtype) cannot be read as \(target)"
        case .duplicateTensorName(let name): "tensor name \"\(name)\" is used twice"
        case .invalidTensorName(let name): "tensor name \"\(name)\" is empty or reserved"
        case .elementCountMismatch(let tensor, let shape, let count):
            "tensor \"\(tensor)\": shape \(shape) needs \(shape.reduce(1, *)) values, got \(count)"
        }
    }
}
