import StylecastErrors
import StylecastModelFormat

/// Why a recommender cannot be trained, queried, saved or loaded.
///
/// Bad parameters and out-of-range indices are ``FailureKind/invalidInput``; a model file
/// that cannot be read or written keeps the kind of its ``SafetensorsError``.
public enum RecommenderError: StylecastError, Equatable {
    /// A configuration value breaks its rule, e.g. `factors` must be at least 1.
    case invalidParameter(name: String, rule: String)
    /// An index (user, item, row) is outside `0..<count`.
    case indexOutOfRange(field: String, index: Int, count: Int)
    /// A vector or matrix has the wrong length or width.
    case dimensionMismatch(field: String, expected: Int, actual: Int)
    /// A model file lacks a metadata key, or holds a value that cannot be parsed.
    case invalidModelFile(path: String, reason: String)
    /// Reading or writing the safetensors file failed.
    case modelFile(SafetensorsError)

    public var failureKind: FailureKind {
        switch self {
        case .modelFile(let error): error.failureKind
        default: .invalidInput
        }
    }

    public var description: String {
        switch self {
        case .invalidParameter(let name, let rule): "\(name): \(rule)"
        case .indexOutOfRange(let field, let index, let count): "\(field) \(index) is outside 0..<\(count)"
        case .dimensionMismatch(let field, let expected, let actual):
            "\(field) has length \(actual); must be \(expected)"
        case .invalidModelFile(let path, let reason): "model file \(path): \(reason)"
        case .modelFile(let error): error.description
        }
    }
}
