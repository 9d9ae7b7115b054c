@testable import TrendAggregationService
import StylecastTensor
import Testing

@Suite("Style clusters: k-means over embeddings, labelled by over-represented attributes")
struct StyleClustersTests {
    @Test("three groups of items become three clusters named by the attributes that set them apart")
    func labelsClustersByLift() {
        var random = SplitMix64(seed: 11)
        var vectors: [[Float]] = []
        var attributes: [[String]] = []
        let groups = [("category:dress", "color:red"), ("category:coat", "color:black"), ("category:shirt", "color:white")]
        for (index, labels) in groups.enumerated() {
            for item in 0..<10 {
                vectors.append((0..<8).map { d in (d == index ? 1 : 0) + (random.nextUnitFloat() - 0.5) * 0.1 })
                // Two items of each group wear the next group's colour, so a colour sets a
                // cluster apart less than its category; every item is cotton, which sets none apart.
                let color = item < 8 ? labels.1 : groups[(index + 1) % groups.count].1
                attributes.append([labels.0, color, "fabric:cotton"])
            }
        }
        let result = StyleClusters.compute(vectors: vectors, attributes: attributes)
        #expect(result.clusters.count == 3)
        #expect(result.points.count == 30)
        #expect(result.clusters.map(\.size).sorted() == [10, 10, 10])
        let firstLabels = Set(result.clusters.compactMap(\.labels.first))
        #expect(firstLabels == ["category=dress", "category=coat", "category=shirt"])
        // Each item is drawn where its cluster's centre is: the mean of its members' points.
        for (index, cluster) in result.clusters.enumerated() {
            let members = result.points.filter { $0.cluster == index }
            #expect(abs(members.map(\.x).reduce(0, +) / Double(members.count) - cluster.x) < 1e-9)
        }
        #expect(StyleClusters.compute(vectors: vectors, attributes: attributes) == result)
    }

    @Test("fewer than 20 embedded items give no clusters")
    func tooFewItems() {
        let result = StyleClusters.compute(vectors: Array(repeating: [1, 0], count: 19), attributes: Array(repeating: [], count: 19))
        #expect(result.clusters.isEmpty && result.points.isEmpty)
    }
}
