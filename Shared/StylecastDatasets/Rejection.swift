import StylecastProto

/// Builds the rejected entry for one record.
enum Rejection {
    /// An entry rejecting the record at `index`.
    /// - Parameters:
    ///   - index: Its line number (or image index).
    ///   - recordID: The record's id when known (e.g. "myntra:15970"), else "".
    ///   - field: The field at fault.
    ///   - rule: The rule broken.
    ///   - unit: What `index` counts, for the message ("line", "image").
    static func entry(
        index: UInt64, recordID: String = "", field: String, rule: String, unit: String = "line"
    ) -> DatasetEntry {
        var error = Stylecast_V1_RecordError()
        error.index = index
        error.recordID = recordID
        error.field = field
        error.rule = rule
        let record = recordID.isEmpty ? "\(unit) \(index)" : "\(unit) \(index) (\(recordID))"
        error.message = "\(record): \(field): \(rule)"
        return DatasetEntry(index: index, outcome: .rejected(error))
    }
}

extension DatasetEntry {
    /// A record read as it is, or repaired when `repair` states the rule.
    static func record(_ record: DatasetRecord, index: UInt64, repair: String? = nil) -> DatasetEntry {
        DatasetEntry(index: index, outcome: .record(record, repair: repair))
    }
}
