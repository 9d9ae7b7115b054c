import Foundation

/// The nearest-neighbour part of ``NewProductForecaster``: past products scored by attribute
/// matches, release-date closeness and embedding similarity; the forecast is the mean curve of
/// the best `k` (ties go to the earlier training product, so the result is deterministic).
/// Products with no similarity at all are never neighbours.
struct AttributeNeighbours: Sendable {
    let products: [NewProduct]
    let releaseDays: [Int]
    let curves: [[Double]]
    let configuration: NewProductConfiguration

    /// The similarity of training product `index` to `product` released on `releaseDay`.
    func similarity(_ index: Int, to product: NewProduct, releaseDay: Int) -> Double {
        let c = configuration
        let other = products[index]
        var score = 0.0
        if other.category == product.category { score += c.categoryWeight }
        if other.color == product.color { score += c.colorWeight }
        if other.fabric == product.fabric { score += c.fabricWeight }
        if other.extra == product.extra { score += c.extraWeight }
        if c.releaseWeight != 0 {
            let apart = Double(abs(releaseDays[index] - releaseDay))
            score += c.releaseWeight * exp(-apart / c.releaseScaleDays)
        }
        if c.embeddingWeight != 0, let a = product.embedding, let b = other.embedding {
            score += c.embeddingWeight * Self.cosine(a, b)
        }
        return score
    }

    /// The mean curve of the `configuration.neighbours` most similar training products, or nil
    /// when no training product has any similarity (nothing matches and the kernels are off).
    func forecast(_ product: NewProduct, releaseDay: Int) -> [Double]? {
        let k = min(configuration.neighbours, products.count)
        // The best k so far, best first; an insertion keeps it sorted in O(k) per product.
        var best: [(score: Double, index: Int)] = []
        best.reserveCapacity(k + 1)
        for index in products.indices {
            let score = similarity(index, to: product, releaseDay: releaseDay)
            if score <= 0 { continue }
            if best.count == k, let last = best.last, score <= last.score { continue }
            var position = best.count
            while position > 0, best[position - 1].score < score { position -= 1 }
            best.insert((score, index), at: position)
            if best.count > k { best.removeLast() }
        }
        if best.isEmpty { return nil }
        var mean = [Double](repeating: 0, count: curves.first?.count ?? 0)
        for (_, index) in best { for w in mean.indices { mean[w] += curves[index][w] } }
        return mean.map { $0 / Double(best.count) }
    }

    private static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return 0 }
        var dot = 0.0
        var na = 0.0
        var nb = 0.0
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
    }
}
