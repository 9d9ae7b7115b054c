/// What kind of failure an error is, independent of any transport.
///
/// Libraries classify their errors with this enum and never import gRPC; the service kit's
/// `ErrorStatusTable` is the one place that turns a kind into a gRPC status code.
public enum FailureKind: String, Sendable, CaseIterable {
    /// The caller sent something invalid; the message names the field and the limit.
    case invalidInput
    /// The caller named something (an item, a user, a series) that does not exist.
    case notFound
    /// A queue is full or a per-call limit is exceeded; retrying later may succeed.
    case overLimit
    /// A dependency (Redis, a model) is not available right now.
    case unavailable
    /// The work did not finish before its deadline.
    case deadlineExceeded
    /// A defect in Stylecast itself.
    case bug
}

/// An error that knows its ``FailureKind`` and describes itself for the caller.
///
/// `description` is sent to clients as the status message, so it must say what went wrong
/// in terms the caller can act on (which field, which limit) and must never contain secrets.
public protocol StylecastError: Error, CustomStringConvertible, Sendable {
    /// The class of failure, which decides the status code a client receives.
    var failureKind: FailureKind { get }
}

/// A plain invalid-input error naming a field and the rule it broke.
public struct InvalidInput: StylecastError, Equatable {
    /// The offending field, e.g. `"texts[3]"`.
    public var field: String
    /// The rule broken, e.g. `"must be at most 256 texts"`.
    public var rule: String

    /// Creates an invalid-input error.
    /// - Parameters:
    ///   - field: The offending field.
    ///   - rule: The rule it broke, phrased as a requirement.
    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var failureKind: FailureKind { .invalidInput }
    public var description: String { "\(field): \(rule)" }
}
