/// k-means and a 2-D principal-component map over plain vectors (sentence embeddings of a few
/// hundred dimensions, a few thousand of them), deterministic: every random choice comes from a
/// ``SplitMix64`` with a fixed seed.
public enum VectorClustering {
    /// Squared Euclidean distance.
    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in a.indices {
            let d = a[index] - b[index]
            sum += d * d
        }
        return sum
    }

    /// Lloyd's k-means with k-means++ seeding, until no vector moves (at most `iterations`).
    /// - Parameters:
    ///   - vectors: At least one, all of one length.
    ///   - k: Clusters, 1 to `vectors.count`.
    ///   - seed: Seeds the k-means++ draws.
    ///   - iterations: Most Lloyd iterations.
    /// - Returns: Each vector's cluster, `0..<k`.
    public static func kMeans(_ vectors: [[Float]], k: Int, seed: UInt64 = 0x5EED, iterations: Int = 25) -> [Int] {
        var generator = SplitMix64(seed: seed)
        var centres = [vectors[Int(generator.next() % UInt64(vectors.count))]]
        var nearest = vectors.map { distance($0, centres[0]) }
        while centres.count < k {
            let total = nearest.reduce(0, +)
            var target = Float(Double(generator.next() % 1_000_000) / 1_000_000) * total
            var chosen = vectors.count - 1
            for (index, weight) in nearest.enumerated() {
                target -= weight
                if target <= 0 {
                    chosen = index
                    break
                }
            }
            centres.append(vectors[chosen])
            nearest = zip(nearest, vectors).map { min($0, distance($1, centres[centres.count - 1])) }
        }
        var assignment = [Int](repeating: -1, count: vectors.count)
        for _ in 0..<iterations {
            var moved = false
            for (index, vector) in vectors.enumerated() {
                let best = centres.indices.min { distance(vector, centres[$0]) < distance(vector, centres[$1]) } ?? 0
                if assignment[index] != best {
                    assignment[index] = best
                    moved = true
                }
            }
            if !moved { break }
            for cluster in centres.indices {
                let members = vectors.indices.filter { assignment[$0] == cluster }
                guard !members.isEmpty else { continue }
                var centre = [Float](repeating: 0, count: vectors[0].count)
                for member in members { for d in centre.indices { centre[d] += vectors[member][d] } }
                centres[cluster] = centre.map { $0 / Float(members.count) }
            }
        }
        return assignment
    }

    /// Each vector's coordinates on the first two principal components of the set (power
    /// iteration from a seeded start, 30 steps each, the second orthogonal to the first).
    /// - Parameters:
    ///   - vectors: At least one, all of one length.
    ///   - seed: Seeds the starting directions.
    public static func principalPlane(_ vectors: [[Float]], seed: UInt64 = 42) -> [(x: Double, y: Double)] {
        let dimensions = vectors[0].count
        var mean = [Double](repeating: 0, count: dimensions)
        for vector in vectors { for d in 0..<dimensions { mean[d] += Double(vector[d]) } }
        mean = mean.map { $0 / Double(vectors.count) }
        let centred = vectors.map { vector in (0..<dimensions).map { Double(vector[$0]) - mean[$0] } }
        var components: [[Double]] = []
        var generator = SplitMix64(seed: seed)
        for _ in 0..<2 {
            var direction = (0..<dimensions).map { _ in Double(generator.next() % 1000) / 1000 - 0.5 }
            for _ in 0..<30 {
                var next = [Double](repeating: 0, count: dimensions)
                for row in centred {
                    let projection = zip(row, direction).map(*).reduce(0, +)
                    for d in 0..<dimensions { next[d] += projection * row[d] }
                }
                for component in components {
                    let overlap = zip(next, component).map(*).reduce(0, +)
                    for d in 0..<dimensions { next[d] -= overlap * component[d] }
                }
                let norm = next.map { $0 * $0 }.reduce(0, +).squareRoot()
                guard norm > 0 else { break }
                direction = next.map { $0 / norm }
            }
            components.append(direction)
        }
        return centred.map { row in
            (zip(row, components[0]).map(*).reduce(0, +), zip(row, components[1]).map(*).reduce(0, +))
        }
    }
}
