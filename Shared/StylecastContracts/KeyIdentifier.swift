import StylecastErrors

/// The rule for every id and term that becomes part of a Redis key (an item, user, interaction
/// or search-series id): what a caller sends cannot make a key unbounded, nor move its hash tag.
public enum KeyIdentifier {
    /// Longest id, in UTF-8 bytes.
    public static let maximumBytes = 256

    /// Checks `value` for use in a key: not empty (unless `allowEmpty`), at most
    /// ``maximumBytes`` bytes, without `{` or `}` (which would move a key's hash tag, and so its
    /// Redis Cluster slot).
    /// - Parameters:
    ///   - value: The id.
    ///   - field: The field to name in the error, e.g. `user_id`.
    ///   - allowEmpty: Whether an empty value is allowed (the caller assigns one).
    /// - Throws: `InvalidInput` naming `field` and the limit.
    public static func check(_ value: String, field: String, allowEmpty: Bool = false) throws(InvalidInput) {
        if let rule = violation(of: value, allowEmpty: allowEmpty) { throw InvalidInput(field: field, rule: rule) }
    }

    /// The rule `value` breaks, or `nil` when it may be used in a key.
    public static func violation(of value: String, allowEmpty: Bool = false) -> String? {
        if value.isEmpty { return allowEmpty ? nil : "must not be empty" }
        if value.utf8.count > maximumBytes {
            return "must be at most \(maximumBytes) bytes, got \(value.utf8.count)"
        }
        // One pass over the bytes (every request's ids come here).
        let isBrace = { (byte: UInt8) in byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") }
        let hasBrace = value.utf8.withContiguousStorageIfAvailable { $0.contains(where: isBrace) }
            ?? value.utf8.contains(where: isBrace)
        return hasBrace ? "must not contain '{' or '}'" : nil
    }
}
