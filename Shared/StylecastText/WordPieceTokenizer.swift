import Foundation

/// One text as token ids, ready for ``BertEncoder``.
public struct TokenizedText: Sendable, Equatable {
    /// Vocabulary ids: `[CLS]`, the word pieces, `[SEP]`.
    public var ids: [Int]
    /// How many tokens the text has without truncation (`[CLS]` and `[SEP]` included).
    public var untruncatedCount: Int
    /// How many of ``ids`` are the unknown token.
    public var unknownCount: Int

    /// Whether word pieces were dropped to respect the sequence limit.
    public var isTruncated: Bool { untruncatedCount > ids.count }

    /// Creates a tokenized text.
    /// - Parameters:
    ///   - ids: The token ids, special tokens included.
    ///   - untruncatedCount: The token count before truncation.
    ///   - unknownCount: How many ids are the unknown token.
    public init(ids: [Int], untruncatedCount: Int, unknownCount: Int) {
        self.ids = ids
        self.untruncatedCount = untruncatedCount
        self.unknownCount = unknownCount
    }
}

/// BERT's tokenizer: basic tokenisation (cleaning, CJK splitting, lower-casing with accent
/// stripping, punctuation splitting) followed by greedy longest-match WordPiece, with the
/// semantics of Hugging Face `tokenizers`' `BertNormalizer` + `BertPreTokenizer` + `WordPiece`.
///
/// Special tokens written literally in the text (`[MASK]`, `[SEP]`, ...) are kept as those
/// tokens, as the Hugging Face tokenizer does with its added tokens.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(directory: "models/all-MiniLM-L6-v2")
/// tokenizer.tokenize("Neon dress").ids  // [101, 16231, 4377, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// The settings read from `tokenizer_config.json`.
    public let config: TokenizerConfig
    /// Token strings by id (line order of `vocab.txt`).
    public let tokens: [String]
    /// Id of the unknown-word token.
    public let unknownID: Int
    /// Id of the sequence-start token.
    public let classID: Int
    /// Id of the sequence-end token.
    public let separatorID: Int
    /// Id of the padding token.
    public let paddingID: Int

    /// Ids keyed by UTF-8 bytes: Swift `String` equality is canonical equivalence, which would
    /// merge vocabulary entries (and lookups) that the reference tokenizer keeps apart.
    let idsByBytes: [[UInt8]: Int]
    /// The special tokens matched literally in the raw text, longest first.
    let literalSpecialTokens: [(scalars: [Unicode.Scalar], id: Int)]

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { tokens.count }

    /// Builds a tokenizer from vocabulary tokens in id order.
    /// - Parameters:
    ///   - vocabulary: Token strings; a token's id is its index (a later duplicate wins, as in
    ///     Hugging Face).
    ///   - config: The tokenizer settings.
    ///   - source: Names the vocabulary in errors (a path).
    /// - Throws: ``TextModelError/emptyVocabulary(path:)``, or
    ///   ``TextModelError/missingSpecialToken(token:path:)`` when the unknown, class, separator or
    ///   padding token is absent, ``TextModelError/unsupportedConfiguration(reason:)`` when the
    ///   sequence limit is below 2.
    public init(vocabulary: [String], config: TokenizerConfig, source: String = "vocabulary")
        throws(TextModelError)
    {
        guard !vocabulary.isEmpty else { throw .emptyVocabulary(path: source) }
        guard config.maxSequenceLength >= 2, config.maxInputCharsPerWord >= 1 else {
            throw .unsupportedConfiguration(
                reason: "max sequence length \(config.maxSequenceLength) must be at least 2")
        }
        var ids: [[UInt8]: Int] = [:]
        ids.reserveCapacity(vocabulary.count)
        for (id, token) in vocabulary.enumerated() { ids[Array(token.utf8)] = id }
        func id(_ token: String) throws(TextModelError) -> Int {
            guard let id = ids[Array(token.utf8)] else { throw .missingSpecialToken(token: token, path: source) }
            return id
        }
        self.config = config
        self.tokens = vocabulary
        self.idsByBytes = ids
        self.unknownID = try id(config.unkToken)
        self.classID = try id(config.clsToken)
        self.separatorID = try id(config.sepToken)
        self.paddingID = try id(config.padToken)
        let specials = [config.padToken, config.unkToken, config.clsToken, config.sepToken, config.maskToken]
        self.literalSpecialTokens = Set(specials)
            .compactMap { token in ids[Array(token.utf8)].map { (Array(token.unicodeScalars), $0) } }
            .sorted { $0.0.count > $1.0.count }
    }

    /// Reads `vocab.txt` (one token per line) and `tokenizer_config.json`.
    /// - Parameters:
    ///   - vocabularyPath: The `vocab.txt` file.
    ///   - configPath: The `tokenizer_config.json` file, or `nil` for the uncased BERT defaults.
    ///   - maxSequenceLength: Tokens per sequence including `[CLS]` and `[SEP]`.
    /// - Throws: ``TextModelError`` when a file is missing, unreadable or not UTF-8, the
    ///   configuration is invalid, or the vocabulary is empty or lacks a special token.
    public init(vocabularyAt vocabularyPath: String, configAt configPath: String?, maxSequenceLength: Int = 256)
        throws(TextModelError)
    {
        let config =
            try configPath.map { path throws(TextModelError) in
                try TokenizerConfig(contentsOf: path, maxSequenceLength: maxSequenceLength)
            } ?? TokenizerConfig(maxSequenceLength: maxSequenceLength)
        let data = try readModelFile(at: vocabularyPath)
        guard let text = String(data: data, encoding: .utf8) else {
            throw .cannotRead(path: vocabularyPath, reason: "not UTF-8")
        }
        // Hugging Face strips trailing whitespace from each line; a final newline ends the last
        // token rather than adding an empty one.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.unicodeScalars.reversed().drop { $0.properties.isWhitespace }.reversed().map(Character.init))
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, config: config, source: vocabularyPath)
    }

    /// Reads `vocab.txt`, `tokenizer_config.json` and (for the sequence limit, when present)
    /// `sentence_bert_config.json` from a model directory.
    /// - Parameter directory: A Hugging Face model folder such as `models/all-MiniLM-L6-v2`.
    /// - Throws: ``TextModelError`` as ``init(vocabularyAt:configAt:maxSequenceLength:)``.
    public init(directory: String) throws(TextModelError) {
        let sentenceConfig = directory + "/sentence_bert_config.json"
        var maxSequenceLength = 256
        if FileManager.default.fileExists(atPath: sentenceConfig) {
            guard let limit = try readJSONObject(at: sentenceConfig)["max_seq_length"] as? Int, limit >= 2 else {
                throw .invalidConfiguration(path: sentenceConfig, reason: "max_seq_length must be an integer >= 2")
            }
            maxSequenceLength = limit
        }
        try self.init(
            vocabularyAt: directory + "/vocab.txt", configAt: directory + "/tokenizer_config.json",
            maxSequenceLength: maxSequenceLength)
    }

    /// The token string of an id, or `nil` outside the vocabulary.
    /// - Parameter id: A vocabulary id.
    public func token(for id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    /// The id of a token string, or `nil` when it is not in the vocabulary.
    /// - Parameter token: A vocabulary entry, e.g. `"##ing"`.
    public func id(for token: String) -> Int? { idsByBytes[Array(token.utf8)] }

    /// Tokenizes one text: `[CLS]`, its word pieces, `[SEP]`, truncated to
    /// ``TokenizerConfig/maxSequenceLength`` tokens (truncation is not an error). Every text is
    /// valid; the empty text gives `[CLS] [SEP]`.
    /// - Parameter text: Any text.
    public func tokenize(_ text: String) -> TokenizedText {
        let pieces = wordPieceIDs(text)
        let kept = pieces.prefix(config.maxSequenceLength - 2)
        var ids = [Int]()
        ids.reserveCapacity(kept.count + 2)
        ids.append(classID)
        ids.append(contentsOf: kept)
        ids.append(separatorID)
        return TokenizedText(
            ids: ids, untruncatedCount: pieces.count + 2, unknownCount: ids.lazy.filter { $0 == unknownID }.count)
    }

    /// The word-piece ids of a text, without special tokens added and without truncation.
    /// - Parameter text: Any text.
    public func wordPieceIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in splitOnLiteralSpecialTokens(Array(text.unicodeScalars)) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let scalars):
                for word in basicTokens(scalars) { appendWordPieces(of: word, to: &ids) }
            }
        }
        return ids
    }

    /// Greedy longest-match WordPiece of one word, `##` marking continuations; a word that
    /// cannot be spelled entirely, or is longer than the per-word limit, is one unknown token.
    func appendWordPieces(of word: [Unicode.Scalar], to ids: inout [Int]) {
        guard word.count <= config.maxInputCharsPerWord else {
            ids.append(unknownID)
            return
        }
        var bytes: [UInt8] = []
        var offsets = [0]
        for scalar in word {
            bytes.append(contentsOf: UTF8.encode(scalar)!)
            offsets.append(bytes.count)
        }
        let firstPiece = ids.count
        var start = 0
        var key: [UInt8] = []
        while start < word.count {
            var end = word.count
            var found: Int?
            while end > start {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: [UInt8(ascii: "#"), UInt8(ascii: "#")]) }
                key.append(contentsOf: bytes[offsets[start]..<offsets[end]])
                if let id = idsByBytes[key] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownID)
                return
            }
            ids.append(found)
            start = end
        }
    }
}
