/// One reply from Redis (RESP2), converted from hiredis's reply tree into plain Swift values.
public enum RedisValue: Sendable, Hashable {
    /// A bulk string: arbitrary bytes (binary safe).
    case bulkString([UInt8])
    /// An integer reply.
    case integer(Int64)
    /// An array reply (a nested array may contain any case, including ``error(_:)`` inside `EXEC`).
    case array([RedisValue])
    /// A nil bulk string or nil array (a missing key, a timed-out blocking read, ...).
    case null
    /// A simple status reply such as `OK` or `PONG`.
    case status(String)
    /// An error reply, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case error(String)

    /// The bytes of a bulk string or status reply, or `nil` for any other reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// A bulk string or status reply decoded as UTF-8 (invalid bytes are replaced), an integer
    /// reply in decimal, or `nil` for any other reply.
    public var string: String? {
        switch self {
        case .bulkString(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    /// An integer reply, or a bulk string holding a decimal integer; `nil` otherwise.
    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulkString(let bytes): return Int64(String(decoding: bytes, as: UTF8.self))
        default: return nil
        }
    }

    /// The elements of an array reply, or `nil` for any other reply.
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Whether this is a nil reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The message of an error reply, or `nil` for any other reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}

extension RedisValue {
    /// A `[name, value, name, value, ...]` reply (a stream entry's fields) as text pairs, in
    /// order, a non-text name or value as `""`; none for any other reply.
    public var stringPairs: [(name: String, value: String)] {
        guard let flat = array else { return [] }
        return stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0].string ?? "", flat[$0 + 1].string ?? "") }
    }

    /// A `[name, value, name, value, ...]` reply (`XINFO`, a stream entry's fields, `HGETALL`)
    /// as a dictionary; `nil` for any other reply.
    public var fieldMap: [String: RedisValue]? {
        guard let flat = array else { return nil }
        var map: [String: RedisValue] = [:]
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[index].string { map[name] = flat[index + 1] }
        }
        return map
    }
}
