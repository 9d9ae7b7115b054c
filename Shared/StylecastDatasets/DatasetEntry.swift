import StylecastProto

/// One canonical record produced by a dataset reader.
public enum DatasetRecord: Sendable {
    /// A catalogue item.
    case item(Stylecast_V1_FashionItem)
    /// A purchase, review or other customer action.
    case interaction(Stylecast_V1_Interaction)
    /// A weekly search-interest series.
    case signal(Stylecast_V1_SearchInterestSeries)
}

/// What a reader made of one record of its file: a canonical record or a rejection.
public struct DatasetEntry: Sendable {
    /// Where the record is in its file: the 1-based physical line number of its first line in
    /// the decompressed file (quoted newlines count), or for idx images the 0-based image index
    /// within its split. Records derived from the same line (an Amazon review's item and
    /// interaction, one sequence's interactions) share it; a series carries the line of its
    /// first row.
    public var index: UInt64
    /// The record or why it was rejected.
    public var outcome: Outcome

    /// The result of reading one record.
    public enum Outcome: Sendable {
        /// A record; `repair` states the rule applied when the reader repaired the row,
        /// `nil` when the row was read as it is.
        case record(DatasetRecord, repair: String?)
        /// The record was rejected: `index`, `record_id` when known, `field`, `rule`, and a
        /// `message` naming the record, the field and the rule.
        case rejected(Stylecast_V1_RecordError)
    }

    /// Creates an entry.
    /// - Parameters:
    ///   - index: The line number (or image index) of the record.
    ///   - outcome: The record or its rejection.
    public init(index: UInt64, outcome: Outcome) {
        self.index = index
        self.outcome = outcome
    }
}

extension DatasetEntry {
    /// The record, or `nil` for a rejection.
    public var record: DatasetRecord? {
        if case .record(let record, _) = outcome { return record }
        return nil
    }

    /// The rejection, or `nil` for a record.
    public var rejection: Stylecast_V1_RecordError? {
        if case .rejected(let error) = outcome { return error }
        return nil
    }

    /// The repair rule applied, or `nil` when the record was read as it is or rejected.
    public var repair: String? {
        if case .record(_, let repair) = outcome { return repair }
        return nil
    }
}
