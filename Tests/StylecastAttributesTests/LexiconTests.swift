import StylecastAttributes
import Testing

@Suite("Lexicon")
struct LexiconTests {
    @Test("The standard lexicon compiles without conflicting or malformed forms")
    func standardLexiconIsValid() throws {
        let extractor = try AttributeExtractor(validating: .standard)
        #expect(extractor.surfaceFormCount > 1000)
    }

    @Test("Every kind has canonical values with English and Chinese forms", arguments: AttributeKind.allCases)
    func everyKindIsCovered(kind: AttributeKind) {
        let entries = Lexicon.standard.entries.filter { $0.kind == kind }
        #expect(Lexicon.standard.values(of: kind).count >= 8)
        #expect(entries.contains { !$0.english.isEmpty } && entries.contains { !$0.chinese.isEmpty })
    }

    @Test("A form given two values of one kind is refused with both values named")
    func conflictingFormIsRefused() {
        let lexicon = Lexicon(entries: [
            LexiconEntry(.color, "brown", en: ["tan"]), LexiconEntry(.color, "beige", en: ["Tan"]),
        ])
        #expect(throws: LexiconError.conflictingSurface(surface: "tan", kind: .color, first: "brown", second: "beige")) {
            try AttributeExtractor(validating: lexicon)
        }
    }

    @Test("A value not in normalised form and an empty form are refused")
    func malformedEntriesAreRefused() {
        #expect(throws: LexiconError.invalidValue(kind: .color, value: "Navy")) {
            try AttributeExtractor(validating: Lexicon(entries: [LexiconEntry(.color, "Navy", en: ["navy"])]))
        }
        #expect(throws: LexiconError.emptySurface(kind: .color, value: "navy")) {
            try AttributeExtractor(validating: Lexicon(entries: [LexiconEntry(.color, "navy", en: [" "])]))
        }
    }

    @Test("A custom lexicon extends matching without touching the standard one")
    func customLexicon() throws {
        let extractor = try AttributeExtractor(
            validating: Lexicon(entries: [LexiconEntry(.style, "gorpcore", en: ["gorpcore"], zh: ["山系"])]))
        #expect(extractor.extract("山系 gorpcore look").map(\.value) == ["gorpcore"])
        #expect(AttributeExtractor.standard.extract("gorpcore").isEmpty)
    }
}
