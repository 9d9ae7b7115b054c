/// The fashion lexicon: canonical attribute values with their English and Chinese surface forms.
///
/// ``standard`` is Stylecast's lexicon; its data lives in one file per kind
/// (`Lexicon+Colors.swift`, `Lexicon+Patterns.swift`, ...). To add a term, find the entry of
/// its canonical value and append the surface form to `en:` or `zh:`; to add a canonical value,
/// add a ``LexiconEntry``. Then run the tests (one of them compiles the standard lexicon and
/// fails on a surface form given two values of one kind) and `scripts/bench/attributes.sh`.
/// `docs/attributes.md` describes the matching rules the forms are written for.
public struct Lexicon: Sendable {
    /// Every entry, in any order.
    public var entries: [LexiconEntry]
    /// Shade words combined with colour forms (see ``ShadeModifier``).
    public var shades: [ShadeModifier]
    /// English words that cancel the match right after them ("not black", "without lace").
    public var englishNegations: [String]
    /// Chinese prefixes that cancel the match right after them ("不是黑色", "无蕾丝").
    public var chineseNegations: [String]
    /// Names that contain attribute words but describe nothing, mostly brands ("Red Tape",
    /// "Pepe Jeans", "U.S. Polo Assn."): matched like surface forms, longest first, and dropped.
    public var ignoredPhrases: [String]
    /// Kinds whose English forms also match the regular plural of their last word ("stripe" ->
    /// "stripes", "dress" -> "dresses", "sports shoe" -> "sports shoes"); irregular plurals are
    /// listed as surface forms.
    public var pluralizedKinds: Set<AttributeKind>

    /// Creates a lexicon.
    /// - Parameters:
    ///   - entries: The entries.
    ///   - shades: Shade words combined with colour forms.
    ///   - englishNegations: English negation words.
    ///   - chineseNegations: Chinese negation prefixes.
    ///   - ignoredPhrases: Names that contain attribute words but describe nothing.
    ///   - pluralizedKinds: Kinds whose English words also match their regular plural.
    public init(
        entries: [LexiconEntry], shades: [ShadeModifier] = [], englishNegations: [String] = [],
        chineseNegations: [String] = [], ignoredPhrases: [String] = [], pluralizedKinds: Set<AttributeKind> = []
    ) {
        self.ignoredPhrases = ignoredPhrases
        self.entries = entries
        self.shades = shades
        self.englishNegations = englishNegations
        self.chineseNegations = chineseNegations
        self.pluralizedKinds = pluralizedKinds
    }

    /// Stylecast's lexicon for the six kinds.
    public static let standard = Lexicon(
        entries: colors + patterns + styles + materials + silhouettes + categories,
        shades: colorShades,
        englishNegations: ["not", "no", "non", "without"],
        chineseNegations: ["不是", "没有", "不含", "无", "非"],
        ignoredPhrases: brandNames,
        pluralizedKinds: [.pattern, .category])

    /// The canonical values of one kind, sorted.
    /// - Parameter kind: The attribute kind.
    public func values(of kind: AttributeKind) -> [String] {
        Set(entries.filter { $0.kind == kind }.map(\.value)).sorted()
    }
}
