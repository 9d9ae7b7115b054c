import StylecastContracts
import StylecastRedis
import StylecastTensor

/// Style clusters: k-means over item embeddings (all-MiniLM-L6-v2, unit length), each labelled
/// by the attributes most over-represented in it, and a 2-D map of the items (their first two
/// principal components) for the report.
///
/// Deterministic: a fixed sample of items (every n-th of the sorted ids, at most ``maxItems``),
/// then StylecastTensor's `VectorClustering` (k-means++ seeding from a fixed-seed generator,
/// Lloyd iterations until no item moves, at most 25). ``build(redis:)`` reads the items,
/// ``compute(vectors:attributes:)`` does the numbers.
struct StyleClusters: Sendable, Equatable {
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
        // Each item's embedding, then its attributes.
        let stored = try await redis.values(of: ids.flatMap { [StylecastKeys.itemEmbedding($0), StylecastKeys.itemAttributes($0)] })
        for index in stride(from: 0, to: stored.count, by: 2) {
            guard let embedding = stored[index].flatMap(EmbeddingCodec.decode) else { continue }
            vectors.append(embedding.vector)
            attributes.append(TrendAttribute.decode(json: stored[index + 1].map { String(decoding: $0, as: UTF8.self) } ?? "[]").map(\.key))
        }
        return compute(vectors: vectors, attributes: attributes)
    }

    /// The clusters of `vectors` (unit-length embeddings), labelled with the attribute keys
    /// (`kind:value`) of each item; empty for fewer than 20 items.
    static func compute(vectors: [[Float]], attributes: [[String]]) -> StyleClusters {
        guard vectors.count >= 20 else { return StyleClusters(clusters: [], points: []) }
        let k = min(clusterCount, vectors.count / 10)
        let assignment = VectorClustering.kMeans(vectors, k: k)
        let map = VectorClustering.principalPlane(vectors)
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
            let x = members.map { map[$0].x }.reduce(0, +) / Double(max(members.count, 1))
            let y = members.map { map[$0].y }.reduce(0, +) / Double(max(members.count, 1))
            clusters.append(
                Cluster(
                    labels: lifted.prefix(3).map { $0.key.replacingOccurrences(of: ":", with: "=") }, size: members.count,
                    x: x, y: y))
        }
        let points = assignment.indices.map { Point(cluster: assignment[$0], x: map[$0].x, y: map[$0].y) }
        return StyleClusters(clusters: clusters, points: points)
    }
}
