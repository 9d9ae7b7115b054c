/// Dense indices for string identifiers (user or item ids), in first-seen order.
package struct IdentifierIndex: Sendable, Equatable {
    /// The identifiers by index.
    package private(set) var identifiers: [String] = []
    private var indices: [String: Int] = [:]

    /// Creates an empty index.
    package init() {}

    /// Creates an index over identifiers in this order (duplicates keep their first index).
    /// - Parameter identifiers: The identifiers.
    package init(_ identifiers: [String]) {
        for identifier in identifiers { _ = insert(identifier) }
    }

    /// Number of identifiers.
    package var count: Int { identifiers.count }

    /// The index of an identifier, `nil` when unknown.
    package subscript(identifier: String) -> Int? { indices[identifier] }

    /// The index of an identifier, added at the end when new.
    /// - Parameter identifier: The identifier.
    /// - Returns: Its index.
    package mutating func insert(_ identifier: String) -> Int {
        if let index = indices[identifier] { return index }
        identifiers.append(identifier)
        indices[identifier] = identifiers.count - 1
        return identifiers.count - 1
    }
}
