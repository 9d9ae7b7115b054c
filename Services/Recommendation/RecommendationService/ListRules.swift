import StylecastErrors
import StylecastProto

/// What a caller allows in one list (`ListRules` of the request, docs/recommendation.md,
/// "Request rules"): attribute filters, a price band, excluded items and a diversity limit,
/// validated once and then asked of every candidate before the top-k cut.
package struct ListRules: Sendable {
    /// An item attribute rules can name.
    package enum Attribute: String, Sendable, CaseIterable {
        case category, color, fabric, season, gender, brand, source, market
    }

    /// Each filter must hold: the item's value of the attribute is one of the values.
    package var include: [(attribute: Attribute, values: Set<String>)] = []
    /// No filter may hold.
    package var exclude: [(attribute: Attribute, values: Set<String>)] = []
    /// The inclusive price band; `nil` for no bound.
    package var minPrice: Double?
    package var maxPrice: Double?
    /// Items never returned.
    package var excludedItems: Set<String> = []
    /// At most `maxPerValue` items per value of `attribute`.
    package var diversity: (attribute: Attribute, maxPerValue: Int)?
    /// Items out of stock or hidden (the ``ItemCatalogue``'s, set by the service, not the caller):
    /// never returned.
    package var withdrawn: Set<String> = []

    /// Most ids `exclude_item_ids` may name.
    package static let maximumExcludedItems = 10_000
    /// Most values one attribute filter may list.
    package static let maximumFilterValues = 1_000

    /// Whether the rules leave the list as it would be without them.
    package var isEmpty: Bool { !readsFacts && excludedItems.isEmpty && diversity == nil && withdrawn.isEmpty }

    /// Whether the rules ask an item's attributes or price (not only its id).
    package var readsFacts: Bool { !include.isEmpty || !exclude.isEmpty || minPrice != nil || maxPrice != nil }

    /// Only the attribute filters and the price band of these rules (what a rule list is
    /// computed with; exclusions and diversity are applied when it is read).
    package var filtersOnly: ListRules {
        var filters = ListRules()
        filters.include = include
        filters.exclude = exclude
        filters.minPrice = minPrice
        filters.maxPrice = maxPrice
        return filters
    }

    /// The attribute filters and price band as one canonical text (values sorted): the key of a
    /// rule list in the near cache.
    package var filterKey: String {
        // Built by appending: this runs for every rule request, cache hits included.
        func append(_ filters: [(attribute: Attribute, values: Set<String>)], to key: inout String) {
            var texts: [String] = []
            texts.reserveCapacity(filters.count)
            for filter in filters {
                var text = filter.attribute.rawValue + "="
                // Each value length-prefixed, so that no value can read as two.
                for value in filter.values.sorted() {
                    text += String(value.utf8.count)
                    text += ":"
                    text += value
                }
                texts.append(text)
            }
            texts.sort()
            for (index, text) in texts.enumerated() {
                if index > 0 { key += ";" }
                key += text
            }
        }
        var key = "in:"
        append(include, to: &key)
        key += " out:"
        append(exclude, to: &key)
        key += " price:\(minPrice ?? 0)-\(maxPrice ?? 0)"
        return key
    }

    /// These rules, also refusing the `withdrawn` items.
    package func withdrawing(_ withdrawn: Set<String>) -> ListRules {
        var rules = self
        rules.withdrawn = withdrawn
        return rules
    }

    /// Validates the request's rules.
    /// - Throws: ``InvalidInput`` naming the field (`rules.include[0].attribute`, `rules.max_price`, ...)
    ///   and the limit.
    package init(_ message: Stylecast_V1_ListRules) throws(InvalidInput) {
        include = try Self.filters(message.include, field: "rules.include")
        exclude = try Self.filters(message.exclude, field: "rules.exclude")
        for (field, price) in [("rules.min_price", message.minPrice), ("rules.max_price", message.maxPrice)]
        where !(price.isFinite && price >= 0) {
            throw InvalidInput(field: field, rule: "must be a finite price of at least 0 (0: no bound), got \(price)")
        }
        minPrice = message.minPrice > 0 ? message.minPrice : nil
        maxPrice = message.maxPrice > 0 ? message.maxPrice : nil
        if let minPrice, let maxPrice, maxPrice < minPrice {
            throw InvalidInput(field: "rules.max_price", rule: "must be at least rules.min_price (\(minPrice)), got \(maxPrice)")
        }
        guard message.excludeItemIds.count <= Self.maximumExcludedItems else {
            throw InvalidInput(
                field: "rules.exclude_item_ids",
                rule: "must name at most \(Self.maximumExcludedItems) items, got \(message.excludeItemIds.count)")
        }
        excludedItems = Set(message.excludeItemIds)
        if message.hasDiversity {
            let attribute = try Self.attribute(message.diversity.attribute, field: "rules.diversity.attribute")
            guard message.diversity.maxPerValue >= 1 else {
                throw InvalidInput(field: "rules.diversity.max_per_value", rule: "must be at least 1, got 0")
            }
            diversity = (attribute, Int(message.diversity.maxPerValue))
        }
    }

    /// No rules.
    package init() {}

    /// Whether an item may be in the list. An item whose facts are unknown passes no attribute
    /// filter and no price bound, and is excluded by none.
    /// - Parameters:
    ///   - itemID: The item.
    ///   - facts: What the catalogue knows of it.
    package func admits(_ itemID: String, facts: ItemFacts?) -> Bool {
        admitsID(itemID) && admitsFacts(facts)
    }

    /// Whether an item's id is neither excluded nor withdrawn (its attributes and price are not
    /// asked).
    package func admitsID(_ itemID: String) -> Bool {
        !(!excludedItems.isEmpty && excludedItems.contains(itemID)) && !(!withdrawn.isEmpty && withdrawn.contains(itemID))
    }

    /// Whether an item's attributes and price pass the filters and the price band (its id is not
    /// asked).
    package func admitsFacts(_ facts: ItemFacts?) -> Bool {
        for filter in include where !filter.values.contains(facts?.value(of: filter.attribute) ?? "") { return false }
        for filter in exclude where filter.values.contains(facts?.value(of: filter.attribute) ?? "") { return false }
        if minPrice != nil || maxPrice != nil {
            guard let price = facts?.price, price > 0 else { return false }
            if let minPrice, price < minPrice { return false }
            if let maxPrice, price > maxPrice { return false }
        }
        return true
    }

    /// The first `count` items of `ranked` (best first) that the diversity limit allows.
    /// - Parameters:
    ///   - ranked: Candidates, best first, already admitted.
    ///   - count: List length.
    ///   - facts: The catalogue lookup.
    package func diverse<Candidate>(
        _ ranked: some Sequence<Candidate>, count: Int, itemID: (Candidate) -> String, facts: (String) -> ItemFacts?
    ) -> [Candidate] {
        var chosen: [Candidate] = []
        chosen.reserveCapacity(count)
        var perValue: [String: Int] = [:]
        for candidate in ranked {
            guard chosen.count < count else { break }
            if let diversity {
                let value = facts(itemID(candidate))?.value(of: diversity.attribute) ?? ""
                guard perValue[value, default: 0] < diversity.maxPerValue else { continue }
                perValue[value, default: 0] += 1
            }
            chosen.append(candidate)
        }
        return chosen
    }

    private static func filters(_ messages: [Stylecast_V1_AttributeFilter], field: String) throws(InvalidInput)
        -> [(attribute: Attribute, values: Set<String>)]
    {
        var filters: [(attribute: Attribute, values: Set<String>)] = []
        for (index, message) in messages.enumerated() {
            // The field's name is built only for an error: this runs for every rule request.
            guard let attribute = Attribute(rawValue: message.attribute) else {
                throw unknownAttribute(message.attribute, field: "\(field)[\(index)].attribute")
            }
            guard !message.values.isEmpty, message.values.count <= maximumFilterValues else {
                throw InvalidInput(
                    field: "\(field)[\(index)].values",
                    rule: "must list 1-\(maximumFilterValues) values, got \(message.values.count)")
            }
            filters.append((attribute, Set(message.values.map { $0.lowercased() })))
        }
        return filters
    }

    private static func attribute(_ name: String, field: String) throws(InvalidInput) -> Attribute {
        guard let attribute = Attribute(rawValue: name) else { throw unknownAttribute(name, field: field) }
        return attribute
    }

    private static func unknownAttribute(_ name: String, field: String) -> InvalidInput {
        InvalidInput(
            field: field, rule: "must be one of \(Attribute.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name.prefix(64))'")
    }
}

/// What the rules ask of an item, read from its stored body (lower-case values).
package struct ItemFacts: Sendable, Equatable {
    package var values: [ListRules.Attribute: String]
    /// The price in the item's currency, 0 when unknown.
    package var price: Double
    /// Whether the item may be recommended: neither out of stock nor hidden (`UpdateItems`).
    package var isListed: Bool

    /// The facts of a stored item.
    package init(_ item: Stylecast_V1_FashionItem) {
        values = [
            .category: item.category, .color: item.color, .fabric: item.fabric, .season: item.season,
            .gender: item.gender, .brand: item.brand, .source: item.source, .market: item.market,
        ].compactMapValues { $0.isEmpty ? nil : $0.lowercased() }
        price = item.price.isFinite ? item.price : 0
        isListed = !item.outOfStock && !item.hidden
    }

    /// The item's value of `attribute`, empty when it has none.
    package func value(of attribute: ListRules.Attribute) -> String { values[attribute] ?? "" }
}
