import Foundation
import StylecastContracts
import StylecastProto

/// Validates and normalises one incoming interaction (docs/ingest-formats.md).
///
/// Rules, first broken one reported: `source` as for items; `user_id` and `item_id` required,
/// and these and `interaction_id` at most 256 bytes without `{` or `}` (``KeyIdentifier``); `kind` one of purchase, view, review, cart; `timestamp` 0 (unknown) or
/// a Unix time no later than a day from now; `rating` 0 or 1-5; `quantity` finite and not
/// negative (0 means 1); `price` finite and not negative; `sequence` not negative;
/// `recommendation_id` empty or at most 1024 characters of `A-Z`, `a-z`, `0-9`, `-`, `_`, `.`.
/// An empty `interaction_id` becomes `<source>:sha1:<digest of the other fields>`, so resending
/// the same content is recognised as a duplicate.
struct InteractionPreparation: Sendable {
    /// The interaction kinds of the v1 contract.
    static let kinds: Set<String> = ["purchase", "view", "review", "cart"]
    /// Longest `recommendation_id`.
    static let maximumRecommendationIDBytes = 1024

    private static func isRecommendationIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// The normalised interaction, or the first rule it breaks.
    func prepare(_ incoming: Stylecast_V1_Interaction, now: Date = Date()) -> Result<Stylecast_V1_Interaction, RecordRejection> {
        var interaction = incoming
        interaction.source = TextNormalization.key(interaction.source)
        guard !interaction.source.isEmpty, interaction.source.utf8.count <= 32 else {
            return .failure(.init(field: "source", rule: "must be 1-32 characters of a-z, 0-9 and '-'"))
        }
        interaction.userID = TextNormalization.normalized(interaction.userID)
        interaction.itemID = TextNormalization.normalized(interaction.itemID)
        for (field, value) in [("user_id", interaction.userID), ("item_id", interaction.itemID)] {
            if let rule = KeyIdentifier.violation(of: value) { return .failure(.init(field: field, rule: rule)) }
        }
        interaction.kind = TextNormalization.key(interaction.kind)
        guard Self.kinds.contains(interaction.kind) else {
            return .failure(
                .init(field: "kind", rule: "must be one of \(Self.kinds.sorted().joined(separator: ", ")), got \"\(interaction.kind)\""))
        }
        let latest = Int64(now.timeIntervalSince1970) + 86_400
        guard interaction.timestamp >= 0, interaction.timestamp <= latest else {
            return .failure(
                .init(field: "timestamp", rule: "must be Unix seconds between 0 and a day from now, got \(interaction.timestamp)"))
        }
        guard interaction.rating.isFinite, interaction.rating == 0 || (1...5).contains(interaction.rating) else {
            return .failure(.init(field: "rating", rule: "must be 0 (none) or between 1 and 5, got \(interaction.rating)"))
        }
        guard interaction.quantity.isFinite, interaction.quantity >= 0 else {
            return .failure(.init(field: "quantity", rule: "must be a finite number >= 0, got \(interaction.quantity)"))
        }
        if interaction.quantity == 0 { interaction.quantity = 1 }
        guard interaction.price.isFinite, interaction.price >= 0 else {
            return .failure(.init(field: "price", rule: "must be a finite number >= 0, got \(interaction.price)"))
        }
        guard interaction.sequence >= 0 else {
            return .failure(.init(field: "sequence", rule: "must be >= 0, got \(interaction.sequence)"))
        }
        guard interaction.recommendationID.utf8.count <= Self.maximumRecommendationIDBytes,
            interaction.recommendationID.utf8.allSatisfy(Self.isRecommendationIDByte)
        else {
            return .failure(
                .init(
                    field: "recommendation_id",
                    rule: "must be empty or at most \(Self.maximumRecommendationIDBytes) characters of A-Z, a-z, 0-9, '-', '_' and '.' (as Recommend returned it)"))
        }
        interaction.interactionID = TextNormalization.normalized(interaction.interactionID)
        if let rule = KeyIdentifier.violation(of: interaction.interactionID, allowEmpty: true) {
            return .failure(.init(field: "interaction_id", rule: rule))
        }
        if interaction.interactionID.isEmpty {
            interaction.interactionID = "\(interaction.source):sha1:\(ContentFingerprint.of(interaction))"
        }
        return .success(interaction)
    }
}

/// Validates and normalises one search-interest series.
///
/// Rules: `source` as for items; `term` required and `group` optional, each at most 256 bytes
/// without `{` or `}` (``KeyIdentifier``: both are part of the series' key); `geo` empty or 1-16 characters
/// of `A-Z`, `0-9`, `-` (upper-cased first); 1-10,000 points; each point's `week` a date (stored as
/// the UTC day) and its value finite and not negative; no week twice. Points are sorted by week.
struct SignalPreparation: Sendable {
    /// Most points of one series (about 190 years of weeks).
    static let maxPoints = 10_000

    /// The normalised series, or the first rule it breaks.
    func prepare(_ incoming: Stylecast_V1_SearchInterestSeries) -> Result<Stylecast_V1_SearchInterestSeries, RecordRejection> {
        var series = incoming
        series.source = TextNormalization.key(series.source)
        guard TextNormalization.isSourceName(series.source) else {
            return .failure(.init(field: "source", rule: "must be 1-32 characters of a-z, 0-9 and '-'"))
        }
        series.term = TextNormalization.key(series.term)
        guard let geo = TextNormalization.marketCode(series.geo) else {
            return .failure(.init(field: "geo", rule: "must be empty or 1-16 characters of A-Z, 0-9 and '-' (e.g. US), got \"\(series.geo.prefix(32))\""))
        }
        series.geo = geo
        series.group = TextNormalization.key(series.group)
        if let rule = KeyIdentifier.violation(of: series.term) { return .failure(.init(field: "term", rule: rule)) }
        if let rule = KeyIdentifier.violation(of: series.group, allowEmpty: true) {
            return .failure(.init(field: "group", rule: rule))
        }
        guard !series.points.isEmpty, series.points.count <= Self.maxPoints else {
            return .failure(
                .init(field: "points", rule: "must hold between 1 and \(Self.maxPoints) points, got \(series.points.count)"))
        }
        var weeks = Set<String>()
        for index in series.points.indices {
            guard let day = IngestDate.utcDay(series.points[index].week) else {
                return .failure(.init(field: "points[\(index)].week", rule: "must be a date, got \"\(series.points[index].week)\""))
            }
            guard series.points[index].value.isFinite, series.points[index].value >= 0 else {
                return .failure(
                    .init(field: "points[\(index)].value", rule: "must be a finite number >= 0, got \(series.points[index].value)"))
            }
            guard weeks.insert(day).inserted else {
                return .failure(.init(field: "points[\(index)].week", rule: "must not repeat a week, \(day) appears twice"))
            }
            series.points[index].week = day
        }
        series.points.sort { $0.week < $1.week }
        return .success(series)
    }

    /// The stable id of a series: `<source>:<geo>:<group>:<term>` (empty parts kept).
    static func signalID(_ series: Stylecast_V1_SearchInterestSeries) -> String {
        "\(series.source):\(series.geo):\(series.group):\(series.term)"
    }
}
