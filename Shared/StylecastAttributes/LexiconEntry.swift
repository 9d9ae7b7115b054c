/// One canonical value of the lexicon with the English and Chinese ways of writing it.
///
/// Surface forms are written as they appear in text; matching normalises both sides the same
/// way (NFKC, lower case, whitespace runs to one space, dashes to `-`), so `"T恤"` also matches
/// `"ｔ恤"` and `"navy  blue"`. A hyphen and a space are different separators: list both
/// `"t-shirt"` and `"t shirt"` where both occur.
public struct LexiconEntry: Sendable, Hashable {
    /// The attribute kind.
    public var kind: AttributeKind
    /// The canonical value every surface form of this entry yields.
    public var value: String
    /// English (Latin-script) surface forms, matched on word boundaries.
    public var english: [String]
    /// Chinese (CJK) surface forms, matched anywhere in the text.
    public var chinese: [String]
    /// Further attributes every match of this entry also yields, e.g. `jeans` also yields
    /// `material=denim`, `sports shoes` also yields `style=sporty`.
    public var also: [AttributeValue]
    /// Whether the lexicon's shade words combine with these forms ("light blue", "浅蓝色"):
    /// by default true for colours except neon and multicolour.
    public var takesShade: Bool

    /// Creates an entry.
    /// - Parameters:
    ///   - kind: The attribute kind.
    ///   - value: The canonical value (lower-case English).
    ///   - en: English surface forms.
    ///   - zh: Chinese surface forms.
    ///   - also: Further attributes every match also yields.
    ///   - takesShade: Whether shade words combine with the forms; `nil` means "colours only".
    public init(
        _ kind: AttributeKind, _ value: String, en: [String], zh: [String] = [],
        also: [AttributeValue] = [], takesShade: Bool? = nil
    ) {
        self.kind = kind
        self.value = value
        self.english = en
        self.chinese = zh
        self.also = also
        self.takesShade = takesShade ?? (kind == .color)
    }
}
