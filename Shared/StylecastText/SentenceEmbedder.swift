import StylecastTensor

/// One text's sentence embedding and what the tokenizer made of the text.
public struct SentenceEmbedding: Sendable, Equatable {
    /// The unit-length vector (``BertConfig/hiddenSize`` values; 384 for all-MiniLM-L6-v2).
    public var vector: [Float]
    /// Tokens the model saw, `[CLS]` and `[SEP]` included (at most the sequence limit).
    public var tokenCount: Int
    /// Whether the text was longer than the sequence limit and was truncated.
    public var isTruncated: Bool

    /// Creates an embedding result.
    /// - Parameters:
    ///   - vector: The embedding.
    ///   - tokenCount: Tokens embedded.
    ///   - isTruncated: Whether the text was truncated.
    public init(vector: [Float], tokenCount: Int, isTruncated: Bool) {
        self.vector = vector
        self.tokenCount = tokenCount
        self.isTruncated = isTruncated
    }
}

/// Texts to unit-length sentence embeddings, as sentence-transformers'
/// `SentenceTransformer("all-MiniLM-L6-v2").encode(texts, normalize_embeddings=True)`:
/// ``WordPieceTokenizer`` then ``BertEncoder`` with mean pooling and L2 normalisation.
///
/// Texts are embedded in packed batches of at most ``maxBatchTokens`` tokens, so a call with
/// many texts never materialises one huge activation and no padding is ever computed (the
/// padding that length-sorting would reduce does not exist in a packed batch). Results are in
/// the order of the input. The embedder is a value that can be shared across tasks; each call
/// allocates its own activations.
///
/// ```swift
/// let embedder = try SentenceEmbedder(directory: "models/all-MiniLM-L6-v2")
/// let vectors = try embedder.embed(["neon geometric dress", "oversized hoodie"])
/// ```
public struct SentenceEmbedder: Sendable {
    /// The tokenizer.
    public let tokenizer: WordPieceTokenizer
    /// The encoder.
    public let encoder: BertEncoder
    /// The most tokens run through the encoder at once; a batch holds at least one text.
    /// 4096 tokens keep the largest activation (`tokens x intermediate`) at 24 MiB for MiniLM.
    public var maxBatchTokens: Int

    /// Combines a tokenizer and an encoder.
    /// - Parameters:
    ///   - tokenizer: The tokenizer; its sequence limit must not exceed the encoder's positions.
    ///   - encoder: The encoder.
    ///   - maxBatchTokens: Tokens per encoder call (at least 1).
    /// - Throws: ``TextModelError/unsupportedConfiguration(reason:)`` when the tokenizer's
    ///   vocabulary or sequence limit does not fit the encoder.
    public init(tokenizer: WordPieceTokenizer, encoder: BertEncoder, maxBatchTokens: Int = 4096)
        throws(TextModelError)
    {
        guard tokenizer.vocabularySize <= encoder.config.vocabSize else {
            throw .unsupportedConfiguration(
                reason: "vocabulary of \(tokenizer.vocabularySize) tokens for \(encoder.config.vocabSize) embeddings")
        }
        guard tokenizer.config.maxSequenceLength <= encoder.config.maxPositionEmbeddings else {
            throw .unsupportedConfiguration(
                reason: "sequence limit \(tokenizer.config.maxSequenceLength) exceeds "
                    + "\(encoder.config.maxPositionEmbeddings) positions")
        }
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.maxBatchTokens = max(maxBatchTokens, 1)
    }

    /// Loads tokenizer and encoder from a model directory (`vocab.txt`, `tokenizer_config.json`,
    /// `sentence_bert_config.json`, `config.json`, `model.safetensors`).
    /// - Parameters:
    ///   - directory: A sentence-transformers model folder such as `models/all-MiniLM-L6-v2`.
    ///   - maxBatchTokens: Tokens per encoder call.
    /// - Throws: ``TextModelError`` when a file is missing or corrupt.
    public init(directory: String, maxBatchTokens: Int = 4096) throws(TextModelError) {
        try self.init(
            tokenizer: try WordPieceTokenizer(directory: directory), encoder: try BertEncoder(directory: directory),
            maxBatchTokens: maxBatchTokens)
    }

    /// The unit-length embedding of each text, in order.
    /// - Parameter texts: Any texts; empty ones embed `[CLS] [SEP]`, long ones are truncated.
    /// - Throws: ``TextModelError`` only for a defect (valid tokenizer output always fits).
    public func embed(_ texts: [String]) throws(TextModelError) -> [[Float]] {
        try embeddings(for: texts).map(\.vector)
    }

    /// The embedding of each text with its token count, in order.
    /// - Parameter texts: Any texts.
    /// - Throws: ``TextModelError`` only for a defect.
    public func embeddings(for texts: [String]) throws(TextModelError) -> [SentenceEmbedding] {
        try embeddings(for: texts.map(tokenizer.tokenize))
    }

    /// Embeddings of already tokenized texts (so that a caller can time tokenisation apart).
    /// - Parameter tokenized: Output of ``WordPieceTokenizer/tokenize(_:)``.
    /// - Throws: ``TextModelError/invalidTokenID(_:position:vocabularySize:)`` or
    ///   ``TextModelError/sequenceTooLong(position:limit:)`` for hand-made ids.
    public func embeddings(for tokenized: [TokenizedText]) throws(TextModelError) -> [SentenceEmbedding] {
        let width = encoder.config.hiddenSize
        var results: [SentenceEmbedding] = []
        results.reserveCapacity(tokenized.count)
        var start = 0
        while start < tokenized.count {
            var end = start
            var tokens = 0
            while end < tokenized.count, end == start || tokens + tokenized[end].ids.count <= maxBatchTokens {
                tokens += tokenized[end].ids.count
                end += 1
            }
            let chunk = tokenized[start..<end]
            let vectors = try encoder.sentenceEmbeddings(TokenBatch(sequences: chunk.map(\.ids)))
            vectors.withUnsafeBufferPointer { values in
                for (row, text) in chunk.enumerated() {
                    results.append(
                        SentenceEmbedding(
                            vector: Array(values[(row * width)..<((row + 1) * width)]), tokenCount: text.ids.count,
                            isTruncated: text.isTruncated))
                }
            }
            start = end
        }
        return results
    }
}
