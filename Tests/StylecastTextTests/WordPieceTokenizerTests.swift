import Foundation
import StylecastErrors
import StylecastText
import Testing

/// The tokenizer on a small hand-made vocabulary, where every expected piece is visible.
@Suite("WordPiece tokenizer")
struct WordPieceTokenizerTests {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "crepe", "cafe", "naive", "un", "##want", "##ed",
        "hello", "world", ",", "!", "$", "-", "中", "国", "dress", "a", "##a", "i", "σ", "ς",
    ]

    static func tokenizer(_ config: TokenizerConfig = TokenizerConfig()) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabulary: vocabulary, config: config)
    }

    static func pieces(_ text: String, _ config: TokenizerConfig = TokenizerConfig()) throws -> [String] {
        let tokenizer = try tokenizer(config)
        return tokenizer.tokenize(text).ids.map { tokenizer.token(for: $0)! }
    }

    @Test(
        "lower-cases, strips accents and keeps the special tokens around the pieces",
        arguments: [
            ("Crêpe CAFÉ naïve", ["crepe", "cafe", "naive"]),
            ("Cafe\u{301}", ["cafe"]),  // decomposed input gives the same token
            ("İ", ["i"]),  // dotted capital I: NFD, drop the dot, lower-case
        ])
    func accents(text: String, expected: [String]) throws {
        #expect(try Self.pieces(text) == ["[CLS]"] + expected + ["[SEP]"])
    }

    @Test("without lower-casing, cased words are unknown and accents stay")
    func casedConfiguration() throws {
        let config = TokenizerConfig(doLowerCase: false)
        #expect(try Self.pieces("Hello café hello", config) == ["[CLS]", "[UNK]", "[UNK]", "hello", "[SEP]"])
    }

    @Test("CJK ideographs are words of their own; an ideograph outside the vocabulary is unknown")
    func chineseCharacters() throws {
        #expect(try Self.pieces("中国人dress") == ["[CLS]", "中", "国", "[UNK]", "dress", "[SEP]"])
    }

    @Test("punctuation (ASCII symbols included) is split off, whitespace separates words")
    func punctuation() throws {
        #expect(
            try Self.pieces("hello,world! $a-a\u{3000}dress")
                == ["[CLS]", "hello", ",", "world", "!", "$", "a", "-", "a", "dress", "[SEP]"])
    }

    @Test("greedy longest match with ## continuations; a word that cannot be spelled is one [UNK]")
    func wordPieces() throws {
        #expect(try Self.pieces("unwanted aaa unwantedx xyz") == [
            "[CLS]", "un", "##want", "##ed", "a", "##a", "##a", "[UNK]", "[UNK]", "[SEP]",
        ])
    }

    @Test("a word longer than 100 characters is [UNK], one of 100 is split into pieces")
    func longWord() throws {
        #expect(try Self.pieces(String(repeating: "a", count: 101)) == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(try Self.pieces(String(repeating: "a", count: 100)).count == 102)
    }

    @Test("control characters, NUL and U+FFFD are removed; tabs and newlines separate words")
    func controlCharacters() throws {
        #expect(
            try Self.pieces("hel\u{0}lo\u{7}\u{200B} wo\u{FFFD}rld\t\r\ndress\u{85}")
                == ["[CLS]", "hello", "world", "dress", "[SEP]"])
    }

    @Test("special tokens written in the text are kept as those tokens, only when spelled exactly")
    func literalSpecialTokens() throws {
        #expect(try Self.pieces("hello [MASK] world[SEP]") == ["[CLS]", "hello", "[MASK]", "world", "[SEP]", "[SEP]"])
        // Lower case is not the special token: "[", "mask", "]" are each unknown in this vocabulary.
        #expect(try Self.pieces("[mask]") == ["[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"])
    }

    @Test("the empty text, and one of only whitespace and controls, are [CLS] [SEP]")
    func emptyText() throws {
        #expect(try Self.pieces("") == ["[CLS]", "[SEP]"])
        #expect(try Self.pieces(" \t\n\u{0}\u{200B}") == ["[CLS]", "[SEP]"])
    }

    @Test("truncation keeps [CLS], the first pieces and [SEP], and reports the full count")
    func truncation() throws {
        let tokenizer = try Self.tokenizer(TokenizerConfig(maxSequenceLength: 4))
        let tokenized = tokenizer.tokenize("hello world dress")
        #expect(tokenized.ids == [2, 11, 12, 3])
        #expect(tokenized.untruncatedCount == 5)
        #expect(tokenized.isTruncated)
        #expect(tokenizer.tokenize("hello world").isTruncated == false)
    }

    @Test("unknown tokens are counted")
    func unknownCount() throws {
        #expect(try Self.tokenizer().tokenize("xyz hello qq").unknownCount == 2)
    }
}
