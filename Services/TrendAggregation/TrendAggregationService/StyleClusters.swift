import StylecastContracts
import StylecastRedis

/// Style clusters: k-means over item embeddings (all-MiniLM-L6-v2, unit length), each labelled
/// by the attributes most over-represented in it, and a 2-D map of the items (their first two
/// principal components) for the report.
///
/// Deterministic: a fixed sample of items (every n-th of the sorted ids, at most ``maxItems``),
/// k-means++ seeding from a fixed-seed generator, Lloyd iterations until no item moves (at most
/// 25).
struct StyleClusters: Sendable {
    /// One cluster.
    struct Cluster: Sendable, Codable, Equatable {
        /// Up to three `kind=value` labels, most over-represented first.
        var labels: [String]
        var size: Int
        /// Centre on the 2-D map.
        var x: Double
        var y: Double
    }

    /// One item on the map.
    struct Point: Sendable, Codable, Equatable {
        var cluster: Int
        var x: Double
        var y: Double
    }

    static let maxItems = 2000
    static let clusterCount = 8

    var clusters: [Cluster]
    var points: [Point]

    /// Clusters the embedded items found in Redis; empty when fewer than 20 are embedded.
    static func build(redis: RedisClient) async throws -> StyleClusters {
        let allIDs = (try await redis.send("SMEMBERS", RedisArgument(StylecastKeys.itemIDs)).array ?? []).compactMap(\.string)
            .sorted()
        let step = max(1, allIDs.count / maxItems)
        let ids = stride(from: 0, to: allIDs.count, by: step).map { allIDs[$0] }
        var vectors: [[Float]] = []
        var attributes: [[String]] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            let replies = try await redis.pipeline(
                chunk.flatMap { id -> [[RedisArgument]] in
                    [
                        ["GET", RedisArgument(StylecastKeys.itemEmbedding(id))],
                        ["GET", RedisArgument(StylecastKeys.itemAttributes(id))],
                    ]
                })
            for index in stride(from: 0, to: replies.count, by: 2) {
                guard let embedding = replies[index].bytes.flatMap(EmbeddingCodec.decode) else { continue }
                vectors.append(embedding.vector)
                attributes.append(TrendAttribute.decode(json: replies[index + 1].string ?? "[]").map(\.key))
            }
        }
        guard vectors.count >= 20 else { return StyleClusters(clusters: [], points: []) }
        let k = min(clusterCount, vectors.count / 10)
        let assignment = kMeans(vectors, k: k)
        let map = principalPlane(vectors)
        var clusters: [Cluster] = []
        var overall: [String: Int] = [:]
        for keys in attributes { for key in Set(keys) { overall[key, default: 0] += 1 } }
        for cluster in 0..<k {
            let members = assignment.indices.filter { assignment[$0] == cluster }
            var counts: [String: Int] = [:]
            for member in members { for key in Set(attributes[member]) { counts[key, default: 0] += 1 } }
            // Lift: share in the cluster over share overall, for attributes common in the cluster.
            let memberCount = Double(max(members.count, 1))
            var lifted: [(key: String, lift: Double)] = []
            for (key, count) in counts where Double(count) >= 0.2 * memberCount {
                let shareInCluster = Double(count) / memberCount
                let shareOverall = Double(overall[key] ?? 1) / Double(vectors.count)
                lifted.append((key, shareInCluster / shareOverall))
            }
            lifted.sort { $0.lift != $1.lift ? $0.lift > $1.lift : $0.key < $1.key }
            let x = members.map { map[$0].0 }.reduce(0, +) / Double(max(members.count, 1))
            let y = members.map { map[$0].1 }.reduce(0, +) / Double(max(members.count, 1))
            clusters.append(
                Cluster(
                    labels: lifted.prefix(3).map { $0.key.replacingOccurrences(of: ":", with: "=") }, size: members.count,
                    x: x, y: y))
        }
        let points = assignment.indices.map { Point(cluster: assignment[$0], x: map[$0].0, y: map[$0].1) }
        return StyleClusters(clusters: clusters, points: points)
    }

    private static func distance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in a.indices {
            let d = a[index] - b[index]
            sum += d * d
        }
        return sum
    }

    /// Lloyd's k-means with k-means++ seeding (fixed seed); returns each vector's cluster.
    static func kMeans(_ vectors: [[Float]], k: Int) -> [Int] {
        var generator = SplitMix(seed: 0x5EED)
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
        for _ in 0..<25 {
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

    /// Each vector's coordinates on the first two principal components (power iteration).
    static func principalPlane(_ vectors: [[Float]]) -> [(Double, Double)] {
        let dimensions = vectors[0].count
        var mean = [Double](repeating: 0, count: dimensions)
        for vector in vectors { for d in 0..<dimensions { mean[d] += Double(vector[d]) } }
        mean = mean.map { $0 / Double(vectors.count) }
        let centred = vectors.map { vector in (0..<dimensions).map { Double(vector[$0]) - mean[$0] } }
        var components: [[Double]] = []
        var generator = SplitMix(seed: 42)
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

/// SplitMix64: a small deterministic generator.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
