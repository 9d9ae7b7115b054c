import StylecastErrors
import StylecastModelFormat
import StylecastTensor

/// Why the text model (tokenizer files, configuration or weights) cannot be loaded or run.
///
/// Problems with the model's own files (missing, unreadable, corrupt, inconsistent) are
/// ``FailureKind/unavailable``: the caller did nothing wrong, the model is not available.
/// Only ``invalidTokenID(_:position:vocabularySize:)``, which a caller of the encoder can cause
/// with hand-made ids, is ``FailureKind/invalidInput``.
public enum TextModelError: StylecastError, Equatable {
    /// A file the model needs is not there or cannot be read.
    case cannotRead(path: String, reason: String)
    /// The vocabulary file has no tokens.
    case emptyVocabulary(path: String)
    /// The vocabulary lacks a special token the tokenizer needs (e.g. `[CLS]`).
    case missingSpecialToken(token: String, path: String)
    /// A JSON configuration file is not valid JSON or lacks a required field.
    case invalidConfiguration(path: String, reason: String)
    /// A configuration value is outside what the model supports (e.g. hidden size not divisible
    /// by the head count).
    case unsupportedConfiguration(reason: String)
    /// The weights file is unreadable or corrupt.
    case invalidWeights(SafetensorsError)
    /// No tensor name in the weights file ends with this name (after any prefix such as `bert.`).
    case missingWeight(name: String)
    /// A weight has a shape other than the configuration implies.
    case unexpectedWeightShape(name: String, expected: [Int], found: [Int])
    /// A token id is outside the vocabulary.
    case invalidTokenID(_ id: Int, position: Int, vocabularySize: Int)
    /// A padded batch's attention mask does not have the shape of its ids.
    case maskShapeMismatch(row: Int, ids: Int, mask: Int)
    /// A sequence is longer than the position embeddings allow.
    case sequenceTooLong(position: Int, limit: Int)
    /// A tensor operation failed inside the model: a defect here, never the caller's input.
    case tensor(TensorError)

    public var failureKind: FailureKind {
        switch self {
        case .invalidTokenID, .sequenceTooLong, .maskShapeMismatch: .invalidInput
        case .tensor: .bug
        default: .unavailable
        }
    }

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "text model: cannot read \(path): \(reason)"
        case .emptyVocabulary(let path): "text model: vocabulary \(path) has no tokens"
        case .missingSpecialToken(let token, let path): "text model: vocabulary \(path) lacks \(token)"
        case .invalidConfiguration(let path, let reason): "text model: \(path): \(reason)"
        case .unsupportedConfiguration(let reason): "text model: unsupported configuration: \(reason)"
        case .invalidWeights(let error): "text model weights: \(error)"
        case .missingWeight(let name): "text model weights: no tensor named \(name)"
        case .unexpectedWeightShape(let name, let expected, let found):
            "text model weights: \(name) has shape \(found), expected \(expected)"
        case .invalidTokenID(let id, let position, let vocabularySize):
            "token ids[\(position)]: \(id) must be in 0..<\(vocabularySize)"
        case .maskShapeMismatch(let row, let ids, let mask):
            "attention mask[\(row)]: \(mask) entries, must match the \(ids) token ids"
        case .sequenceTooLong(let position, let limit):
            "position ids: \(position) must be below \(limit) (the longest sequence the model takes)"
        case .tensor(let error): "text model: internal tensor error: \(error)"
        }
    }
}
