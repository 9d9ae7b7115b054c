import StylecastAttributes

/// Maps the free-text colour, category, gender and season of a source onto Stylecast's
/// canonical vocabularies.
///
/// Colours and categories use the attribute lexicon (the same values the text-embedding service
/// extracts, so trend series line up): "Navy Blue" -> `navy`, "Tshirts" -> `t-shirt`,
/// "牛仔裤" -> `jeans`. A term the lexicon does not know is kept, lower-cased, as its own value,
/// so that nothing is lost; docs/ingest-formats.md lists the rule.
struct CanonicalVocabulary: Sendable {
    private let extractor: AttributeExtractor

    /// Creates the vocabulary over the standard lexicon.
    init(extractor: AttributeExtractor = .standard) {
        self.extractor = extractor
    }

    /// The canonical colour of a source's colour name, or the lower-cased name itself.
    func color(_ raw: String) -> String { lexiconValue(raw, kind: .color) }

    /// The canonical category of a source's category name, or the lower-cased name itself.
    func category(_ raw: String) -> String { lexiconValue(raw, kind: .category) }

    /// `women`, `men`, `girls`, `boys`, `kids` or `unisex` for the names sources use
    /// ("Ladieswear", "Male", "Baby/Children", ...); other values lower-cased as they are.
    func gender(_ raw: String) -> String {
        let key = TextNormalization.key(raw)
        return Self.genders[key] ?? key
    }

    /// `spring`, `summer`, `fall` or `winter` for season names; season codes such as `SS17`
    /// or `AW18` upper-cased; other values lower-cased.
    func season(_ raw: String) -> String {
        let key = TextNormalization.key(raw)
        if let season = Self.seasons[key] { return season }
        let upper = key.uppercased()
        if upper.count == 4, ["SS", "AW", "FW"].contains(String(upper.prefix(2))), Int(upper.suffix(2)) != nil {
            return upper
        }
        return key
    }

    private func lexiconValue(_ raw: String, kind: AttributeKind) -> String {
        let key = TextNormalization.key(raw)
        guard !key.isEmpty else { return key }
        return extractor.extract(key).first(where: { $0.kind == kind })?.value ?? key
    }

    private static let genders: [String: String] = [
        "women": "women", "woman": "women", "female": "women", "ladies": "women", "ladieswear": "women",
        "womens": "women", "men": "men", "man": "men", "male": "men", "menswear": "men", "mens": "men",
        "girls": "girls", "girl": "girls", "boys": "boys", "boy": "boys", "kids": "kids",
        "children": "kids", "baby/children": "kids", "baby": "kids", "unisex": "unisex",
    ]

    private static let seasons: [String: String] = [
        "spring": "spring", "summer": "summer", "fall": "fall", "autumn": "fall", "winter": "winter",
    ]
}
