/// Finds the lexicon's attributes in English, Chinese and mixed text.
///
/// The lexicon is compiled once into a trie of folded surface forms; ``extract(_:)`` then
/// scans the folded text left to right and takes, at each position where a match may start,
/// the longest form that ends on a word boundary, so matches never overlap:
/// - Latin-script forms match whole words only ("red" not in "redo"), CJK forms anywhere.
/// - Longest first: "navy blue" yields `navy`, not `blue`; "牛仔裤" yields `jeans` (and
///   `material=denim` through the entry's `also:`), not `denim` alone.
/// - A shade word before a colour ("light blue", "深蓝色") yields the base colour with
///   ``ExtractedAttribute/shade`` set.
/// - A negation word right before a match ("not black", "without lace", "不是黑色", "无印花")
///   drops it; only the one word or prefix directly before the match is looked at.
/// - Each (kind, value) is reported once, at its first occurrence.
///
/// An extractor is immutable and `Sendable`: share one across tasks.
public struct AttributeExtractor: Sendable {
    /// The shared extractor over ``Lexicon/standard``.
    public static let standard = AttributeExtractor()

    private let trie: SurfaceTrie
    private let englishNegations: Set<[UInt32]>
    private let chineseNegations: [[UInt32]]

    /// The number of distinct surface forms after normalisation, including the generated
    /// plural and shade forms.
    public var surfaceFormCount: Int { trie.formCount }

    /// Creates an extractor over the standard lexicon.
    ///
    /// The standard lexicon has no conflicting forms (a test compiles it with
    /// ``init(validating:)``), so this initialiser cannot fail.
    public init() {
        let compiled = Self.compile(Lexicon.standard)
        self.init(compiled: compiled.trie, lexicon: Lexicon.standard)
    }

    /// Creates an extractor over `lexicon`, refusing a lexicon with contradictory forms.
    /// - Parameter lexicon: The lexicon to compile.
    /// - Throws: The first ``LexiconError`` found: a form given two values of one kind, an
    ///   empty form, or a value not in normalised form.
    public init(validating lexicon: Lexicon) throws(LexiconError) {
        let compiled = Self.compile(lexicon)
        if let problem = compiled.problems.first { throw problem }
        self.init(compiled: compiled.trie, lexicon: lexicon)
    }

    private init(compiled trie: SurfaceTrie, lexicon: Lexicon) {
        self.trie = trie
        self.englishNegations = Set(lexicon.englishNegations.map(FoldedText.folded))
        self.chineseNegations = lexicon.chineseNegations.map(FoldedText.folded).filter { !$0.isEmpty }
    }

    /// The attributes in `text`, in order of first occurrence, each (kind, value) once.
    /// - Parameter text: Any text; empty text yields no attributes.
    /// - Returns: Lexicon matches with confidence 1 and origin ``AttributeOrigin/lexicon``.
    public func extract(_ text: String) -> [ExtractedAttribute] {
        guard !text.isEmpty else { return [] }
        let folded = FoldedText(text)
        let scalars = folded.scalars
        var results: [ExtractedAttribute] = []
        var seen: Set<AttributeValue> = []
        var position = 0
        while position < scalars.count {
            let startsWord = FoldedText.isWordScalar(scalars[position])
            // A Latin-script match starts only at the beginning of a word.
            if startsWord, position > 0, FoldedText.isWordScalar(scalars[position - 1]) {
                position += 1
                continue
            }
            guard let match = trie.longestMatch(in: scalars, from: position) else {
                position += 1
                continue
            }
            defer { position = match.end }
            if isNegated(scalars, before: position, latin: startsWord) { continue }
            let firstCharacter = Int(folded.characterOfScalar[position])
            let endCharacter = Int(folded.characterOfScalar[match.end - 1]) + 1
            let range = folded.characterStarts[firstCharacter]..<folded.characterStarts[endCharacter]
            for payload in trie.payloads[match.payloadIndex] where seen.insert(payload.attribute).inserted {
                results.append(
                    ExtractedAttribute(
                        kind: payload.attribute.kind, value: payload.attribute.value, shade: payload.shade,
                        surface: String(text[range]), range: range,
                        characterRange: firstCharacter..<endCharacter))
            }
        }
        return results
    }

    /// Whether the word (Latin) or the characters (CJK) right before `start` negate a match.
    private func isNegated(_ scalars: [UInt32], before start: Int, latin: Bool) -> Bool {
        if latin {
            var end = start
            while end > 0, scalars[end - 1] == 0x20 || scalars[end - 1] == 0x2D { end -= 1 }
            guard end < start else { return false }
            var begin = end
            while begin > 0, FoldedText.isWordScalar(scalars[begin - 1]) { begin -= 1 }
            return begin < end && englishNegations.contains(Array(scalars[begin..<end]))
        }
        for prefix in chineseNegations where prefix.count <= start {
            if scalars[(start - prefix.count)..<start].elementsEqual(prefix) { return true }
        }
        return false
    }
}
