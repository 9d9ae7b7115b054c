import Foundation
import StylecastProto

/// What `stylecast ingest` tells the user at the end: counts per record kind, the rows the
/// reader repaired, and the per-record errors with their file line numbers.
struct IngestReport: Sendable {
    /// Counts of one record kind.
    struct Counts: Sendable {
        var accepted: UInt64 = 0
        var rejected: UInt64 = 0
        var duplicates: UInt64 = 0
    }

    /// Most errors kept for printing.
    static let maxErrors = 1000

    var items = Counts()
    var interactions = Counts()
    var signals = Counts()
    /// Records the reader repaired (accepted or not), with the first repair rules.
    var repaired: UInt64 = 0
    var repairs: [String] = []
    var errors: [Stylecast_V1_RecordError] = []
    var errorsTruncated = false
    var lines: UInt64 = 0
    var seconds: Double = 0

    var accepted: UInt64 { items.accepted + interactions.accepted + signals.accepted }
    var rejected: UInt64 { items.rejected + interactions.rejected + signals.rejected }
    var duplicates: UInt64 { items.duplicates + interactions.duplicates + signals.duplicates }

    /// Counts a record the reader refused before sending (its index is already a line number).
    mutating func rejectedByReader(_ error: Stylecast_V1_RecordError, kind: WritableKeyPath<IngestReport, Counts>) {
        self[keyPath: kind].rejected += 1
        keep(error)
    }

    /// Adds a service summary; `lines[i]` is the file line of the call's i-th record.
    mutating func add(_ summary: Stylecast_V1_IngestSummary, kind: WritableKeyPath<IngestReport, Counts>, lines: [UInt64]) {
        self[keyPath: kind].accepted += summary.accepted
        self[keyPath: kind].rejected += summary.rejected
        self[keyPath: kind].duplicates += summary.duplicates
        for var error in summary.errors {
            if Int(error.index) < lines.count {
                let line = lines[Int(error.index)]
                error.index = line
                let id = error.recordID.isEmpty ? "" : " (\(error.recordID))"
                error.message = "line \(line)\(id): \(error.field) \(error.rule)"
            }
            keep(error)
        }
        if summary.errorsTruncated { errorsTruncated = true }
    }

    private mutating func keep(_ error: Stylecast_V1_RecordError) {
        if errors.count < Self.maxErrors { errors.append(error) } else { errorsTruncated = true }
    }

    /// The human-readable summary.
    func text(file: String) -> String {
        var out = [
            "\(file): \(ProgressReporter.grouped(Int(lines))) records in \(String(format: "%.1f", seconds)) s"
                + " (\(ProgressReporter.grouped(Int(Double(lines) / max(seconds, 1e-3))))/s)",
            "  accepted \(accepted), rejected \(rejected), duplicates \(duplicates), repaired \(repaired)",
        ]
        for (name, counts) in [("items", items), ("interactions", interactions), ("signals", signals)]
        where counts.accepted + counts.rejected + counts.duplicates > 0 {
            out.append("  \(name): accepted \(counts.accepted), rejected \(counts.rejected), duplicates \(counts.duplicates)")
        }
        if let rule = repairs.first { out.append("  repaired rows: \(rule)\(repairs.count > 1 ? " (and others)" : "")") }
        for error in errors.prefix(20) { out.append("  rejected: \(error.message)") }
        if errors.count > 20 || errorsTruncated { out.append("  ... \(Int(rejected) - min(20, errors.count)) more rejected (see --json)") }
        return out.joined(separator: "\n")
    }

    /// One JSON object: `accepted`, `rejected`, `duplicates`, `repaired`, per-kind counts, `errors`.
    func json(file: String) throws -> String {
        func counts(_ c: Counts) -> [String: Any] {
            ["accepted": c.accepted, "rejected": c.rejected, "duplicates": c.duplicates]
        }
        return try jsonText([
            "file": file, "records": lines, "seconds": seconds,
            "accepted": accepted, "rejected": rejected, "duplicates": duplicates, "repaired": repaired,
            "items": counts(items), "interactions": counts(interactions), "signals": counts(signals),
            "errors": errors.map {
                ["index": $0.index, "record_id": $0.recordID, "field": $0.field, "rule": $0.rule, "message": $0.message]
                    as [String: Any]
            },
            "errors_truncated": errorsTruncated,
        ])
    }
}
