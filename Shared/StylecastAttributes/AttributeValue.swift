/// One canonical attribute value of one kind, e.g. (`color`, `"navy"`).
public struct AttributeValue: Sendable, Hashable, CustomStringConvertible {
    /// The attribute kind.
    public var kind: AttributeKind
    /// The canonical value: lower-case English, e.g. `"navy"`, `"animal print"`, `"t-shirt"`.
    public var value: String

    /// Creates a value.
    /// - Parameters:
    ///   - kind: The attribute kind.
    ///   - value: The canonical value (lower-case English).
    public init(_ kind: AttributeKind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    public var description: String { "\(kind.rawValue)=\(value)" }
}
