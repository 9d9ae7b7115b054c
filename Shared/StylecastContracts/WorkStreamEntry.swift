/// The fields of one work stream's entries: their wire names, in write order, defined once.
public protocol WorkStreamSchema: Sendable {
    /// The fields, in the order they are written (the id first: the ingest scripts read it at
    /// `ARGV[b + 1]`).
    associatedtype Field: RawRepresentable<String>, CaseIterable, Hashable, Sendable
    /// The stream that carries the entries.
    static var stream: WorkStream { get }
}

/// An entry of a work stream, typed by its schema: every writer and reader goes through it,
/// the ingest scripts' `XADD` included (``luaFieldArguments(base:)``), so no field name is
/// spelled anywhere else. Values are text; a field the entry lacks reads as the empty string,
/// and each consumer decides which fields it requires and says so in its error.
public struct WorkStreamEntry<Schema: WorkStreamSchema>: Sendable, Equatable {
    /// The entry's fields.
    public typealias Field = Schema.Field
    /// The stream that carries these entries.
    public static var stream: WorkStream { Schema.stream }

    private var values: [Schema.Field: String]

    /// Creates an entry from its values (absent fields are empty).
    public init(_ values: [Schema.Field: String]) { self.values = values.filter { !$0.value.isEmpty } }

    /// Reads an entry from its field values by name, e.g. `{ queueEntry[$0] }`.
    public init(fields value: (String) -> String?) {
        var values: [Schema.Field: String] = [:]
        for field in Schema.Field.allCases { values[field] = value(field.rawValue) }
        self.init(values)
    }

    /// A field's value, `""` when the entry lacks it.
    public subscript(field: Schema.Field) -> String {
        get { values[field] ?? "" }
        set { values[field] = newValue.isEmpty ? nil : newValue }
    }

    /// Every field's value in write order (the script arguments of ``luaFieldArguments(base:)``).
    public var orderedValues: [String] { Schema.Field.allCases.map { self[$0] } }

    /// The field names and values in write order (the arguments of `XADD` after the id).
    public var fields: [(name: String, value: String)] { Schema.Field.allCases.map { ($0.rawValue, self[$0]) } }

    /// Lua for the `XADD` field list of an entry whose ``orderedValues`` are the script arguments
    /// `ARGV[<base> + 1]` onwards.
    /// - Parameter base: A Lua expression for the offset of the entry's first value, minus 1.
    public static func luaFieldArguments(base: String) -> String {
        Schema.Field.allCases.enumerated().map { index, field in "'\(field.rawValue)', ARGV[\(base) + \(index + 1)]" }
            .joined(separator: ", ")
    }
}

/// Items accepted by ingest, on `stylecast:{items.ingested}`; each body is at
/// ``StylecastKeys/item(_:)``.
public enum IngestedItemFields: WorkStreamSchema {
    public enum Field: String, CaseIterable, Sendable {
        /// `item_id` (`myntra:15970`), then the data source, and the texts embedded in order.
        case itemID = "item_id", source, title, description
    }
    public static let stream = WorkStream.itemsIngested
}

/// Interactions accepted by ingest, on `stylecast:{interactions}`: every field of the
/// `Interaction` message as text (numbers in decimal; `timestamp` in Unix seconds; `kind` one of
/// `purchase`, `view`, `review`, `cart`; `recommendation_id` empty unless the action came from a
/// recommendation list).
public enum InteractionFields: WorkStreamSchema {
    public enum Field: String, CaseIterable, Sendable {
        case interactionID = "interaction_id", userID = "user_id", itemID = "item_id", kind, timestamp, rating,
            quantity, price, source, sequence, recommendationID = "recommendation_id"
    }
    public static let stream = WorkStream.interactions
}

/// Search-interest series accepted by ingest, on `stylecast:{signals}`; each body is at
/// ``StylecastKeys/signal(_:)``. `geo` is the market, `points` the number of points.
public enum SignalFields: WorkStreamSchema {
    public enum Field: String, CaseIterable, Sendable {
        case signalID = "signal_id", source, term, geo, group, points
    }
    public static let stream = WorkStream.signals
}

/// Items embedded by text-embedding, on `stylecast:{items.embedded}`: the `items.ingested` entry
/// it was embedded for, the extracted attributes (``AttributesCodec`` JSON) and the tokens read;
/// the vector is at ``StylecastKeys/itemEmbedding(_:)``.
public enum EmbeddedItemFields: WorkStreamSchema {
    public enum Field: String, CaseIterable, Sendable {
        case itemID = "item_id", ingestedEntry = "ingested_entry", attributes, tokenCount = "token_count"
    }
    public static let stream = WorkStream.itemsEmbedded
}

/// An entry of `stylecast:{items.ingested}`.
public typealias IngestedItemEntry = WorkStreamEntry<IngestedItemFields>
/// An entry of `stylecast:{interactions}`.
public typealias InteractionEntry = WorkStreamEntry<InteractionFields>
/// An entry of `stylecast:{signals}`.
public typealias SignalEntry = WorkStreamEntry<SignalFields>
/// An entry of `stylecast:{items.embedded}`.
public typealias EmbeddedItemEntry = WorkStreamEntry<EmbeddedItemFields>
