// The blocks of a BERT encoder, after candle's bert.rs: each has one `load(weights, config)`
// and one `forward`. Hidden states are packed: `[tokens, hidden]` with the sequences back to
// back and no padding (see `TokenBatch`), so every dense layer is one GEMM over real tokens.

import StylecastTensor

/// `torch.nn.Linear`: `y = x W^T + b`, its weight packed at load (``PackedLinear``).
struct Linear: Sendable {
    let layer: PackedLinear

    init(weight: Tensor, bias: Tensor) throws(TextModelError) {
        layer = try tensorOperation { () throws(TensorError) in try PackedLinear(weight: weight, bias: bias) }
    }

    static func load(_ weights: BertWeights, inFeatures: Int, outFeatures: Int) throws(TextModelError) -> Linear {
        try Linear(
            weight: try weights.tensor("weight", shape: [outFeatures, inFeatures]),
            bias: try weights.tensor("bias", shape: [outFeatures]))
    }

    func forward(_ x: Tensor, activation: PackedLinear.Activation = .identity) throws(TextModelError) -> Tensor {
        try tensorOperation { () throws(TensorError) in try layer.forward(x, activation: activation) }
    }
}

/// `torch.nn.LayerNorm` over the hidden axis, applied in place after a residual sum.
struct LayerNorm: Sendable {
    let weight: Tensor
    let bias: Tensor
    let epsilon: Float

    static func load(_ weights: BertWeights, size: Int, epsilon: Float) throws(TextModelError) -> LayerNorm {
        LayerNorm(
            weight: try weights.tensor("weight", shape: [size]), bias: try weights.tensor("bias", shape: [size]),
            epsilon: epsilon)
    }

    /// `x = LayerNorm(x + residual)`, in `x`'s storage (no new tensor).
    func forward(_ x: inout Tensor, residual: Tensor?) throws(TextModelError) {
        try tensorOperation { () throws(TensorError) in
            try x.formLayerNorm(adding: residual, weight: weight, bias: bias, epsilon: epsilon)
        }
    }
}

/// Word + position + token-type-0 embeddings, then layer norm.
struct BertEmbeddings: Sendable {
    let wordEmbeddings: Tensor
    let positionEmbeddings: Tensor
    /// Row 0 of the token-type table: every token of a single-segment input is type 0.
    let tokenTypeEmbedding: Tensor
    let layerNorm: LayerNorm

    static func load(_ weights: BertWeights, _ config: BertConfig) throws(TextModelError) -> BertEmbeddings {
        let hidden = config.hiddenSize
        let types = try weights.tensor("token_type_embeddings.weight", shape: [config.typeVocabSize, hidden])
        return BertEmbeddings(
            wordEmbeddings: try weights.tensor("word_embeddings.weight", shape: [config.vocabSize, hidden]),
            positionEmbeddings: try weights.tensor(
                "position_embeddings.weight", shape: [config.maxPositionEmbeddings, hidden]),
            tokenTypeEmbedding: try tensorOperation { () throws(TensorError) in try types.slice(from: 0, count: 1) },
            layerNorm: try LayerNorm.load(weights.scoped("LayerNorm"), size: hidden, epsilon: config.layerNormEps))
    }

    /// `[tokens, hidden]` for validated token and position ids.
    func forward(_ batch: TokenBatch) throws(TextModelError) -> Tensor {
        var x = try tensorOperation { () throws(TensorError) in
            try wordEmbeddings.embedding(indices: batch.tokenIDs)
        }
        let positions = try tensorOperation { () throws(TensorError) in
            try positionEmbeddings.embedding(indices: batch.positionIDs)
        }
        let width = tokenTypeEmbedding.count
        x.withUnsafeMutableBufferPointer { values in
            tokenTypeEmbedding.withUnsafeBufferPointer { type in
                for row in 0..<(values.count / width) {
                    for j in 0..<width { values[row * width + j] += type[j] }
                }
            }
        }
        try layerNorm.forward(&x, residual: positions)
        return x
    }
}

/// Multi-head self-attention with the query, key and value projections fused into one GEMM
/// (their weights concatenated once at load), followed by the output projection, the residual
/// and layer norm (`BertSelfAttention` + `BertSelfOutput`).
struct BertAttention: Sendable {
    let queryKeyValue: Linear
    let output: Linear
    let layerNorm: LayerNorm
    let heads: Int

    static func load(_ weights: BertWeights, _ config: BertConfig) throws(TextModelError) -> BertAttention {
        let hidden = config.hiddenSize
        let projections = try ["query", "key", "value"].map { name throws(TextModelError) in
            let scope = weights.scoped("self.\(name)")
            return (
                weight: try scope.tensor("weight", shape: [hidden, hidden]), bias: try scope.tensor("bias", shape: [hidden])
            )
        }
        let fused = try Linear(
            weight: try tensorOperation { () throws(TensorError) in
                try Tensor.concatenated(projections.map(\.weight), axis: 0)
            },
            bias: try tensorOperation { () throws(TensorError) in
                try Tensor.concatenated(projections.map(\.bias), axis: 0)
            })
        return BertAttention(
            queryKeyValue: fused,
            output: try Linear.load(weights.scoped("output.dense"), inFeatures: hidden, outFeatures: hidden),
            layerNorm: try LayerNorm.load(
                weights.scoped("output.LayerNorm"), size: hidden, epsilon: config.layerNormEps),
            heads: config.numAttentionHeads)
    }

    func forward(_ x: Tensor, sequenceLengths: [Int]) throws(TextModelError) -> Tensor {
        let qkv = try queryKeyValue.forward(x)
        let context = try tensorOperation { () throws(TensorError) in
            try Tensor.packedSelfAttention(qkv: qkv, sequenceLengths: sequenceLengths, heads: heads)
        }
        var y = try output.forward(context)
        try layerNorm.forward(&y, residual: x)
        return y
    }
}

/// One transformer layer: attention, then the GELU feed-forward with residual and layer norm
/// (`BertIntermediate` + `BertOutput`).
struct BertLayer: Sendable {
    let attention: BertAttention
    let intermediate: Linear
    let output: Linear
    let layerNorm: LayerNorm

    static func load(_ weights: BertWeights, _ config: BertConfig) throws(TextModelError) -> BertLayer {
        BertLayer(
            attention: try BertAttention.load(weights.scoped("attention"), config),
            intermediate: try Linear.load(
                weights.scoped("intermediate.dense"), inFeatures: config.hiddenSize,
                outFeatures: config.intermediateSize),
            output: try Linear.load(
                weights.scoped("output.dense"), inFeatures: config.intermediateSize, outFeatures: config.hiddenSize),
            layerNorm: try LayerNorm.load(
                weights.scoped("output.LayerNorm"), size: config.hiddenSize, epsilon: config.layerNormEps))
    }

    func forward(_ x: Tensor, sequenceLengths: [Int]) throws(TextModelError) -> Tensor {
        let attended = try attention.forward(x, sequenceLengths: sequenceLengths)
        let hidden = try intermediate.forward(attended, activation: .gelu)
        var y = try output.forward(hidden)
        try layerNorm.forward(&y, residual: attended)
        return y
    }
}
