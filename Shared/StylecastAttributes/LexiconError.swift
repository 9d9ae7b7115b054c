import StylecastErrors

/// Why a lexicon cannot be compiled into an ``AttributeExtractor``.
public enum LexiconError: StylecastError, Equatable {
    /// One surface form is given two different values of the same kind, e.g. "tan" as both
    /// `brown` and `beige`. `surface` is the normalised form.
    case conflictingSurface(surface: String, kind: AttributeKind, first: String, second: String)
    /// A surface form is empty after normalisation (`value` names the entry).
    case emptySurface(kind: AttributeKind, value: String)
    /// A canonical value is empty or not in normalised form (lower case, NFKC).
    case invalidValue(kind: AttributeKind, value: String)

    public var failureKind: FailureKind { .invalidInput }

    public var description: String {
        switch self {
        case let .conflictingSurface(surface, kind, first, second):
            "lexicon: surface \"\(surface)\" is both \(kind.rawValue)=\(first) and \(kind.rawValue)=\(second)"
        case let .emptySurface(kind, value):
            "lexicon: \(kind.rawValue)=\(value) has an empty surface form"
        case let .invalidValue(kind, value):
            "lexicon: \(kind.rawValue) value \"\(value)\" must be non-empty, lower case and NFKC-normalised"
        }
    }
}
