import StylecastContracts
import StylecastProto

/// Validates and normalises one incoming item: the rules of docs/ingest-formats.md.
///
/// Rules, checked in this order (the first broken one is reported):
/// - `source`: 1-32 characters of `a-z`, `0-9`, `-`.
/// - `source_id`: required, at most 256 bytes, without `{` or `}` (``KeyIdentifier``: it is part
///   of the item's key).
/// - `item_id`: empty (then `<source>:<source_id>` is assigned) or exactly that.
/// - every text field at most ``IngestConfiguration/maxTextBytes``; `extra` at most 64 entries.
/// - `title` or `description` not empty after normalisation, unless the item has an image.
/// - `price`: finite and not negative.
/// - `release_date`: empty or a date (see ``IngestDate``), stored as the UTC day.
/// - `market`: empty or 1-16 characters of `A-Z`, `0-9`, `-` (upper-cased first).
/// - `image`: at most ``IngestConfiguration/maxImageBytes`` (decoded later by the image features).
///
/// Normalisation: every text NFKC, single-spaced and trimmed; colour and category mapped to the
/// canonical vocabularies (the source's own term kept in `extra["color_raw"]` /
/// `extra["category_raw"]` when it differs); gender and season canonical.
struct ItemPreparation: Sendable {
    /// Most `extra` entries of one item.
    static let maxExtraEntries = 64

    let configuration: IngestConfiguration
    let vocabulary: CanonicalVocabulary

    /// The normalised item, or the first rule it breaks.
    func prepare(_ incoming: Stylecast_V1_FashionItem) -> Result<Stylecast_V1_FashionItem, RecordRejection> {
        var item = incoming
        item.source = TextNormalization.key(item.source)
        guard TextNormalization.isSourceName(item.source) else {
            return .failure(.init(field: "source", rule: "must be 1-32 characters of a-z, 0-9 and '-'"))
        }
        item.sourceID = TextNormalization.normalized(item.sourceID)
        if let rule = KeyIdentifier.violation(of: item.sourceID) { return .failure(.init(field: "source_id", rule: rule)) }
        let assignedID = "\(item.source):\(item.sourceID)"
        guard item.itemID.isEmpty || item.itemID == assignedID else {
            return .failure(.init(field: "item_id", rule: "must be empty or \"\(assignedID)\" (<source>:<source_id>)"))
        }
        item.itemID = assignedID

        if let rejection = checkTextLengths(item) { return .failure(rejection) }
        item.title = TextNormalization.normalized(item.title)
        item.description_p = TextNormalization.normalized(item.description_p)
        guard !item.title.isEmpty || !item.description_p.isEmpty || !item.image.isEmpty else {
            return .failure(.init(field: "title", rule: "or description must not be empty (an item needs text or an image)"))
        }
        guard item.price.isFinite, item.price >= 0 else {
            return .failure(.init(field: "price", rule: "must be a finite number >= 0, got \(item.price)"))
        }
        if !item.releaseDate.isEmpty {
            guard let day = IngestDate.utcDay(item.releaseDate) else {
                return .failure(
                    .init(
                        field: "release_date",
                        rule: "must be a date (YYYY-MM-DD or ISO-8601 date-time) in 1900-2100, got \"\(item.releaseDate)\""))
            }
            item.releaseDate = day
        }
        guard let market = TextNormalization.marketCode(item.market) else {
            return .failure(.init(field: "market", rule: "must be empty or 1-16 characters of A-Z, 0-9 and '-' (e.g. US, IT), got \"\(item.market.prefix(32))\""))
        }
        item.market = market
        guard item.image.count <= configuration.maxImageBytes else {
            return .failure(
                .init(field: "image", rule: "must be at most \(configuration.maxImageBytes) bytes, got \(item.image.count)"))
        }
        normalizeVocabulary(&item)
        return .success(item)
    }

    private func checkTextLengths(_ item: Stylecast_V1_FashionItem) -> RecordRejection? {
        let limit = configuration.maxTextBytes
        let fields: [(String, String)] = [
            ("title", item.title), ("description", item.description_p), ("category", item.category),
            ("color", item.color), ("fabric", item.fabric), ("season", item.season), ("gender", item.gender),
            ("brand", item.brand),
        ]
        for (name, value) in fields where value.utf8.count > limit {
            return .init(field: name, rule: "must be at most \(limit) bytes of UTF-8, got \(value.utf8.count)")
        }
        guard item.extra.count <= Self.maxExtraEntries else {
            return .init(field: "extra", rule: "must have at most \(Self.maxExtraEntries) entries, got \(item.extra.count)")
        }
        for (key, value) in item.extra where key.utf8.count > 128 || value.utf8.count > limit {
            return .init(field: "extra[\"\(key.prefix(40))\"]", rule: "key must be at most 128 bytes and value at most \(limit) bytes")
        }
        return nil
    }

    private func normalizeVocabulary(_ item: inout Stylecast_V1_FashionItem) {
        let rawColor = TextNormalization.normalized(item.color)
        item.color = vocabulary.color(rawColor)
        if !rawColor.isEmpty, rawColor.lowercased() != item.color { item.extra["color_raw"] = rawColor }
        let rawCategory = TextNormalization.normalized(item.category)
        item.category = vocabulary.category(rawCategory)
        if !rawCategory.isEmpty, rawCategory.lowercased() != item.category { item.extra["category_raw"] = rawCategory }
        item.fabric = TextNormalization.key(item.fabric)
        item.gender = vocabulary.gender(item.gender)
        item.season = vocabulary.season(item.season)
        item.brand = TextNormalization.normalized(item.brand)
        var extra: [String: String] = [:]
        for (key, value) in item.extra { extra[TextNormalization.normalized(key)] = TextNormalization.normalized(value) }
        item.extra = extra
    }
}
