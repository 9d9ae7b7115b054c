extension WorkQueue {
    /// One stream entry handed to a consumer.
    public struct Entry: Sendable, Hashable {
        /// One field of the entry, in the order it was added.
        public struct Field: Sendable, Hashable {
            /// The field name.
            public var name: String
            /// The field value (UTF-8; invalid bytes are replaced).
            public var value: String

            /// Creates a field.
            /// - Parameters:
            ///   - name: The field name.
            ///   - value: The value.
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        /// The stream entry ID, e.g. `1718000000000-0`.
        public var id: String
        /// The entry's fields in order.
        public var fields: [Field]
        /// How many times the entry has been delivered to a consumer of the group, this
        /// delivery included (1 on first delivery).
        public var deliveryCount: Int

        /// Creates an entry.
        /// - Parameters:
        ///   - id: The stream entry ID.
        ///   - fields: The fields in order.
        ///   - deliveryCount: Deliveries so far, this one included.
        public init(id: String, fields: [Field], deliveryCount: Int) {
            self.id = id
            self.fields = fields
            self.deliveryCount = deliveryCount
        }

        /// The value of the first field with this name, or `nil`.
        /// - Parameter name: The field name.
        public subscript(name: String) -> String? {
            fields.first(where: { $0.name == name })?.value
        }
    }
}
