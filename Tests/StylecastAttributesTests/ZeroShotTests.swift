import Foundation
import StylecastAttributes
import StylecastText
import Testing

/// The real all-MiniLM-L6-v2 (from scripts/setup.sh, or `STYLECAST_MODELS_DIR`) and the
/// category prototypes built with it, once for the suite.
private enum RealModel {
    static let directory: String = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let models = ProcessInfo.processInfo.environment["STYLECAST_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot + "/models"
        return models + "/all-MiniLM-L6-v2"
    }()

    /// Loading fails the tests with the model's error (naming the missing file): never a skip.
    static let embedder = Result { try SentenceEmbedder(directory: directory) }

    /// Category on with its default rule: score >= 0.2, margin >= 0.05.
    static let settings = ZeroShotSettings(rules: ZeroShotSettings.measuredRules, enabledKinds: [.category])

    static func combiner() throws -> (AttributeCombiner, SentenceEmbedder) {
        let embedder = try embedder.get()
        let prompts = AttributePrompts.prompts(for: .standard, kinds: settings.enabledKinds)
        let prototypes = try AttributePrototypes(prompts: prompts, embeddings: try embedder.embed(prompts.map(\.sentence)))
        return (AttributeCombiner(extractor: .standard, classifier: ZeroShotClassifier(prototypes: prototypes, settings: settings)), embedder)
    }
}

@Suite("Zero-shot attributes with the real model")
struct ZeroShotTests {
    func attributes(_ text: String) throws -> [ExtractedAttribute] {
        let (combiner, embedder) = try RealModel.combiner()
        return combiner.attributes(in: text, embedding: try embedder.embed([text])[0])
    }

    @Test("A garment the lexicon does not know gets its category from zero-shot", arguments: [
        ("a cardi", "cardigan"), ("a kaftan", "kurta"),
    ])
    func unknownWordGetsZeroShotCategory(text: String, expected: String) throws {
        #expect(AttributeExtractor.standard.extract(text).isEmpty)
        let found = try attributes(text)
        #expect(found.map(\.attribute) == [AttributeValue(.category, expected)])
        let attribute = try #require(found.first)
        #expect(attribute.origin == .zeroShot)
        #expect(attribute.confidence > 0 && attribute.confidence < 1)
        #expect(attribute.surface.isEmpty)
    }

    @Test("A lexicon match is never overridden: trainers stay sneakers though track pants is the nearest prototype")
    func lexiconMatchWins() throws {
        let text = "a pair of trainers for running"
        let (combiner, embedder) = try RealModel.combiner()
        let embedding = try embedder.embed([text])[0]
        #expect(combiner.classifier?.similarities(embedding, kind: .category).first?.value == "track pants")
        let found = combiner.attributes(in: text, embedding: embedding)
        #expect(found.filter { $0.kind == .category }.map(\.value) == ["sneakers"])
        #expect(found.allSatisfy { $0.origin == .lexicon && $0.confidence == 1 })
    }

    @Test("Below the score or the margin no zero-shot value is named", arguments: ["ok", "a garment"])
    func weakEvidenceNamesNothing(text: String) throws {
        #expect(try attributes(text).isEmpty)
    }

    @Test("Prototypes: one per canonical value of the enabled kinds, unit length")
    func onePrototypePerValue() throws {
        let embedder = try RealModel.embedder.get()
        let kinds: Set<AttributeKind> = [.color, .category]
        let prompts = AttributePrompts.prompts(for: .standard, kinds: kinds)
        let prototypes = try AttributePrototypes(prompts: prompts, embeddings: try embedder.embed(prompts.map(\.sentence)))
        let expected = Lexicon.standard.values(of: .color).count + Lexicon.standard.values(of: .category).count
        #expect(prototypes.values.count == expected)
        #expect(Set(prototypes.values).count == expected)
        #expect(prototypes.kinds == kinds)
        for vector in prototypes.vectors {
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < 1e-4)
        }
    }
}

@Suite("Zero-shot prompts and prototypes")
struct AttributePromptTests {
    @Test("Prompts come from the lexicon's values through the kind's templates and overrides")
    func promptsFollowTheLexicon() {
        let lexicon = Lexicon(entries: [
            LexiconEntry(.category, "jeans", en: ["jeans"]), LexiconEntry(.category, "anorak", en: ["anorak"]),
            LexiconEntry(.pattern, "solid", en: ["plain"]), LexiconEntry(.color, "red", en: ["red"]),
        ])
        let sentences = AttributePrompts.prompts(for: lexicon, kinds: [.category, .pattern]).map(\.sentence)
        #expect(sentences == [
            "a plain garment in one solid colour", "a garment with no pattern",
            "an anorak", "this product is an anorak", "a pair of jeans", "this product is a pair of jeans",
        ])
    }

    @Test("Prototypes are the re-normalised mean of a value's prompt embeddings; a count mismatch is an error")
    func prototypesAverage() throws {
        let value = AttributeValue(.color, "red")
        let prototypes = try AttributePrototypes(
            prompts: [AttributePrompt(value, "a"), AttributePrompt(value, "b")], embeddings: [[1, 0], [0, 1]])
        #expect(prototypes.values == [value])
        #expect(abs(prototypes.vectors[0][0] - Float(0.5).squareRoot()) < 1e-6)
        #expect(throws: ZeroShotError.embeddingCount(prompts: 1, embeddings: 2)) {
            try AttributePrototypes(prompts: [AttributePrompt(value, "a")], embeddings: [[1, 0], [0, 1]])
        }
    }
}
