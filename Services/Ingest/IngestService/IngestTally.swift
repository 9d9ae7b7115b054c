import StylecastCalendar
import StylecastProto

/// Counts the outcome of one ingest call and keeps the first per-record errors for its summary.
struct IngestTally: Sendable {
    private(set) var accepted: UInt64 = 0
    private(set) var rejected: UInt64 = 0
    private(set) var duplicates: UInt64 = 0
    private(set) var errors: [Stylecast_V1_RecordError] = []
    private(set) var errorsTruncated = false
    private let maxErrors: Int
    private let started = ContinuousClock.now

    /// Creates an empty tally that lists at most `maxErrors` errors.
    init(maxErrors: Int) {
        self.maxErrors = maxErrors
    }

    /// Counts a stored record.
    mutating func accept() { accepted += 1 }

    /// Counts a record that was already stored (same id or same content).
    mutating func duplicate() { duplicates += 1 }

    /// Counts a refused record and keeps its error while there is room.
    mutating func reject(_ error: Stylecast_V1_RecordError) {
        rejected += 1
        if errors.count < maxErrors { errors.append(error) } else { errorsTruncated = true }
    }

    /// The summary sent to the client.
    func summary() -> Stylecast_V1_IngestSummary {
        .with {
            $0.accepted = accepted
            $0.rejected = rejected
            $0.duplicates = duplicates
            $0.errors = errors
            $0.errorsTruncated = errorsTruncated
            $0.timings.totalMs = (ContinuousClock.now - started).milliseconds
        }
    }
}
