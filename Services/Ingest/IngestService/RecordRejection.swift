import StylecastProto

/// Why one record was refused: the field at fault and the rule it broke.
struct RecordRejection: Error, Equatable, Sendable {
    /// The field, e.g. `release_date` or `extra["year"]`.
    var field: String
    /// The rule, phrased as a requirement: "must be an ISO-8601 date".
    var rule: String

    /// The per-record error of a summary.
    /// - Parameters:
    ///   - index: The record's 0-based position in the call.
    ///   - recordID: The record's own id, when it has one.
    func recordError(index: Int, recordID: String) -> Stylecast_V1_RecordError {
        .with {
            $0.index = UInt64(index)
            $0.recordID = recordID
            $0.field = field
            $0.rule = rule
            let name = recordID.isEmpty ? "record \(index)" : "record \(index) (\(recordID))"
            $0.message = "\(name): \(field) \(rule)"
        }
    }
}
