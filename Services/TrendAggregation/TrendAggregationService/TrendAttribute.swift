import Foundation
import StylecastAttributes
import StylecastContracts
import StylecastProto

/// One (kind, value) pair a series belongs to, e.g. `color` / `neon`.
struct TrendAttribute: Hashable, Sendable, Comparable {
    var kind: String
    var value: String

    /// The kind of a search term as ingested, a topic of its own beside the attributes it names.
    static let termKind = "term"

    /// `kind:value`.
    var key: String { "\(kind):\(value)" }

    init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }

    /// Parses `kind:value`.
    init?(key: String) {
        guard let colon = key.firstIndex(of: ":") else { return nil }
        kind = String(key[..<colon])
        value = String(key[key.index(after: colon)...])
        guard !kind.isEmpty, !value.isEmpty else { return nil }
    }

    static func < (lhs: TrendAttribute, rhs: TrendAttribute) -> Bool { lhs.key < rhs.key }

    /// The attributes an item counts under: its own `category`, `color` and `fabric` (as
    /// `material`) as ingest normalised them, then, for kinds the item does not fill itself, the
    /// attributes text-embedding extracted from its text. One value per kind from the item's own
    /// fields keeps "items per category" summing to the number of items.
    static func of(item: Stylecast_V1_FashionItem, extracted: [TrendAttribute]) -> [TrendAttribute] {
        var result: [TrendAttribute] = []
        for (kind, value) in [("category", item.category), ("color", item.color), ("material", item.fabric)]
        where !value.isEmpty {
            result.append(TrendAttribute(kind: kind, value: value))
        }
        let own = Set(result.map(\.kind))
        for attribute in extracted where !own.contains(attribute.kind) && !result.contains(attribute) {
            result.append(attribute)
        }
        return result
    }

    /// The attributes of a purchase: the bought item's own fields only, so that counts do not
    /// depend on whether its text was embedded yet.
    static func ownFields(of item: Stylecast_V1_FashionItem) -> [TrendAttribute] {
        of(item: item, extracted: [])
    }

    /// The attributes the `attributes` field of an embedded-item entry lists (JSON list of
    /// `{kind, value, ...}`); malformed JSON yields none.
    static func decode(json: String) -> [TrendAttribute] {
        AttributesCodec.decode(json).map { TrendAttribute(kind: $0.kind, value: $0.value) }
    }

    /// The attributes a search term names ("floral dress" -> pattern floral, category dress),
    /// found by the attribute lexicon.
    static func of(term: String, extractor: AttributeExtractor = .standard) -> [TrendAttribute] {
        var seen = Set<TrendAttribute>()
        return extractor.extract(term).map { TrendAttribute(kind: $0.kind.rawValue, value: $0.value) }
            .filter { seen.insert($0).inserted }
    }
}
