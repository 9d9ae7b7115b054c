import Foundation

/// The tokenizer settings, mirroring the fields of a Hugging Face `tokenizer_config.json` that a
/// BERT WordPiece tokenizer reads, plus the sentence-transformers sequence limit.
public struct TokenizerConfig: Sendable, Equatable {
    /// `do_lower_case`: lower-case the text before WordPiece.
    public var doLowerCase: Bool
    /// `strip_accents`: remove combining marks after NFD; `nil` follows ``doLowerCase``
    /// (the Hugging Face rule).
    public var stripAccents: Bool?
    /// `tokenize_chinese_chars`: make every CJK ideograph a word of its own.
    public var tokenizeChineseChars: Bool
    /// `unk_token`: the token for a word the vocabulary cannot spell.
    public var unkToken: String
    /// `cls_token`: the token that starts every sequence.
    public var clsToken: String
    /// `sep_token`: the token that ends every sequence.
    public var sepToken: String
    /// `pad_token`: the token used for padding.
    public var padToken: String
    /// `mask_token`: the masked-language-model token (matched in input text like the others).
    public var maskToken: String
    /// The most tokens in one encoded sequence, `[CLS]` and `[SEP]` included; longer texts are
    /// truncated (sentence-transformers' `max_seq_length`, 256 for all-MiniLM-L6-v2).
    public var maxSequenceLength: Int
    /// Longer words (in Unicode scalars) become one unknown token (`max_input_chars_per_word`).
    public var maxInputCharsPerWord: Int

    /// Whether accents are stripped, resolving `strip_accents: null`.
    public var stripsAccents: Bool { stripAccents ?? doLowerCase }

    /// The settings of the uncased BERT tokenizer used by all-MiniLM-L6-v2.
    /// - Parameters:
    ///   - doLowerCase: Lower-case the text.
    ///   - stripAccents: Strip combining marks; `nil` follows `doLowerCase`.
    ///   - tokenizeChineseChars: Split CJK ideographs into words of their own.
    ///   - maxSequenceLength: Tokens per sequence including `[CLS]` and `[SEP]`, at least 2.
    ///   - maxInputCharsPerWord: Longer words become the unknown token.
    public init(
        doLowerCase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseChars: Bool = true,
        unkToken: String = "[UNK]", clsToken: String = "[CLS]", sepToken: String = "[SEP]",
        padToken: String = "[PAD]", maskToken: String = "[MASK]",
        maxSequenceLength: Int = 256, maxInputCharsPerWord: Int = 100
    ) {
        self.doLowerCase = doLowerCase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
        self.unkToken = unkToken
        self.clsToken = clsToken
        self.sepToken = sepToken
        self.padToken = padToken
        self.maskToken = maskToken
        self.maxSequenceLength = maxSequenceLength
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// Reads `tokenizer_config.json`; fields it lacks keep the uncased BERT defaults.
    /// - Parameters:
    ///   - path: The `tokenizer_config.json` file.
    ///   - maxSequenceLength: Tokens per sequence including `[CLS]` and `[SEP]`.
    /// - Throws: ``TextModelError/cannotRead(path:reason:)`` when the file cannot be read,
    ///   ``TextModelError/invalidConfiguration(path:reason:)`` when it is not a JSON object of
    ///   the expected field types.
    public init(contentsOf path: String, maxSequenceLength: Int = 256) throws(TextModelError) {
        let object = try readJSONObject(at: path)
        func flag(_ key: String, _ fallback: Bool?) throws(TextModelError) -> Bool? {
            switch object[key] {
            case nil, is NSNull: return fallback
            case let value as Bool: return value
            default: throw .invalidConfiguration(path: path, reason: "\(key) must be true, false or null")
            }
        }
        func token(_ key: String, _ fallback: String) throws(TextModelError) -> String {
            switch object[key] {
            case nil, is NSNull: return fallback
            case let value as String where !value.isEmpty: return value
            // Newer files write special tokens as AddedToken objects: {"content": "[UNK]", ...}.
            case let value as [String: Any]:
                guard let content = value["content"] as? String, !content.isEmpty else { fallthrough }
                return content
            default: throw .invalidConfiguration(path: path, reason: "\(key) must be a non-empty token")
            }
        }
        self.init(
            doLowerCase: try flag("do_lower_case", true) ?? true,
            stripAccents: try flag("strip_accents", nil),
            tokenizeChineseChars: try flag("tokenize_chinese_chars", true) ?? true,
            unkToken: try token("unk_token", "[UNK]"), clsToken: try token("cls_token", "[CLS]"),
            sepToken: try token("sep_token", "[SEP]"), padToken: try token("pad_token", "[PAD]"),
            maskToken: try token("mask_token", "[MASK]"), maxSequenceLength: maxSequenceLength)
    }
}

/// The contents of a file the model needs.
/// - Throws: ``TextModelError/cannotRead(path:reason:)``.
func readModelFile(at path: String) throws(TextModelError) -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw .cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? "\(error)" : "no such file")
    }
}

/// Reads a file that must hold one JSON object.
func readJSONObject(at path: String) throws(TextModelError) -> [String: Any] {
    let data = try readModelFile(at: path)
    let parsed: Any
    do {
        parsed = try JSONSerialization.jsonObject(with: data)
    } catch {
        throw .invalidConfiguration(path: path, reason: "not valid JSON")
    }
    guard let object = parsed as? [String: Any] else {
        throw .invalidConfiguration(path: path, reason: "not a JSON object")
    }
    return object
}
