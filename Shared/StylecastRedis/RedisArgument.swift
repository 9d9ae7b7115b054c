/// One argument of a Redis command: any bytes, sent with their length (binary safe, so
/// it may contain NUL bytes or invalid UTF-8).
///
/// String, integer and array-of-byte literals all convert, so
/// `client.send(["SET", "user:{42}", "1"])` reads like the command.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    /// The bytes sent to Redis.
    public var bytes: [UInt8]

    /// An argument holding the given bytes.
    /// - Parameter bytes: The raw bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// An argument holding the UTF-8 encoding of a string.
    /// - Parameter string: The text.
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// An argument holding the decimal text of an integer, as Redis expects numbers.
    /// - Parameter value: The number.
    public init<Value: BinaryInteger>(_ value: Value) { self.bytes = Array(String(value).utf8) }

    /// An argument from a string literal.
    /// - Parameter value: The literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// An argument from an integer literal, sent in decimal.
    /// - Parameter value: The literal.
    public init(integerLiteral value: Int) { self.init(value) }

    /// The argument as UTF-8 text (invalid bytes replaced), for logs and errors.
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
