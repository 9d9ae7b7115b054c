import Foundation
import StylecastCalendar
import StylecastErrors
import StylecastTrends

/// The fields trend reads share, checked with errors that name the field.
enum TrendRequestRules {
    /// Kinds of attribute, and `term` for search terms as ingested.
    static let kinds: Set<String> = ["color", "pattern", "style", "material", "silhouette", "category", TrendAttribute.termKind]

    /// The day of an `as_of` field: empty = `nil` (latest); a date `YYYY-MM-DD`, optionally
    /// followed by an ISO-8601 time (`2019-06-03T12:00:00Z`), in 1900-2100.
    static func asOf(_ text: String) throws(InvalidInput) -> CivilDay? {
        guard !text.isEmpty else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let rest = trimmed.dropFirst(10)
        guard rest.isEmpty || rest.first == "T" || rest.first == " ",
            let day = CivilDay(iso: trimmed, allowingTrailingText: true),
            (1900...2100).contains(day.components.year)
        else {
            throw InvalidInput(
                field: "as_of", rule: "must be an ISO-8601 date (YYYY-MM-DD, or a date-time) in 1900-2100, got \"\(text.prefix(64))\"")
        }
        return day
    }

    /// The kind filter: empty or one of ``kinds``.
    static func kind(_ text: String) throws(InvalidInput) -> String? {
        guard !text.isEmpty else { return nil }
        guard kinds.contains(text) else {
            throw InvalidInput(field: "kind", rule: "must be empty or one of \(kinds.sorted().joined(separator: ", ")), got \"\(text.prefix(64))\"")
        }
        return text
    }

    /// What `ListTrends.stage` selects.
    enum StageFilter: Equatable {
        /// Attributes with a stage (the default).
        case staged
        /// Every attribute.
        case any
        /// Attributes without a stage.
        case unsupported
        case stage(LifecycleStage)
        case direction(TrendDirection)

        func admits(_ stage: LifecycleStage?) -> Bool {
            switch self {
            case .staged: stage != nil
            case .any: true
            case .unsupported: stage == nil
            case .stage(let wanted): stage == wanted
            case .direction(let direction): stage?.direction == direction
            }
        }
    }

    /// The names `stage` accepts.
    static let stageNames = LifecycleStage.allCases.map(\.rawValue) + TrendDirection.allCases.map(\.rawValue) + ["unsupported", "any"]

    static func stage(_ text: String) throws(InvalidInput) -> StageFilter {
        if text.isEmpty { return .staged }
        if let stage = LifecycleStage(rawValue: text) { return .stage(stage) }
        if let direction = TrendDirection(rawValue: text) { return .direction(direction) }
        if text == "any" { return .any }
        if text == "unsupported" { return .unsupported }
        throw InvalidInput(field: "stage", rule: "must be empty or one of \(stageNames.joined(separator: ", ")), got \"\(text.prefix(64))\"")
    }

    /// The measure of `GetSeries.measure`, with the first version's names: `signal` is
    /// `interest`, `items` is `launches`.
    static func measure(_ text: String) throws(InvalidInput) -> TrendMeasure? {
        switch text {
        case "": return nil
        case "signal": return .interest
        case "items": return .launches
        default:
            guard let measure = TrendMeasure(rawValue: text) else {
                throw InvalidInput(
                    field: "measure",
                    rule: "must be empty or one of \(TrendMeasure.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text.prefix(64))\"")
            }
            return measure
        }
    }
}

/// A market or source a trend read names that has no data.
struct UnknownTrendName: StylecastError, Equatable {
    /// `market` or `source`.
    var field: String
    var value: String
    /// The names that have data.
    var known: [String]

    var failureKind: FailureKind { .notFound }
    var description: String {
        let list = known.prefix(40).joined(separator: ", ") + (known.count > 40 ? ", ..." : "")
        return "\(field): no data for \"\(value.prefix(64))\"; \(known.isEmpty ? "nothing has been aggregated yet" : "known: \(list)") (ListMarkets lists them)"
    }
}
