/// A write command whose key positions are marked, so that a script can declare its keys
/// (`KEYS`), as Redis Cluster requires, e.g.
/// `RedisWrite(["HINCRBY", .key("counts:{items.ingested}"), "red", 1])`.
public struct RedisWrite: Sendable, Hashable {
    /// One word of the command.
    public enum Part: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        /// A key the command touches.
        case key(String)
        /// Any other argument (the command name included).
        case argument(RedisArgument)

        /// An argument from a string literal.
        /// - Parameter value: The literal.
        public init(stringLiteral value: String) { self = .argument(RedisArgument(value)) }

        /// An argument from an integer literal, sent in decimal.
        /// - Parameter value: The literal.
        public init(integerLiteral value: Int) { self = .argument(RedisArgument(value)) }
    }

    /// The command name and its arguments, in order.
    public var parts: [Part]

    /// Creates a write.
    /// - Parameter parts: The command name and its arguments, keys marked with ``Part/key(_:)``.
    public init(_ parts: [Part]) { self.parts = parts }

    /// The keys the command touches, in order.
    public var keys: [String] {
        parts.compactMap { part in
            if case .key(let key) = part { key } else { nil }
        }
    }
}
