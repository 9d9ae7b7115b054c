import StylecastText
import Testing

/// all-MiniLM-L6-v2 in Swift against sentence-transformers (shared reference file).
@Suite("all-MiniLM-L6-v2 against the sentence-transformers reference")
struct ReferenceTests {
    @Test("token ids are identical to the reference for every item, the long one truncated at 256")
    func tokenIDsMatch() throws {
        let reference = try ModelFiles.reference()
        let tokenizer = try WordPieceTokenizer(directory: try ModelFiles.requireModel())
        #expect(tokenizer.config.maxSequenceLength == reference.maxSeqLength)
        for item in reference.items + reference.extras {
            let tokenized = tokenizer.tokenize(item.text)
            #expect(tokenized.ids == item.inputIds, "\(item.text)")
            #expect(tokenized.ids.count == item.numTokens)
            if let unknown = item.numUnk { #expect(tokenized.unknownCount == unknown, "\(item.text)") }
            if let untruncated = item.untruncatedNumTokens {
                #expect(tokenized.untruncatedCount == untruncated)
                #expect(tokenized.isTruncated)
            }
        }
        #expect(reference.extras.contains { $0.inputIds.count == 256 })
    }

    @Test("every embedding has cosine >= 0.9999 and max |difference| <= 1e-4 against the reference, in one batch")
    func embeddingsMatch() throws {
        let reference = try ModelFiles.reference()
        let embedder = try ModelFiles.embedder()
        let items = reference.items + reference.extras
        let results = try embedder.embeddings(for: items.map(\.text))
        #expect(results.count == items.count)
        var worstCosine: Float = 1
        var worstDifference: Float = 0
        for (item, result) in zip(items, results) {
            #expect(result.vector.count == 384)
            #expect(result.tokenCount == item.numTokens)
            let cosine = zip(item.embedding, result.vector).reduce(0) { $0 + $1.0 * $1.1 }
            let difference = zip(item.embedding, result.vector).map { abs($0 - $1) }.max() ?? .infinity
            worstCosine = min(worstCosine, cosine)
            worstDifference = max(worstDifference, difference)
            #expect(cosine >= 0.9999, "\(item.text)")
            #expect(difference <= 1e-4, "\(item.text)")
        }
        print("minilm reference: worst cosine \(worstCosine), worst max |difference| \(worstDifference)")
    }

    @Test("embedding one text at a time gives the same vectors as the packed batch")
    func batchedEqualsUnbatched() throws {
        let reference = try ModelFiles.reference()
        let embedder = try ModelFiles.embedder()
        let texts = reference.items.prefix(6).map(\.text)
        let batched = try embedder.embed(texts)
        for (text, vector) in zip(texts, batched) {
            let single = try embedder.embed([text])[0]
            #expect(zip(single, vector).allSatisfy { abs($0 - $1) <= 1e-5 })
        }
    }

    @Test("a padded batch with an attention mask pools like the packed sequences")
    func paddedBatchWithMask() throws {
        let reference = try ModelFiles.reference()
        let embedder = try ModelFiles.embedder()
        let sequences = reference.items.prefix(3).map(\.inputIds)
        let length = sequences.map(\.count).max()!
        let padded = sequences.map { $0 + Array(repeating: 0, count: length - $0.count) }
        let mask = sequences.map { Array(repeating: true, count: $0.count) + Array(repeating: false, count: length - $0.count) }
        let fromMask = try embedder.encoder.sentenceEmbeddings(TokenBatch(inputIDs: padded, attentionMask: mask))
        for (row, item) in reference.items.prefix(3).enumerated() {
            for j in 0..<384 { #expect(abs(fromMask[row, j] - item.embedding[j]) <= 1e-4) }
        }
    }

    @Test("the empty text is [CLS] [SEP] and has a valid unit-length embedding")
    func emptyText() throws {
        let embedder = try ModelFiles.embedder()
        #expect(embedder.tokenizer.tokenize("").ids == [101, 102])
        let result = try embedder.embeddings(for: [""])[0]
        #expect(result.tokenCount == 2)
        #expect(result.vector.allSatisfy { $0.isFinite })
        let norm = result.vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test("a 10,000-character text is truncated to 256 tokens and embedded")
    func longTextIsTruncated() throws {
        let embedder = try ModelFiles.embedder()
        let text = String(repeating: "Wool coat, relaxed fit. ", count: 417).prefix(10_000)
        #expect(text.count == 10_000)
        let tokenized = embedder.tokenizer.tokenize(String(text))
        #expect(tokenized.ids.count == 256)
        #expect(tokenized.ids.first == 101 && tokenized.ids.last == 102)
        #expect(tokenized.isTruncated && tokenized.untruncatedCount > 2_000)
        let result = try embedder.embeddings(for: [String(text)])[0]
        #expect(result.tokenCount == 256 && result.isTruncated)
        #expect(abs(result.vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
    }

    @Test("texts split over several encoder calls by the token budget keep their order and values")
    func tokenBudgetSplitsBatches() throws {
        let reference = try ModelFiles.reference()
        let whole = try ModelFiles.embedder()
        var small = whole
        small.maxBatchTokens = 50
        let texts = reference.items.map(\.text)
        let expected = try whole.embed(texts)
        let split = try small.embed(texts)
        #expect(split.count == expected.count)
        for (a, b) in zip(split, expected) { #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 }) }
    }
}
