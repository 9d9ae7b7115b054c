/// One unit-length vector per canonical value: the mean of its prompts' sentence embeddings,
/// re-normalised. The zero-shot classifier compares a text's embedding with them.
public struct AttributePrototypes: Sendable {
    /// The values, grouped by kind in declaration order, values sorted within a kind.
    public let values: [AttributeValue]
    /// `vectors[i]` is the unit-length prototype of `values[i]`.
    public let vectors: [[Float]]
    /// How many prompt sentences were embedded.
    public let promptCount: Int

    /// Averages the embeddings of `prompts` per value and re-normalises each mean.
    /// - Parameters:
    ///   - prompts: The prompts, e.g. ``AttributePrompts/prompts(for:kinds:)``.
    ///   - embeddings: One unit-length sentence embedding per prompt, in order.
    /// - Throws: ``ZeroShotError`` when the counts or widths disagree.
    public init(prompts: [AttributePrompt], embeddings: [[Float]]) throws(ZeroShotError) {
        guard prompts.count == embeddings.count else {
            throw .embeddingCount(prompts: prompts.count, embeddings: embeddings.count)
        }
        let width = embeddings.first?.count ?? 0
        var order: [AttributeValue] = []
        var sums: [AttributeValue: [Float]] = [:]
        for (prompt, embedding) in zip(prompts, embeddings) {
            guard embedding.count == width, width > 0 else { throw .embeddingWidth(expected: width, found: embedding.count) }
            if sums[prompt.attribute] == nil {
                order.append(prompt.attribute)
                sums[prompt.attribute] = embedding
            } else {
                for index in 0..<width { sums[prompt.attribute]![index] += embedding[index] }
            }
        }
        values = order
        vectors = order.map { value in
            let sum = sums[value]!
            let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? sum.map { $0 / norm } : sum
        }
        promptCount = prompts.count
    }

    /// The kinds that have prototypes.
    public var kinds: Set<AttributeKind> { Set(values.map(\.kind)) }
}
