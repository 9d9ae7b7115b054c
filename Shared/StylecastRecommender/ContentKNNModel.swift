import StylecastTensor
import StylecastTensor

/// Content-based kNN over item embeddings (e.g. the text-embedding service's vectors of
/// titles and descriptions): cosine similarity, so that items nobody has bought yet (cold
/// items) can be recommended, and users with a short history get neighbours of what they saw.
///
/// The score of item `j` for a history is `sum over history events (i, t) of
/// weight * historyDecay(now - t) * cos(e_i, e_j)`; by linearity it is computed as one `sgemv`
/// of the normalised embeddings with the weighted sum of the history's normalised embeddings.
/// Items without an embedding score 0.
public struct ContentKNNModel: ItemScorer {
    /// Number of items.
    public let itemCount: Int
    /// Embedding width.
    public let dimension: Int
    /// Decay of history events at scoring time.
    public let historyDecay: TimeDecay
    private let normalized: [Float]
    private let present: [Bool]

    /// Builds the model from embeddings of some items.
    /// - Parameters:
    ///   - embeddings: Vectors by item index; every vector has the same length. Zero vectors
    ///     count as missing.
    ///   - itemCount: Number of items (items without a vector score 0).
    ///   - historyDecay: Decay of history events at scoring time (default none).
    /// - Throws: ``RecommenderError/indexOutOfRange(field:index:count:)`` for an unknown item,
    ///   ``RecommenderError/dimensionMismatch(field:expected:actual:)`` for vectors of different
    ///   lengths.
    public init(embeddings: [Int: [Float]], itemCount: Int, historyDecay: TimeDecay = .none) throws(RecommenderError) {
        let dimension = embeddings.values.first?.count ?? 0
        var matrix = [Float](repeating: 0, count: itemCount * dimension)
        for (item, vector) in embeddings {
            guard item >= 0, item < itemCount else { throw .indexOutOfRange(field: "item", index: item, count: itemCount) }
            guard vector.count == dimension else {
                throw .dimensionMismatch(field: "embedding of item \(item)", expected: dimension, actual: vector.count)
            }
            for index in 0..<dimension { matrix[item * dimension + index] = vector[index] }
        }
        self.init(rows: matrix, itemCount: itemCount, dimension: dimension, historyDecay: historyDecay)
    }

    /// Builds the model from an embedding matrix with one row per item.
    /// - Parameters:
    ///   - embeddings: `[itemCount, dimension]`; all-zero rows count as missing.
    ///   - historyDecay: Decay of history events at scoring time (default none).
    /// - Throws: ``RecommenderError/dimensionMismatch(field:expected:actual:)`` when not rank 2.
    public init(embeddings: Tensor, historyDecay: TimeDecay = .none) throws(RecommenderError) {
        guard embeddings.rank == 2 else { throw .dimensionMismatch(field: "embeddings rank", expected: 2, actual: embeddings.rank) }
        self.init(
            rows: embeddings.scalars, itemCount: embeddings.shape[0], dimension: embeddings.shape[1],
            historyDecay: historyDecay)
    }

    private init(rows: [Float], itemCount: Int, dimension: Int, historyDecay: TimeDecay) {
        var rows = rows
        var present = [Bool](repeating: false, count: itemCount)
        for item in 0..<itemCount {
            let row = rows[(item * dimension)..<((item + 1) * dimension)]
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0, norm.isFinite else { continue }
            present[item] = true
            for index in row.indices { rows[index] /= norm }
        }
        self.itemCount = itemCount
        self.dimension = dimension
        self.historyDecay = historyDecay
        self.normalized = rows
        self.present = present
    }

    /// Whether the item has an embedding.
    /// - Parameter item: Item index.
    public func hasEmbedding(_ item: Int) -> Bool { item >= 0 && item < itemCount && present[item] }

    /// Sums the cosine similarities of every item to the query's history.
    public func score(_ query: RecommendationQuery, into scores: inout [Float]) {
        var profile = [Float](repeating: 0, count: dimension)
        for event in query.history where hasEmbedding(event.item) {
            let weight = event.weight * historyDecay.weight(age: query.now - event.time)
            for index in 0..<dimension { profile[index] += weight * normalized[event.item * dimension + index] }
        }
        score(profile: profile, into: &scores)
    }

    /// The items most similar to one item by cosine, itself left out.
    /// - Parameters:
    ///   - item: Item index with an embedding (else the result is empty).
    ///   - count: How many neighbours.
    public func similarItems(to item: Int, count: Int) -> [ScoredItem] {
        guard hasEmbedding(item) else { return [] }
        var scores = [Float]()
        score(profile: Array(normalized[(item * dimension)..<((item + 1) * dimension)]), into: &scores)
        scores[item] = -.infinity
        return TopKSelection.top(count, of: scores)
    }

    private func score(profile: [Float], into scores: inout [Float]) {
        if scores.count != itemCount { scores = [Float](repeating: 0, count: itemCount) }
        guard itemCount > 0, dimension > 0 else {
            for index in scores.indices { scores[index] = 0 }
            return
        }
        normalized.withUnsafeBufferPointer { matrix in
            profile.withUnsafeBufferPointer { vector in
                scores.withUnsafeMutableBufferPointer { out in
                    BLAS.gemv(
                        rows: itemCount, columns: dimension, matrix: matrix.baseAddress!, vector: vector.baseAddress!,
                        result: out.baseAddress!)
                }
            }
        }
    }
}
