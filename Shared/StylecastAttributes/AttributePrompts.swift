/// One sentence describing one canonical value, embedded to build its prototype.
public struct AttributePrompt: Sendable, Hashable {
    /// The value the sentence describes.
    public var attribute: AttributeValue
    /// A short English sentence, e.g. "a garment with a floral pattern".
    public var sentence: String

    /// Creates a prompt.
    /// - Parameters:
    ///   - attribute: The value described.
    ///   - sentence: The sentence.
    public init(_ attribute: AttributeValue, _ sentence: String) {
        self.attribute = attribute
        self.sentence = sentence
    }
}

/// The prompt sentences of the zero-shot prototypes, derived from a lexicon's canonical values.
///
/// Each kind has two templates in which `{v}` stands for the canonical value ("a {v} garment"
/// for colours, "{a v}" for categories), so a value added to the lexicon gets its prototype
/// with no second list to keep in step. ``overrides`` replaces the templates for the few values
/// where they read badly ("a garment with a solid pattern" says the opposite of plain).
public enum AttributePrompts {
    /// Per-kind templates; `{v}` is the canonical value, `{a v}` the value with its article
    /// ("a dress", "an a-line", "a pair of jeans", "a piece of swimwear").
    public static let templates: [AttributeKind: [String]] = [
        .color: ["a {v} garment", "clothing in {v} colour"],
        .pattern: ["a garment with a {v} pattern", "a {v} patterned garment"],
        .style: ["a {v} style outfit", "{v} fashion"],
        .material: ["a garment made of {v}", "a {v} garment"],
        .silhouette: ["a garment with a {v} fit", "a {v} cut garment"],
        .category: ["{a v}", "this product is {a v}"],
    ]

    /// Sentences used instead of the templates for values that the templates word badly.
    public static let overrides: [AttributeValue: [String]] = [
        AttributeValue(.color, "multicolour"): ["a multicoloured garment", "clothing in many colours"],
        AttributeValue(.color, "neon"): ["a neon coloured garment", "clothing in bright fluorescent colours"],
        AttributeValue(.pattern, "solid"): ["a plain garment in one solid colour", "a garment with no pattern"],
        AttributeValue(.pattern, "stripes"): ["a striped garment", "a garment with stripes"],
        AttributeValue(.pattern, "checks"): ["a checked garment", "a garment with a check pattern"],
        AttributeValue(.pattern, "dots"): ["a polka dot garment", "a garment with dots"],
        AttributeValue(.pattern, "floral"): ["a garment with a floral print", "a garment with a flower pattern"],
        AttributeValue(.pattern, "print"): ["a printed garment", "a garment with an all-over print"],
        AttributeValue(.pattern, "graphic"): ["a garment with a graphic print", "a garment with a printed logo"],
        AttributeValue(.pattern, "embroidery"): ["an embroidered garment", "a garment with embroidery"],
        AttributeValue(.pattern, "glitter"): ["a glittery garment", "a garment with sequins and sparkle"],
        AttributeValue(.material, "knit"): ["a knitted garment", "a garment in knit fabric"],
        AttributeValue(.material, "down"): ["a down-filled padded garment", "a garment filled with down"],
        AttributeValue(.silhouette, "maxi"): ["a maxi length garment", "a long maxi garment"],
        AttributeValue(.silhouette, "midi"): ["a midi length garment", "a midi garment"],
        AttributeValue(.silhouette, "mini"): ["a mini length garment", "a short mini garment"],
    ]

    /// The prompts of every canonical value of `kinds` in `lexicon`, values in sorted order.
    /// - Parameters:
    ///   - lexicon: Where the canonical values come from.
    ///   - kinds: The kinds to describe.
    public static func prompts(for lexicon: Lexicon, kinds: Set<AttributeKind>) -> [AttributePrompt] {
        AttributeKind.allCases.filter(kinds.contains).flatMap { kind in
            lexicon.values(of: kind).flatMap { value in
                let attribute = AttributeValue(kind, value)
                let sentences =
                    overrides[attribute]
                    ?? (templates[kind] ?? ["{v}"]).map {
                        $0.replacing("{a v}", with: withArticle(value)).replacing("{v}", with: value)
                    }
                return sentences.map { AttributePrompt(attribute, $0) }
            }
        }
    }

    /// `value` with the article English puts before it: "a pair of" for plural garments
    /// ("jeans", "flip-flops"), "a piece of" for mass nouns ("swimwear", "jewellery"), else a/an.
    static func withArticle(_ value: String) -> String {
        if value.hasSuffix("wear") || value == "jewellery" { return "a piece of \(value)" }
        if value.hasSuffix("s"), !value.hasSuffix("ss") { return "a pair of \(value)" }
        return ("aeiou".contains(value.first ?? "x") ? "an " : "a ") + value
    }
}
