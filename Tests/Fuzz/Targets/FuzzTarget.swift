import StylecastErrors

/// What a fuzz target made of one input that the code under test handled correctly.
public enum FuzzOutcome: Sendable, Equatable {
    /// The input was read; `summary` says what came out (counts, sizes).
    case accepted(summary: String)
    /// The input was refused with a typed invalid-input error; `reason` is its description.
    case rejected(reason: String)

    /// Whether the input was read.
    public var isAccepted: Bool {
        if case .accepted = self { true } else { false }
    }
}

/// A broken invariant: a defect in the code under test that did not trap by itself (a
/// round trip that differs, an id outside the vocabulary, an error of the wrong kind).
///
/// The fuzz driver turns it into a crash, so that libFuzzer saves the input; the regression
/// tests report it as a failure.
public struct FuzzFailure: Error, CustomStringConvertible, Sendable {
    /// The target that found it.
    public var target: String
    /// What was wrong.
    public var reason: String

    /// Creates a failure.
    /// - Parameters:
    ///   - target: The target's name.
    ///   - reason: What was wrong, with the values involved.
    public init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }

    public var description: String { "fuzz target \(target): \(reason)" }
}

/// One fuzz target: a library entry point fed arbitrary bytes, and the invariants its result
/// must keep.
///
/// A target never crashes by design: the library either reads the input, and the target checks
/// what it read, or refuses it with a typed error of kind ``FailureKind/invalidInput``. A trap,
/// a sanitizer report, a hang or a ``FuzzFailure`` is a defect in the library.
public protocol FuzzTarget: Sendable {
    /// The target's name: `scripts/fuzz.sh --target NAME`, `Tests/Fuzz/Corpus/NAME`,
    /// `Tests/Fuzz/Regressions/NAME`.
    static var name: String { get }

    /// Feeds one input to the code under test and checks the result.
    /// - Parameter input: Any bytes.
    /// - Throws: ``FuzzFailure`` when an invariant is broken.
    func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome
}

extension FuzzTarget {
    /// A failure of this target.
    func failure(_ reason: String) -> FuzzFailure { FuzzFailure(target: Self.name, reason: reason) }

    /// The outcome for an input the library refused: a rejection when the error says the input
    /// is invalid, a failure when it blames anything else (a bug, an unavailable file).
    func rejection(_ error: some StylecastError) throws(FuzzFailure) -> FuzzOutcome {
        guard error.failureKind == .invalidInput else {
            throw failure("refused with a \(error.failureKind) error, not invalidInput: \(error)")
        }
        return .rejected(reason: error.description)
    }

    /// Throws a failure with `reason` unless `condition` holds.
    func check(_ condition: Bool, _ reason: @autoclosure () -> String) throws(FuzzFailure) {
        if !condition { throw failure(reason()) }
    }
}
