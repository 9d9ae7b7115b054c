import StylecastText

/// `WordPieceTokenizer.tokenize(_:)` over the input as UTF-8 (invalid bytes become U+FFFD, as
/// a gRPC string would never carry them): every text is valid, so the target checks the shape
/// of the result: `[CLS] ... [SEP]` within the sequence limit, ids inside the vocabulary, and
/// counts that agree with ``WordPieceTokenizer/wordPieceIDs(_:)``.
public struct TokenizerFuzzTarget: FuzzTarget {
    public static let name = "tokenizer"

    /// The tokenizer under test (all-MiniLM-L6-v2's, loaded once).
    public let tokenizer: WordPieceTokenizer

    /// Creates the target.
    /// - Parameter tokenizer: The tokenizer to feed.
    public init(tokenizer: WordPieceTokenizer) {
        self.tokenizer = tokenizer
    }

    public func run(_ input: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let text = String(decoding: input, as: UTF8.self)
        let tokenized = tokenizer.tokenize(text)
        let ids = tokenized.ids
        let limit = tokenizer.config.maxSequenceLength
        try check(ids.count >= 2 && ids.count <= limit, "\(ids.count) ids for a limit of \(limit)")
        try check(ids.first == tokenizer.classID && ids.last == tokenizer.separatorID, "ids \(ids) are not [CLS] ... [SEP]")
        if let bad = ids.first(where: { !(0..<tokenizer.vocabularySize).contains($0) }) {
            throw failure("id \(bad) is outside the vocabulary of \(tokenizer.vocabularySize)")
        }
        try check(
            tokenized.unknownCount == ids.lazy.filter { $0 == tokenizer.unknownID }.count,
            "unknownCount \(tokenized.unknownCount) for ids \(ids)")
        let pieces = tokenizer.wordPieceIDs(text)
        try check(tokenized.untruncatedCount == pieces.count + 2, "untruncatedCount \(tokenized.untruncatedCount) for \(pieces.count) pieces")
        try check(
            Array(ids.dropFirst().dropLast()) == Array(pieces.prefix(limit - 2)),
            "tokenize and wordPieceIDs disagree")
        return .accepted(summary: "\(ids.count) tokens, \(tokenized.unknownCount) unknown")
    }
}
