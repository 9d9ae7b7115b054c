import StylecastTensor
import Testing

@Suite("SplitMix64, k-means and the principal-component map")
struct VectorClusteringTests {
    /// Three tight groups of 20 points around far-apart centres in 16 dimensions.
    static func blobs() -> (vectors: [[Float]], group: [Int]) {
        var random = SplitMix64(seed: 7)
        var vectors: [[Float]] = []
        var group: [Int] = []
        for (index, centre) in [Float(-5), 0, 5].enumerated() {
            for _ in 0..<20 {
                vectors.append((0..<16).map { d in (d == index ? centre : 0) + (random.nextUnitFloat() - 0.5) * 0.2 })
                group.append(index)
            }
        }
        return (vectors, group)
    }

    @Test("SplitMix64 gives the published sequence for seed 0, and units in [0, 1)")
    func splitMix() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        let units = (0..<1000).map { _ in random.nextUnit() }
        #expect(units.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(units.reduce(0, +) / 1000 - 0.5) < 0.05)
    }

    @Test("k-means puts each blob in a cluster of its own, the same on every run")
    func kMeansSeparatesBlobs() {
        let (vectors, group) = Self.blobs()
        let assignment = VectorClustering.kMeans(vectors, k: 3)
        // One cluster per blob: the map from group to cluster is one-to-one.
        let clusterOfGroup = Dictionary(grouping: zip(group, assignment), by: \.0).mapValues { Set($0.map(\.1)) }
        #expect(clusterOfGroup.values.allSatisfy { $0.count == 1 })
        #expect(Set(clusterOfGroup.values.map { $0.first! }).count == 3)
        #expect(VectorClustering.kMeans(vectors, k: 3) == assignment)
    }

    @Test("points spread most along one axis and less along another map onto those two, centred")
    func principalPlaneOfAGrid() {
        // A 5 x 5 grid in the plane of axes 0 and 2 of 3-D space, three times wider along axis 0.
        let grid = (-2...2).flatMap { t in (-2...2).map { s in (t, s) } }
        let vectors: [[Float]] = grid.map { [3 * Float($0.0) + 1, 7, Float($0.1) - 2] }
        let map = VectorClustering.principalPlane(vectors)
        for ((t, s), point) in zip(grid, map) {
            #expect(abs(abs(point.x) - 3 * Double(abs(t))) < 1e-6)
            #expect(abs(abs(point.y) - Double(abs(s))) < 1e-6)
        }
        #expect(abs(map.map(\.x).reduce(0, +)) < 1e-9 && abs(map.map(\.y).reduce(0, +)) < 1e-9)
    }
}
