import StylecastModelFormat
import StylecastTensor

/// A BERT encoder (embeddings and transformer layers, no pooler) on the shared tensor library,
/// with sentence-transformers' mean pooling; all-MiniLM-L6-v2 is 6 layers of width 384 with
/// 12 heads.
///
/// Weights are memory-mapped and borrowed without copies, except the query, key and value
/// projections, which are concatenated once so that each layer computes them in one GEMM.
/// Batches are packed (``TokenBatch``): dense layers run over real tokens only, and attention
/// runs per sequence over its own length.
///
/// ```swift
/// let encoder = try BertEncoder(directory: "models/all-MiniLM-L6-v2")
/// let vectors = try encoder.sentenceEmbeddings(TokenBatch(sequences: [[101, 16231, 102]]))
/// ```
public struct BertEncoder: Sendable {
    /// The architecture.
    public let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]

    /// Loads the encoder's weights (names resolved under any prefix such as `bert.`).
    /// - Parameters:
    ///   - config: The architecture, validated here.
    ///   - weights: The safetensors file; F32 weights are borrowed from its mapping.
    /// - Throws: ``TextModelError/unsupportedConfiguration(reason:)``,
    ///   ``TextModelError/missingWeight(name:)`` or
    ///   ``TextModelError/unexpectedWeightShape(name:expected:found:)``.
    public init(config: BertConfig, weights: SafetensorsFile) throws(TextModelError) {
        try config.validate()
        let root = try BertWeights(file: weights)
        self.config = config
        self.embeddings = try BertEmbeddings.load(root.scoped("embeddings"), config)
        self.layers = try (0..<config.numHiddenLayers).map { index throws(TextModelError) in
            try BertLayer.load(root.scoped("encoder.layer.\(index)"), config)
        }
    }

    /// Loads `config.json` and `model.safetensors` from a model directory.
    /// - Parameter directory: A Hugging Face model folder such as `models/all-MiniLM-L6-v2`.
    /// - Throws: ``TextModelError`` when a file is missing or corrupt (``TextModelError/invalidWeights(_:)``
    ///   wraps the safetensors reader's error), or the weights do not fit the configuration.
    public init(directory: String) throws(TextModelError) {
        let config = try BertConfig(contentsOf: directory + "/config.json")
        let weights: SafetensorsFile
        do {
            weights = try SafetensorsFile(contentsOf: directory + "/model.safetensors")
        } catch {
            throw .invalidWeights(error)
        }
        try self.init(config: config, weights: weights)
    }

    /// The last layer's hidden state of every token in the batch.
    /// - Parameter batch: Packed sequences; ids in the vocabulary, positions below
    ///   ``BertConfig/maxPositionEmbeddings``.
    /// - Returns: `[batch.tokenCount, hiddenSize]`, sequences back to back as in `batch`.
    /// - Throws: ``TextModelError/invalidTokenID(_:position:vocabularySize:)`` or
    ///   ``TextModelError/sequenceTooLong(position:limit:)`` for ids the model cannot take.
    public func forward(_ batch: TokenBatch) throws(TextModelError) -> Tensor {
        if let bad = batch.tokenIDs.firstIndex(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw .invalidTokenID(batch.tokenIDs[bad], position: bad, vocabularySize: config.vocabSize)
        }
        if let position = batch.positionIDs.first(where: { $0 < 0 || $0 >= config.maxPositionEmbeddings }) {
            throw .sequenceTooLong(position: position, limit: config.maxPositionEmbeddings)
        }
        var x = try embeddings.forward(batch)
        for layer in layers {
            x = try layer.forward(x, sequenceLengths: batch.sequenceLengths)
        }
        return x
    }

    /// One vector per sequence: the mean of its tokens' last hidden states (sentence-transformers'
    /// mean pooling over the attention mask), optionally scaled to unit L2 norm.
    /// - Parameters:
    ///   - batch: Packed sequences, as for ``forward(_:)``.
    ///   - normalize: Divide each vector by its L2 norm (all-MiniLM-L6-v2's `Normalize` module);
    ///     a zero vector (an empty sequence) stays zero.
    /// - Returns: `[batch.count, hiddenSize]`.
    /// - Throws: As ``forward(_:)``.
    public func sentenceEmbeddings(_ batch: TokenBatch, normalize: Bool = true) throws(TextModelError) -> Tensor {
        let hidden = try forward(batch)
        let width = config.hiddenSize
        var pooled = Tensor(zeros: [batch.count, width])
        pooled.withUnsafeMutableBufferPointer { out in
            hidden.withUnsafeBufferPointer { states in
                var row = 0
                for (sequence, length) in batch.sequenceLengths.enumerated() {
                    let target = UnsafeMutableBufferPointer(rebasing: out[(sequence * width)..<((sequence + 1) * width)])
                    for token in row..<(row + length) {
                        for j in 0..<width { target[j] += states[token * width + j] }
                    }
                    row += length
                    // sentence-transformers divides by max(count, 1e-9): an empty sequence is zero.
                    let scale = 1 / Float(max(length, 1))
                    for j in 0..<width { target[j] *= scale }
                    if normalize {
                        var squares: Float = 0
                        for v in target { squares += v * v }
                        // F.normalize: x / max(||x||, 1e-12).
                        let inverse = 1 / max(squares.squareRoot(), 1e-12)
                        for j in 0..<width { target[j] *= inverse }
                    }
                }
            }
        }
        return pooled
    }
}
