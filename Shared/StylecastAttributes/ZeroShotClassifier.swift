/// A value the zero-shot classifier names for one kind, with the similarities behind it.
public struct ZeroShotMatch: Sendable, Hashable {
    /// The value.
    public var attribute: AttributeValue
    /// Cosine similarity of the text to the value's prototype.
    public var similarity: Float
    /// Cosine similarity to the best other value of the kind (-1 when the kind has one value).
    public var runnerUpSimilarity: Float
    /// ``similarity`` minus the mean similarity to all values of the kind: how much more the
    /// text is like this value than like the kind in general (what the rule thresholds).
    public var score: Float
    /// The calibrated confidence, in [0, 0.99].
    public var confidence: Float
}

/// Names attribute values from a text's sentence embedding alone, by cosine similarity to
/// ``AttributePrototypes``.
///
/// For each kind asked for, the best prototype wins only when its score (similarity minus the
/// mean similarity to all prototypes of the kind) reaches the kind's
/// ``ZeroShotRule/minimumScore`` and its similarity leads the runner-up's by
/// ``ZeroShotRule/minimumMargin``; otherwise the kind gets nothing. The score, not the raw
/// similarity, is thresholded because every prompt shares its template's words ("a ... garment"):
/// a text such as "a garment" is close to every prototype of a kind at once, and only its lead
/// over the kind's average says that it names one value. Immutable and `Sendable`.
public struct ZeroShotClassifier: Sendable {
    /// The prototypes compared with.
    public let prototypes: AttributePrototypes
    /// Rules and enabled kinds.
    public let settings: ZeroShotSettings
    private let rowsOfKind: [AttributeKind: [Int]]

    /// Creates a classifier.
    /// - Parameters:
    ///   - prototypes: Prototypes of (at least) the enabled kinds.
    ///   - settings: Rules; kinds not enabled are never classified.
    public init(prototypes: AttributePrototypes, settings: ZeroShotSettings) {
        self.prototypes = prototypes
        self.settings = settings
        var rows: [AttributeKind: [Int]] = [:]
        for (row, value) in prototypes.values.enumerated() where settings.enabledKinds.contains(value.kind) {
            rows[value.kind, default: []].append(row)
        }
        rowsOfKind = rows
    }

    /// The kinds this classifier answers for (enabled and with prototypes).
    public var kinds: Set<AttributeKind> { Set(rowsOfKind.keys) }

    /// Every value of `kind` with its cosine similarity to `embedding`, best first.
    /// - Parameters:
    ///   - embedding: A unit-length sentence embedding of the prototypes' width.
    ///   - kind: An enabled kind; others give an empty list.
    public func similarities(_ embedding: [Float], kind: AttributeKind) -> [(value: String, similarity: Float)] {
        (rowsOfKind[kind] ?? []).map { row in
            let prototype = prototypes.vectors[row]
            var dot: Float = 0
            for index in 0..<min(prototype.count, embedding.count) { dot += prototype[index] * embedding[index] }
            return (prototypes.values[row].value, dot)
        }.sorted { $0.similarity > $1.similarity }
    }

    /// The values named for `kinds` (enabled ones only), each passing its kind's rule.
    /// - Parameters:
    ///   - embedding: The text's unit-length sentence embedding.
    ///   - kinds: The kinds wanted, typically those the lexicon found nothing for.
    /// - Returns: At most one match per kind, in kind order.
    public func classify(_ embedding: [Float], kinds: Set<AttributeKind>) -> [ZeroShotMatch] {
        AttributeKind.allCases.filter { kinds.contains($0) }.compactMap { kind in
            guard let rule = settings.rules[kind] else { return nil }
            let ranked = similarities(embedding, kind: kind)
            guard let best = ranked.first else { return nil }
            let runnerUp = ranked.count > 1 ? ranked[1].similarity : -1
            let score = best.similarity - ranked.reduce(0) { $0 + $1.similarity } / Float(ranked.count)
            guard score >= rule.minimumScore, best.similarity - runnerUp >= rule.minimumMargin else { return nil }
            return ZeroShotMatch(
                attribute: AttributeValue(kind, best.value), similarity: best.similarity,
                runnerUpSimilarity: runnerUp, score: score, confidence: rule.calibration.confidence(score: score))
        }
    }
}
