import Foundation

/// The architecture of a BERT encoder, mirroring the fields of a Hugging Face `config.json`
/// (names as there, in Swift case).
public struct BertConfig: Sendable, Equatable, Codable {
    /// `vocab_size`: rows of the word-embedding table.
    public var vocabSize: Int
    /// `hidden_size`: width of every token's hidden state.
    public var hiddenSize: Int
    /// `num_hidden_layers`: transformer layers.
    public var numHiddenLayers: Int
    /// `num_attention_heads`: heads per self-attention; divides ``hiddenSize``.
    public var numAttentionHeads: Int
    /// `intermediate_size`: width of the feed-forward layer.
    public var intermediateSize: Int
    /// `hidden_act`: the feed-forward activation; only `"gelu"` (exact, erf-based) is supported.
    public var hiddenAct: String
    /// `max_position_embeddings`: the longest sequence the position table covers.
    public var maxPositionEmbeddings: Int
    /// `type_vocab_size`: rows of the token-type table (type 0 is used for every token).
    public var typeVocabSize: Int
    /// `layer_norm_eps`: the epsilon of every layer normalisation.
    public var layerNormEps: Float
    /// `pad_token_id`: the padding token's id.
    public var padTokenId: Int
    /// `position_embedding_type`: only `"absolute"` is supported.
    public var positionEmbeddingType: String

    /// The configuration of all-MiniLM-L6-v2.
    public static let miniLML6 = BertConfig(
        vocabSize: 30_522, hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12,
        intermediateSize: 1536, hiddenAct: "gelu", maxPositionEmbeddings: 512, typeVocabSize: 2,
        layerNormEps: 1e-12, padTokenId: 0, positionEmbeddingType: "absolute")

    /// Creates a configuration.
    /// - Parameters:
    ///   - vocabSize: Rows of the word-embedding table.
    ///   - hiddenSize: Hidden state width.
    ///   - numHiddenLayers: Transformer layers.
    ///   - numAttentionHeads: Attention heads; divides `hiddenSize`.
    ///   - intermediateSize: Feed-forward width.
    ///   - hiddenAct: Activation; `"gelu"`.
    ///   - maxPositionEmbeddings: Longest sequence, in tokens.
    ///   - typeVocabSize: Token types.
    ///   - layerNormEps: Layer-norm epsilon.
    ///   - padTokenId: Padding token id.
    ///   - positionEmbeddingType: `"absolute"`.
    public init(
        vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
        hiddenAct: String, maxPositionEmbeddings: Int, typeVocabSize: Int, layerNormEps: Float, padTokenId: Int,
        positionEmbeddingType: String
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = hiddenAct
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.padTokenId = padTokenId
        self.positionEmbeddingType = positionEmbeddingType
    }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case padTokenId = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type"
    }

    /// Decodes the fields; `hidden_act`, `pad_token_id`, `type_vocab_size`, `layer_norm_eps` and
    /// `position_embedding_type` default to BERT's values when absent.
    /// - Parameter decoder: A decoder over `config.json`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositionEmbeddings = try c.decode(Int.self, forKey: .maxPositionEmbeddings)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? 0
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute"
    }

    /// Reads and validates `config.json`.
    /// - Parameter path: The `config.json` file.
    /// - Throws: ``TextModelError/cannotRead(path:reason:)`` when the file cannot be read,
    ///   ``TextModelError/invalidConfiguration(path:reason:)`` when it is not a BERT configuration,
    ///   ``TextModelError/unsupportedConfiguration(reason:)`` for an architecture this encoder
    ///   does not run.
    public init(contentsOf path: String) throws(TextModelError) {
        let data = try readModelFile(at: path)
        do {
            self = try JSONDecoder().decode(BertConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidConfiguration(path: path, reason: "missing \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .invalidConfiguration(
                path: path, reason: "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw .invalidConfiguration(path: path, reason: "not valid JSON")
        }
        try validate()
    }

    /// Checks that this encoder can run the configuration.
    /// - Throws: ``TextModelError/unsupportedConfiguration(reason:)`` naming the first problem.
    public func validate() throws(TextModelError) {
        func require(_ condition: Bool, _ reason: String) throws(TextModelError) {
            if !condition { throw .unsupportedConfiguration(reason: reason) }
        }
        try require(
            [vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings,
             typeVocabSize].allSatisfy { $0 > 0 },
            "sizes must be positive")
        try require(
            hiddenSize % numAttentionHeads == 0,
            "hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numAttentionHeads)")
        try require(hiddenAct == "gelu", "hidden_act \(hiddenAct) (only the exact \"gelu\" is supported)")
        try require(
            positionEmbeddingType == "absolute",
            "position_embedding_type \(positionEmbeddingType) (only \"absolute\" is supported)")
        try require(layerNormEps >= 0 && layerNormEps.isFinite, "layer_norm_eps \(layerNormEps)")
    }
}
