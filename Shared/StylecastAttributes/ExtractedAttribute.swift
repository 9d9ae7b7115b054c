/// One attribute found in a text, with where it was found.
public struct ExtractedAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The attribute kind.
    public var kind: AttributeKind
    /// The canonical value, e.g. `"navy"` for "navy blue" or "藏青色".
    public var value: String
    /// For colours written with a shade word ("light blue", "深蓝色"): `"light"`, `"dark"` or
    /// `"bright"`; `nil` otherwise. The value stays the base colour (`"blue"`).
    public var shade: String?
    /// The matched text exactly as it appears in the input (before normalisation); empty for a
    /// zero-shot attribute, which comes from the whole text.
    public var surface: String
    /// The matched text's range in the input.
    public var range: Range<String.Index>
    /// The matched text's range in the input in `Character`s (grapheme clusters) from its start.
    public var characterRange: Range<Int>
    /// Confidence in [0, 1]; 1 for lexicon matches.
    public var confidence: Float
    /// Where the attribute comes from.
    public var origin: AttributeOrigin

    /// Creates an extracted attribute.
    /// - Parameters:
    ///   - kind: The attribute kind.
    ///   - value: The canonical value.
    ///   - shade: The shade of a colour (`"light"`, `"dark"`, `"bright"`), or `nil`.
    ///   - surface: The matched text as it appears in the input.
    ///   - range: The matched text's range in the input.
    ///   - characterRange: The same range in `Character`s from the input's start.
    ///   - confidence: Confidence in [0, 1].
    ///   - origin: Where the attribute comes from.
    public init(
        kind: AttributeKind, value: String, shade: String? = nil, surface: String,
        range: Range<String.Index>, characterRange: Range<Int>, confidence: Float = 1,
        origin: AttributeOrigin = .lexicon
    ) {
        self.kind = kind
        self.value = value
        self.shade = shade
        self.surface = surface
        self.range = range
        self.characterRange = characterRange
        self.confidence = confidence
        self.origin = origin
    }

    /// The kind and canonical value without position.
    public var attribute: AttributeValue { AttributeValue(kind, value) }

    public var description: String {
        "\(kind.rawValue)=\(value)\(shade.map { " (\($0))" } ?? "") <- \"\(surface)\" \(characterRange)"
    }
}
