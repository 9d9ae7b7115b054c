/// Lexicon matches first, zero-shot values for the kinds the lexicon left empty.
///
/// A lexicon match always wins: zero-shot is asked only for enabled kinds with no lexicon
/// match in the text, so it never overrides or doubles one. Lexicon attributes keep confidence
/// 1 and origin ``AttributeOrigin/lexicon``; zero-shot ones carry the calibrated confidence,
/// origin ``AttributeOrigin/zeroShot``, an empty ``ExtractedAttribute/surface`` and an empty
/// range at the text's start (they come from the whole text, not from a span).
public struct AttributeCombiner: Sendable {
    /// The lexicon extractor.
    public let extractor: AttributeExtractor
    /// The zero-shot classifier; `nil` gives lexicon matches only.
    public let classifier: ZeroShotClassifier?

    /// Creates a combiner.
    /// - Parameters:
    ///   - extractor: The lexicon extractor.
    ///   - classifier: The zero-shot classifier, or `nil` to turn zero-shot off.
    public init(extractor: AttributeExtractor, classifier: ZeroShotClassifier?) {
        self.extractor = extractor
        self.classifier = classifier
    }

    /// The enabled zero-shot kinds that `lexiconMatches` say nothing about: where an embedding
    /// is worth computing. Empty when zero-shot is off.
    public func kindsLeftOpen(by lexiconMatches: [ExtractedAttribute]) -> Set<AttributeKind> {
        guard let classifier else { return [] }
        return classifier.kinds.subtracting(lexiconMatches.map(\.kind))
    }

    /// Lexicon matches of `text` followed by zero-shot values for the kinds they leave open.
    /// - Parameters:
    ///   - text: The text.
    ///   - lexiconMatches: `extractor.extract(text)`, when the caller has it already.
    ///   - embedding: The text's unit-length sentence embedding; `nil` gives lexicon matches only.
    public func attributes(
        in text: String, lexiconMatches: [ExtractedAttribute]? = nil, embedding: [Float]?
    ) -> [ExtractedAttribute] {
        let lexicon = lexiconMatches ?? extractor.extract(text)
        guard let classifier, let embedding else { return lexicon }
        let open = kindsLeftOpen(by: lexicon)
        guard !open.isEmpty else { return lexicon }
        let start = text.startIndex
        return lexicon
            + classifier.classify(embedding, kinds: open).map { match in
                ExtractedAttribute(
                    kind: match.attribute.kind, value: match.attribute.value, surface: "", range: start..<start,
                    characterRange: 0..<0, confidence: match.confidence, origin: .zeroShot)
            }
    }
}
